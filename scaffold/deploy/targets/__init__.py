"""The deployer registry: one factory per target, looked up by name (no ``if target ==`` anywhere else).

Factories are import paths so that listing the targets (``--target`` choices, ``--help``) imports nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from ...errors import BadInput

if TYPE_CHECKING:
    from .base import TargetDeployer

DEPLOYERS: dict[str, str] = {
    "agentcore": "scaffold.deploy.targets.agentcore_target:AgentCoreDeployer",
    "lambda": "scaffold.deploy.targets.lambda_target:LambdaDeployer",
    "fastapi": "scaffold.deploy.targets.fastapi_target:FastApiDeployer",
}


def deployer_for(target: str) -> TargetDeployer:
    try:
        module_name, _, attribute = DEPLOYERS[target].partition(":")
    except KeyError:
        raise BadInput(f"No deployer for target {target!r}; choose one of: {', '.join(DEPLOYERS)}.") from None
    factory = getattr(importlib.import_module(module_name), attribute)
    return cast("TargetDeployer", factory())

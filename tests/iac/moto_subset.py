"""Cut a template down to what moto's CloudFormation can create, and say exactly what was cut.

moto skips resource types it does not implement, and a stack whose outputs or resources reference a
skipped one then fails inside moto. So the deploy tests remove each unsupported resource, everything that
references it (transitively) and the outputs that name any of them, and assert the removed list, so the
gap is stated in the tests and a moto upgrade that closes it shows up as a failing assertion.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from moto.cloudformation.parsing import resource_class_from_type

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


@dataclass(frozen=True)
class Subset:
    template: dict[str, Any]
    unsupported: list[str]  # "LogicalId (Type)" moto has no implementation for
    dependents: list[str]  # resources removed because they reference a removed one
    outputs: list[str]


def references(value: Any) -> Iterator[str]:
    """Logical ids ``value`` names through Ref, Fn::GetAtt, Fn::Sub or DependsOn."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                yield item
            elif key == "Fn::GetAtt":
                yield item[0] if isinstance(item, list) else str(item).split(".")[0]
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                yield from _SUB_NAME.findall(text)
                if isinstance(item, list):
                    yield from references(item[1])
            elif key == "DependsOn":
                yield from [item] if isinstance(item, str) else item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def moto_subset(template: dict[str, Any]) -> Subset:
    body = copy.deepcopy(template)
    resources: dict[str, Any] = body["Resources"]
    unsupported = [name for name, r in resources.items() if resource_class_from_type(r["Type"]) is None]
    removed = set(unsupported)
    dependents: list[str] = []
    changed = True
    while changed:
        changed = False
        for name, resource in resources.items():
            if name not in removed and removed & set(references(resource)):
                removed.add(name)
                dependents.append(name)
                changed = True
    outputs = [name for name, output in body.get("Outputs", {}).items() if removed & set(references(output))]
    for name in removed:
        del resources[name]
    for name in outputs:
        del body["Outputs"][name]
    labels = [f"{name} ({template['Resources'][name]['Type']})" for name in unsupported]
    return Subset(body, labels, dependents, outputs)

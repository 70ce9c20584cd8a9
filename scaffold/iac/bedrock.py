"""The exact Bedrock ARNs a ``model_id`` is invoked through, so the role can name them instead of ``*``.

Three shapes of model id:

* a foundation model (``anthropic.claude-3-haiku-20240307-v1:0``): its ARN in the deployment region;
* a cross-Region inference profile (``us.anthropic...``): the profile in the deployment region, plus the
  foundation model in every Region the profile may route to. Bedrock authorizes both, and the routing
  Regions are the profile's geography, listed in ``GEOGRAPHY_REGIONS`` (from the Bedrock user guide,
  "Supported Regions and models for inference profiles"; add a Region there when AWS adds one);
  ``global.`` profiles route to any commercial Region, which AWS authorizes through a Region-less
  foundation-model ARN (``arn:aws:bedrock:::foundation-model/...``), still naming the one model;
* an ARN (an application inference profile, a provisioned model): used as it is.

Region, account and partition are strings: literal values for a deployer, or ``${AWS::Region}``-style
placeholders that the CloudFormation builders turn into ``Fn::Sub``.
"""

from __future__ import annotations

from collections.abc import Mapping

GLOBAL_PREFIX = "global"

GEOGRAPHY_REGIONS: Mapping[str, tuple[str, ...]] = {
    "us": ("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
    "us-gov": ("us-gov-east-1", "us-gov-west-1"),
    "ca": ("ca-central-1", "ca-west-1"),
    "eu": (
        "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
        "eu-west-1", "eu-west-2", "eu-west-3",
    ),
    "apac": (
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    ),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
}  # fmt: skip

INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")


def _foundation_model(partition: str, region: str, model: str) -> str:
    return f"arn:{partition}:bedrock:{region}::foundation-model/{model}"


def model_arns(model_id: str, *, region: str, account: str, partition: str = "aws") -> list[str]:
    """Every ARN ``bedrock:InvokeModel*`` is authorized against when calling ``model_id``."""
    model_id = model_id.strip()
    if not model_id:
        raise ValueError("The bedrock provider needs a model_id.")
    if model_id.startswith("arn:"):
        return [model_id]
    prefix, _, model = model_id.partition(".")
    if prefix == GLOBAL_PREFIX and model:
        return [
            f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{model_id}",
            _foundation_model(partition, region, model),
            _foundation_model(partition, "", model),
        ]
    regions = GEOGRAPHY_REGIONS.get(prefix)
    if regions is None or not model:
        return [_foundation_model(partition, region, model_id)]
    profile = f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{model_id}"
    return [profile, *(_foundation_model(partition, routed, model) for routed in regions)]

"""The mutating AWS calls of a first deploy, in order, shared by the lifecycle tests and the resume tests: one
list per target, so a new step is added to every test that counts the calls at once."""

from __future__ import annotations

LAMBDA_ALARMS = ["PutMetricAlarm"] * 5  # errors, throttles, latency-p90, tool-errors, tokens
LAMBDA_FIRST = [
    "CreateRole",
    "PutRolePolicy",
    "CreateLogGroup",
    "PutRetentionPolicy",
    "CreateBucket",
    "PutBucketTagging",
    "PutObject",
    "CreateFunction",
    "CreateAlias",
]
HTTP_API_FRONTEND = [
    "CreateApi",
    "CreateAuthorizer",
    "CreateIntegration",
    "CreateRoute",
    "CreateRoute",
    "CreateStage",
    "AddPermission",
]
AGENTCORE_FIRST = [  # with memory=agentcore, CreateMemory comes before all of these
    "CreateRole",
    "PutRolePolicy",
    "CreateBucket",
    "PutBucketTagging",
    "PutObject",
    "CreateAgentRuntime",
    "CreateAgentRuntimeEndpoint",
    "CreateLogGroup",
    "PutRetentionPolicy",
    *["PutMetricAlarm"] * 6,  # errors, user-errors, throttles, latency-p90, tool-errors, tokens
]

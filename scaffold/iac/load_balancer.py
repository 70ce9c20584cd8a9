"""An internet-facing Application Load Balancer in front of tasks listening on one port, for the ``fastapi``
target: the listener, the target group with its health check, and two security groups, so clients reach
the load balancer and only the load balancer reaches the tasks. Port, health path and idle timeout come
from the caller.

Callers send bearer tokens, so the listener is HTTPS (port 443, TLS 1.2 or 1.3 only) with the ACM
certificate in ``CertificateArn``. Plain HTTP on port 80 is an explicit opt-in, ``AllowHttp=true``; with
neither, the stack is refused before anything is created (the ``HttpsUnlessHttpAllowed`` rule).
"""

from __future__ import annotations

from .cfn import Json, Template, checkov_skip, get_att, parameter, ref, sub

HTTPS_CONDITION = "HasCertificate"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"  # TLS 1.3 and 1.2 with forward-secret ciphers only
HTTPS_RULE = "HttpsUnlessHttpAllowed"


def _if_https(https: object, http: object) -> Json:
    return {"Fn::If": [HTTPS_CONDITION, https, http]}


def add_load_balancer(template: Template, *, port: int, health_path: str, idle_timeout_seconds: int) -> None:
    """Add the load balancer, its parameters (``AllowedCidr``, ``CertificateArn``; ``VpcId`` and
    ``LoadBalancerSubnetIds`` are the caller's) and the ``ServiceSecurityGroup`` and ``TargetGroup`` the
    service uses."""
    template.parameters["AllowedCidr"] = parameter(
        "String", "Who may reach the load balancer.", Default="0.0.0.0/0"
    )
    template.parameters["CertificateArn"] = parameter(
        "String", "ACM certificate of the HTTPS listener (required unless AllowHttp is true).", Default=""
    )
    template.parameters["AllowHttp"] = parameter(
        "String",
        "true serves plain HTTP on port 80 when no CertificateArn is given: tokens travel unencrypted.",
        Default="false",
        AllowedValues=["false", "true"],
    )
    has_certificate = {"Fn::Not": [{"Fn::Equals": [ref("CertificateArn"), ""]}]}
    template.conditions[HTTPS_CONDITION] = has_certificate
    template.rules[HTTPS_RULE] = {
        "Assertions": [
            {
                "Assert": {"Fn::Or": [has_certificate, {"Fn::Equals": [ref("AllowHttp"), "true"]}]},
                "AssertDescription": "Set CertificateArn (an ACM certificate) for HTTPS, or AllowHttp=true "
                "to serve plain HTTP.",
            }
        ]
    }
    resources = template.resources
    listener_port = _if_https(443, 80)
    resources["LoadBalancerSecurityGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "Clients to the agent load balancer",
            "VpcId": ref("VpcId"),
            "SecurityGroupIngress": [
                {
                    "Description": "Clients (AllowedCidr) to the listener",
                    "IpProtocol": "tcp",
                    "FromPort": listener_port,
                    "ToPort": listener_port,
                    "CidrIp": ref("AllowedCidr"),
                }
            ],
        },
    }
    resources["ServiceSecurityGroup"] = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "Agent tasks, reached only by the load balancer",
            "VpcId": ref("VpcId"),
            "SecurityGroupIngress": [
                {
                    "Description": "The load balancer to the agent's port",
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "SourceSecurityGroupId": get_att("LoadBalancerSecurityGroup", "GroupId"),
                }
            ],
        },
    }
    resources["LoadBalancer"] = checkov_skip(
        {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {
                "Type": "application",
                "Scheme": "internet-facing",
                "Subnets": ref("LoadBalancerSubnetIds"),
                "SecurityGroups": [get_att("LoadBalancerSecurityGroup", "GroupId")],
                "LoadBalancerAttributes": [
                    {"Key": "idle_timeout.timeout_seconds", "Value": str(idle_timeout_seconds)},
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                ],
            },
        },
        (
            "CKV_AWS_91",
            "Access logs need an S3 bucket with the Region's load balancer account allowed to write; the "
            "agent writes one JSON line per request (status, duration, trace id) to its own log group.",
        ),
    )
    resources["TargetGroup"] = {
        "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Properties": {
            "TargetType": "ip",
            "Protocol": "HTTP",
            "Port": port,
            "VpcId": ref("VpcId"),
            "HealthCheckPath": health_path,
            "HealthCheckIntervalSeconds": 15,
            "HealthyThresholdCount": 2,
            "Matcher": {"HttpCode": "200"},
            "TargetGroupAttributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}],
        },
    }
    resources["Listener"] = checkov_skip(
        {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": ref("LoadBalancer"),
                "Port": listener_port,
                "Protocol": _if_https("HTTPS", "HTTP"),
                "Certificates": _if_https([{"CertificateArn": ref("CertificateArn")}], ref("AWS::NoValue")),
                "SslPolicy": _if_https(TLS_POLICY, ref("AWS::NoValue")),
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": ref("TargetGroup")}],
            },
        },
        *(
            (
                check,
                f"HTTPS with {TLS_POLICY} whenever CertificateArn is set; plain HTTP only by the explicit "
                f"AllowHttp=true (rule {HTTPS_RULE}), which checkov cannot evaluate through Fn::If.",
            )
            for check in ("CKV_AWS_2", "CKV_AWS_103")
        ),
    )


def load_balancer_url() -> Json:
    """``https://<dns name>`` with a certificate, else ``http://``."""
    return _if_https(sub("https://${LoadBalancer.DNSName}"), sub("http://${LoadBalancer.DNSName}"))

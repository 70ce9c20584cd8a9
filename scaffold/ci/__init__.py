"""CI pipelines for a generated project: GitHub Actions workflows and the AWS side they need (OIDC role)."""

"""Infrastructure as code for generated projects: CloudFormation templates and the IAM policies they carry.

``cloudformation.export`` writes one template per target for teams that deploy through their own
pipelines; ``policies`` and ``environment`` are the single source of the runtime role's permissions and of
the ``AGENT_*`` variables, shared with the deployers so a template and a direct deploy cannot drift apart;
``stack`` creates or updates a stack from one of these templates and waits for it.
"""

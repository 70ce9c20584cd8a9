"""``scaffold deploy`` and friends: put a generated project on AWS, keep it converged, take it down.

The shape follows Chalice's deployer:

* ``models`` - what should exist, as plain data (role, bucket, code object, log group, function, alias, URL,
  permission, memory, runtime, endpoint), built per target by ``targets/<target>_target.py``;
* ``plan`` - for each model, what AWS reports (``handlers/``: read calls only) against the model and
  against the recorded state (``state``), into ordered steps: create, recreate, update, adopt, delete;
* ``executor`` - the calls each step needs, recording every completed step in
  ``<project>/.scaffold/state/<target>.json`` at once (atomically), so a rerun resumes;
* ``engine`` - lock, state, build (``scaffold.packaging``), plan, confirm, execute; ``status``, ``logs``
  and ``invoke_*`` read what a deploy recorded.

IAM policies and the ``AGENT_*`` environment come from ``scaffold.iac`` (shared with the CloudFormation
export). AWS is reached only through boto3 with the standard settings (region, profile, ``--endpoint-url``
or ``AWS_ENDPOINT_URL``); nothing here knows about emulators.
"""

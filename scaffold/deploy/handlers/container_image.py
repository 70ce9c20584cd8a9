"""The container image a service runs, in this account's ECR.

* Given (``image = "…"``): it must already be there (``DescribeImages``); a missing one stops the plan with
  what to do. It is never built, changed or deleted.
* Built: the tag is the build context's content hash, so an image with that tag already holds this code and
  nothing is rebuilt. Otherwise ``scaffold.packaging``'s CodeBuild path uploads the context (once per hash)
  and builds and pushes it; the image must then be in ECR. Destroy deletes the images scaffold built (the
  replaced ones too, which the executor keeps recorded), never the repository.

Only an image this deploy built is recorded as scaffold's (``built_uri``); one found there (given, or pushed
before) is recorded ``external``, which the planner never deletes.
"""

from __future__ import annotations

from typing import Any

from ...aws_idioms import if_found
from ...errors import BadInput
from ..context import DeployContext
from ..errors import DeployFailed
from ..models import ContainerImage
from ..plan import EXTERNAL
from ..state import Record
from .base import Handler, Observed, register

_MISSING = frozenset({"ImageNotFoundException", "RepositoryNotFoundException"})


@register("container_image")
class ImageHandler(Handler[ContainerImage]):
    retire_replaced = True  # a replaced image scaffold built is deleted on destroy too
    identity_key = "built_uri"  # only built images are worth keeping track of once replaced

    def same_identity(self, res: ContainerImage, record: Record, ctx: DeployContext) -> bool:
        return record.get("uri") == res.uri

    def observe(self, res: ContainerImage, record: Record | None, ctx: DeployContext) -> Observed | None:
        found = _find(ctx, res.repository, res.tag)
        if found is None and res.build is None:
            raise BadInput(
                f"The image {res.uri} is not in ECR (repository {res.repository}, tag {res.tag}): push it "
                "first (scaffold package --target fastapi --format container --build --push REPOSITORY_URI), "
                "or leave image unset and configure a CodeBuild build instead."
            )
        if found is None:
            return None
        built = bool(record and record.get("built_uri"))
        return Observed(
            record=_record(res, found, built=built),
            detail=str(found.get("imageDigest", "")),
            found="given: used as it is" if res.build is None else "already built: its tag names this code",
        )

    def create(self, res: ContainerImage, ctx: DeployContext) -> Record:
        if res.build is None:  # observe refuses a missing given image before any step runs
            raise BadInput(f"The image {res.uri} is not in ECR.")
        from ...packaging.codebuild import build_with_codebuild
        from ...packaging.image_build import CodeBuildOptions
        from ...packaging.progress import Steps

        options = CodeBuildOptions(
            project=res.build.codebuild_project,
            bucket=res.build.codebuild_bucket,
            repository=res.uri.rsplit(":", 1)[0],
        )
        build_with_codebuild(
            res.build.context,
            options,
            Steps(ctx.progress),
            session=_Clients(ctx),
            poll_seconds=ctx.poll_interval_s,
            timeout=res.build.timeout_s,
        )
        found = _find(ctx, res.repository, res.tag)
        if found is None:
            raise DeployFailed(
                f"CodeBuild project {res.build.codebuild_project} finished, but ECR has no {res.uri}: check "
                "that its service role may push to the repository."
            )
        return _record(res, found, built=True)

    def update(
        self, res: ContainerImage, observed: Observed, changes: list[str], ctx: DeployContext
    ) -> Record:
        return observed.record  # a tag names its content: never rebuilt in place

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        if not record.get("built_uri"):
            return False  # given (or found, not built by us): not ours to delete (the planner never asks)
        done = ctx.client("ecr").batch_delete_image(
            repositoryName=record["repository"], imageIds=[{"imageTag": record["tag"]}]
        )
        return bool(done.get("imageIds"))

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = _find(ctx, record["repository"], record["tag"])
        return None if found is None else Observed(record=record, detail=str(found.get("imageDigest", "")))


class _Clients:
    """What ``build_with_codebuild`` asks of a boto3 session, answered with the deploy's own clients (its
    region, profile, endpoint and hooks)."""

    def __init__(self, ctx: DeployContext) -> None:
        self._ctx = ctx

    def client(self, service: str) -> Any:
        return self._ctx.client(service)


def _find(ctx: DeployContext, repository: str, tag: str) -> dict[str, Any] | None:
    images = if_found(
        ctx.client("ecr").describe_images,
        also=_MISSING,
        repositoryName=repository,
        registryId=ctx.aws.account_id,
        imageIds=[{"imageTag": tag}],
    )
    details: list[dict[str, Any]] = (images or {}).get("imageDetails", [])
    return details[0] if details else None


def _record(res: ContainerImage, found: dict[str, Any], *, built: bool) -> Record:
    record: Record = {
        "name": res.uri,
        "uri": res.uri,
        "repository": res.repository,
        "tag": res.tag,
        "digest": str(found.get("imageDigest", "")),
    }
    if built:
        record["built_uri"] = res.uri  # the identity destroy tracks replaced images by
    else:
        record[EXTERNAL] = True
    return record

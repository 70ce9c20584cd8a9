"""The artifact bucket and the code object in it.

The bucket's name carries a digest of account, region, project and target, so it is ours by construction;
``ExpectedBucketOwner`` makes sure a bucket of that name in another account is never touched. Objects are
named by content hash: when the key exists (``head_object``) the bytes are already there and nothing is
uploaded. Destroy deletes only keys under our prefix, and the bucket only once it is empty.
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from ...aws_idioms import deleted, error_code, every, if_found
from ..context import DeployContext
from ..errors import ResourceConflict
from ..models import S3Bucket, S3CodeObject
from ..state import Record
from .base import Handler, Observed, register, tag_list, tags_to_dict


@register("s3_bucket")
class BucketHandler(Handler[S3Bucket]):
    def observe(self, res: S3Bucket, record: Record | None, ctx: DeployContext) -> Observed | None:
        if not self._exists(res.name, ctx):
            return None
        tags = self._tags(res.name, ctx)
        ours = {key: value for key, value in tags.items() if key in res.tags}
        return Observed(
            record={"name": res.name, "prefix": res.prefix},
            actual={"tags": ours},
            owned=not ours or ctx.names.owns(tags),  # untagged: a create interrupted before tagging
        )

    def desired(self, res: S3Bucket, ctx: DeployContext) -> dict[str, Any]:
        return {"tags": res.tags}

    def create(self, res: S3Bucket, ctx: DeployContext) -> Record:
        s3 = ctx.client("s3")
        params: dict[str, Any] = {"Bucket": res.name}
        if ctx.aws.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.aws.region}
        s3.create_bucket(**params)
        self._tag(res, {}, ctx)
        return {"name": res.name, "prefix": res.prefix}

    def update(self, res: S3Bucket, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        self._tag(res, self._tags(res.name, ctx), ctx)
        return observed.record

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        s3 = ctx.client("s3")
        bucket, prefix = record["name"], record["prefix"]
        if not self._exists(bucket, ctx):
            return False
        owner = {"ExpectedBucketOwner": ctx.aws.account_id}
        keys = [
            {"Key": item["Key"]}
            for item in every(s3, "list_objects_v2", "Contents", Bucket=bucket, Prefix=prefix, **owner)
        ]
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1,000 keys
            s3.delete_objects(
                Bucket=bucket, Delete={"Objects": keys[start : start + 1000], "Quiet": True}, **owner
            )
        if s3.list_objects_v2(Bucket=bucket, MaxKeys=1, **owner).get("KeyCount", 0):
            ctx.progress.line(f"    kept bucket {bucket}: it holds objects scaffold did not write")
            return False
        try:
            s3.delete_bucket(Bucket=bucket, **owner)
        except ClientError as exc:
            if error_code(exc) != "BucketNotEmpty":  # object versions left by versioning someone enabled
                raise
            ctx.progress.line(f"    kept bucket {bucket}: it still holds object versions")
            return False
        return True

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        return Observed(record=record) if self._exists(record["name"], ctx) else None

    def _exists(self, bucket: str, ctx: DeployContext) -> bool:
        try:
            found = if_found(
                ctx.client("s3").head_bucket, Bucket=bucket, ExpectedBucketOwner=ctx.aws.account_id
            )
        except ClientError as exc:
            if error_code(exc) in ("403", "AccessDenied"):
                raise ResourceConflict(
                    f"The S3 bucket {bucket} belongs to another account "
                    "(or these credentials may not read it)."
                ) from None
            raise
        return found is not None

    def _tags(self, bucket: str, ctx: DeployContext) -> dict[str, str]:
        found = if_found(
            ctx.client("s3").get_bucket_tagging,
            also=("NoSuchTagSet", "NoSuchTagSetError"),
            Bucket=bucket,
            ExpectedBucketOwner=ctx.aws.account_id,
        )
        return tags_to_dict((found or {}).get("TagSet"))

    def _tag(self, res: S3Bucket, existing: dict[str, str], ctx: DeployContext) -> None:
        ctx.client("s3").put_bucket_tagging(
            Bucket=res.name,
            Tagging={"TagSet": tag_list({**existing, **res.tags})},
            ExpectedBucketOwner=ctx.aws.account_id,
        )


def _transfer_config() -> Any:
    from boto3.s3.transfer import TransferConfig

    # One PutObject up to 64 MB (a Lambda zip's usual size), multipart above; in the calling thread, so an
    # interruption stops the deploy right there instead of inside a worker pool.
    return TransferConfig(multipart_threshold=64 * 1024 * 1024, use_threads=False)


_TRANSFER = _transfer_config()


@register("s3_object")
class CodeObjectHandler(Handler[S3CodeObject]):
    def observe(self, res: S3CodeObject, record: Record | None, ctx: DeployContext) -> Observed | None:
        found = if_found(
            ctx.client("s3").head_object,
            Bucket=res.bucket,
            Key=res.object_key,
            ExpectedBucketOwner=ctx.aws.account_id,
        )
        return None if found is None else Observed(record=_record(res))

    def same_identity(self, res: S3CodeObject, record: Record, ctx: DeployContext) -> bool:
        return record.get("key") == res.object_key

    def create(self, res: S3CodeObject, ctx: DeployContext) -> Record:
        if res.file is None:
            raise ValueError("no artifact file to upload")
        sent = 0
        started = time.monotonic()

        def on_bytes(count: int) -> None:
            nonlocal sent
            sent += count
            done = f"{sent * 100 // max(res.size_bytes, 1)}%"
            ctx.progress.waiting(f"uploading {res.size_bytes / 1e6:.1f} MB", time.monotonic() - started, done)

        ctx.client("s3").upload_file(
            str(res.file),
            res.bucket,
            res.object_key,
            ExtraArgs={
                "ContentType": "application/zip",
                "Metadata": {"sha256": res.sha256},
                "ExpectedBucketOwner": ctx.aws.account_id,
            },
            Callback=on_bytes if res.size_bytes > 5_000_000 else None,
            Config=_TRANSFER,
        )
        return _record(res)

    def update(self, res: S3CodeObject, observed: Observed, changes: list[str], ctx: DeployContext) -> Record:
        return observed.record  # a key names its bytes: never rewritten

    def delete(self, record: Record, ctx: DeployContext) -> bool:
        return deleted(
            ctx.client("s3").delete_object,
            Bucket=record["bucket"],
            Key=record["key"],
            ExpectedBucketOwner=ctx.aws.account_id,
        )

    def inspect(self, record: Record, ctx: DeployContext) -> Observed | None:
        found = if_found(ctx.client("s3").head_object, Bucket=record["bucket"], Key=record["key"])
        return None if found is None else Observed(record=record)


def _record(res: S3CodeObject) -> Record:
    return {"bucket": res.bucket, "key": res.object_key, "sha256": res.sha256, "size_bytes": res.size_bytes}

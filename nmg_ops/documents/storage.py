"""Where the bytes of document versions are kept: files under the instance folder, or an S3 bucket.

Keys are made by the application (`documents/<document>/<random>`), never from an uploaded name, so a key
cannot climb out of the folder or overwrite another version. The database row is the record of what
exists; the store only holds bytes.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from flask import current_app


class StoreError(RuntimeError):
    """The store could not keep or give back the bytes; the message says which key."""


class DocumentStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class FileStore:
    """Files in a folder (the embedded default: instance/documents/)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise StoreError(f"{key!r} is not a key of this store")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside, then renamed: a reader never sees half a file.
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StoreError(f"{key!r} is missing from {self.root}") from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """An S3-compatible bucket (AWS S3, MinIO, Ceph...), through boto3."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    @classmethod
    def from_settings(cls, config: dict[str, Any]) -> S3Store:
        import boto3

        options = {
            "endpoint_url": config.get("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": config.get("DOCUMENTS_S3_REGION") or None,
            "aws_access_key_id": config.get("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "aws_secret_access_key": config.get("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
        }
        return cls(str(config["DOCUMENTS_S3_BUCKET"]), boto3.client("s3", **options))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{key!r} could not be stored in bucket {self.bucket}: {exc}") from exc

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{key!r} could not be read from bucket {self.bucket}: {exc}") from exc

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"{key!r} could not be deleted from bucket {self.bucket}: {exc}") from exc


def store() -> DocumentStore:
    """The store the configuration names: the bucket when one is set, else the documents folder."""
    config = current_app.config
    extension = current_app.extensions.get("nmg_document_store")
    if extension is None:
        if config.get("DOCUMENTS_S3_BUCKET"):
            extension = S3Store.from_settings(config)
        else:
            extension = FileStore(config["DOCUMENTS_DIR"])
        current_app.extensions["nmg_document_store"] = extension
    return extension

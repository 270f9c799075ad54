"""The lake on S3-compatible object storage (`INC_LAKE_URL=s3://bucket/prefix`), through pyarrow's S3 filesystem.

Publishing keeps the local rule "a reader sees the old partition or the new one, never half of either". A
partition is first finished as a local file (the writer's temporary file, exactly as on a local lake), then
uploaded to a temporary key beside its final one and moved over it. Why not upload straight to the final key:
pyarrow's S3 output stream completes its multipart upload when it is closed, and it is closed by its destructor
too, after an error part-way (pyarrow has no `abort` for it here), so a failed upload to the final key could
publish a truncated object. Uploaded to a temporary key (`.part-0.parquet.<uuid>.tmp`, which no reader lists:
readers read `date=*/part-0.parquet` only), a truncated object is never read, and the move (a server-side
CopyObject, whose destination appears whole or not at all, then a delete of the temporary key) runs only after
the upload completed without error. A process killed between the two leaves a temporary key, never a partial
partition; `sweep_temporary` removes such keys.

Credentials come only from the standard AWS_* environment variables (pyarrow reads them); nothing here logs them.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pyarrow
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from .errors import LakeError

PART_FILE = "part-0.parquet"  # a partition's one file, in the local lake and on object storage alike


class LakeUrlError(ValueError):
    """INC_LAKE_URL or INC_S3_ENDPOINT_URL cannot be used; the message says what to do."""


def parse_lake_url(url: str) -> tuple[str, str]:
    """`s3://bucket/prefix` -> ("bucket", "prefix"); anything else is refused in one line."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc or parsed.query or parsed.fragment:
        raise LakeUrlError(f"INC_LAKE_URL={url!r} is not an s3://bucket/prefix location: set it to one, "
                           "or leave it empty for the lake under INC_DATA_DIR")  # fmt: skip
    return parsed.netloc, parsed.path.strip("/")


def s3_filesystem(endpoint_url: str = "") -> pafs.S3FileSystem:
    """pyarrow's S3 filesystem; `endpoint_url` (http://host:port) for an S3-compatible server."""
    if not endpoint_url:
        return pafs.S3FileSystem(connect_timeout=10, request_timeout=60)
    parsed = urlparse(endpoint_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path.strip("/"):
        raise LakeUrlError(f"INC_S3_ENDPOINT_URL={endpoint_url!r} is not an http(s)://host[:port] address: "
                           "set it to the S3-compatible server's, or leave it empty for AWS")  # fmt: skip
    return pafs.S3FileSystem(
        endpoint_override=parsed.netloc, scheme=parsed.scheme, connect_timeout=5, request_timeout=30,
        region="us-east-1", allow_bucket_creation=False,
    )  # fmt: skip


@dataclass(frozen=True)
class ObjectStore:
    """One lake location on object storage: a filesystem and the base path (`bucket/prefix`) under it."""

    filesystem: pafs.FileSystem
    base: str

    @classmethod
    def from_url(cls, url: str, endpoint_url: str = "") -> ObjectStore:
        bucket, prefix = parse_lake_url(url)
        return cls(s3_filesystem(endpoint_url), "/".join(part for part in (bucket, prefix) if part))

    def key(self, *parts: str) -> str:
        return "/".join((self.base, *parts))

    def partition_key(self, area: str, table: str, day: date) -> str:
        return self.key(area, table, f"date={day.isoformat()}", PART_FILE)

    def exists(self, key: str) -> bool:
        return self.filesystem.get_file_info(key).type == pafs.FileType.File

    def publish(self, local_file: Path, key: str) -> None:
        """Upload the finished `local_file` to a temporary key, then move it over `key` (see the module's why)."""
        directory, _, name = key.rpartition("/")
        temporary = f"{directory}/.{name}.{uuid.uuid4().hex}.tmp"
        try:
            pafs.copy_files(str(local_file), temporary, destination_filesystem=self.filesystem)
            self.filesystem.move(temporary, key)
        except (OSError, pyarrow.ArrowException) as error:
            _delete_quietly(self.filesystem, temporary)
            raise LakeError(f"cannot publish {key} to object storage ({_first_line(error)}): the old partition, "
                            "if any, is unchanged; rerun the landing once the store answers") from None  # fmt: skip

    def fetch(self, key: str, local_file: Path) -> bool:
        """Download `key` to `local_file` (whole, through a temporary file); False when there is no such object."""
        temporary = local_file.with_name(f".{local_file.name}.{uuid.uuid4().hex}.tmp")
        try:
            if not self.exists(key):
                return False
            local_file.parent.mkdir(parents=True, exist_ok=True)
            pafs.copy_files(key, str(temporary), source_filesystem=self.filesystem)
            temporary.replace(local_file)
        except (OSError, pyarrow.ArrowException) as error:
            raise LakeError(f"cannot read {key} from object storage ({_first_line(error)}): nothing was "
                            "replaced; rerun once the store answers") from None  # fmt: skip
        finally:
            temporary.unlink(missing_ok=True)
        return True

    def delete(self, key: str) -> None:
        _delete_quietly(self.filesystem, key)

    def partitions(self, area: str, table: str) -> list[date]:
        """The days of `area/table` whose partition object exists, oldest first."""
        selector = pafs.FileSelector(self.key(area, table), allow_not_found=True, recursive=True)
        days = []
        for info in self.filesystem.get_file_info(selector):
            parent, _, name = info.path.rpartition("/")
            folder = parent.rpartition("/")[2]
            if info.type == pafs.FileType.File and name == PART_FILE and folder.startswith("date="):
                days.append(date.fromisoformat(folder.removeprefix("date=")))
        return sorted(days)

    def read_table(self, key: str) -> pyarrow.Table:
        try:
            return pq.read_table(key, filesystem=self.filesystem)
        except (OSError, pyarrow.ArrowException) as error:
            raise LakeError(f"cannot read s3://{key} ({_first_line(error)})") from None

    def row_count(self, key: str) -> int:
        with self.filesystem.open_input_file(key) as handle:
            return pq.ParquetFile(handle).metadata.num_rows

    def mirror(self, area: str, local_dir: Path) -> int:
        """Make `local_dir` hold exactly the store's partitions of `area`: download a partition the local copy
        lacks or holds in another version (size or modification time), remove one the store no longer has.
        Returns how many were downloaded. The warehouse build reads this copy: DuckDB reads local Parquet with
        no extension, whereas reading s3:// needs httpfs, which cannot be downloaded at run time."""
        prefix = self.key(area) + "/"
        selector = pafs.FileSelector(self.key(area), allow_not_found=True, recursive=True)
        stored = {
            info.path.removeprefix(prefix): info
            for info in self.filesystem.get_file_info(selector)
            if info.type == pafs.FileType.File and info.base_name == PART_FILE
        }
        downloaded = 0
        for relative, info in stored.items():
            local = local_dir / relative
            mtime_ns = info.mtime_ns
            held = local.stat() if local.exists() else None
            if held is not None and held.st_size == info.size and held.st_mtime_ns == mtime_ns:
                continue
            self.fetch(info.path, local)
            os.utime(local, ns=(mtime_ns, mtime_ns))
            downloaded += 1
        for local in local_dir.glob(f"*/date=*/{PART_FILE}") if local_dir.is_dir() else ():
            if local.relative_to(local_dir).as_posix() not in stored:
                local.unlink()
        return downloaded

    def temporary_keys(self) -> list[str]:
        """Temporary keys left by a process that stopped between upload and move."""
        selector = pafs.FileSelector(self.base, allow_not_found=True, recursive=True)
        infos = self.filesystem.get_file_info(selector)
        return [info.path for info in infos if info.type == pafs.FileType.File and info.base_name.endswith(".tmp")]

    def sweep_temporary(self) -> int:
        keys = self.temporary_keys()
        for key in keys:
            _delete_quietly(self.filesystem, key)
        return len(keys)


def _delete_quietly(filesystem: pafs.FileSystem, key: str) -> None:
    try:
        filesystem.delete_file(key)
    except (OSError, pyarrow.ArrowException):
        pass  # a temporary key nobody reads; sweep_temporary removes what is left


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__

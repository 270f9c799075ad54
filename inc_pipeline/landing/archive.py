"""Optional archive of raw API answers, so `replay` can re-land a partition without calling the API.

`<root>/archive/<table>/date=YYYY-MM-DD/request-00000.json.gz`, one gzipped JSON per request:
`{"params": ..., "answer": ...}`. The API key never travels in a body, but any `apikey` member is stripped anyway.
Answers of endpoints with personal fields are not archived by default (`personal="skip"`): the archive keeps
answers as they came, so it would hold phone numbers in clear. For those, replay says so instead of landing
an empty partition.
"""

from __future__ import annotations

import gzip
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from inc_pipeline.catalog import ENDPOINTS_BY_ID

SECRET_KEYS = {"apikey"}


class ArchiveError(RuntimeError):
    """No archived answers for a partition: replay cannot re-land it."""


class Archive:
    def __init__(self, root: Path | str, *, personal: Literal["skip", "keep"] = "skip"):
        self.base = Path(root) / "archive"
        self.personal = personal
        self._started: set[tuple[str, date]] = set()

    def directory(self, table: str, day: date) -> Path:
        return self.base / table / f"date={day.isoformat()}"

    def write(
        self, table: str, day: date, request_params: dict, answer: Any, *, index: int | None = None
    ) -> Path | None:
        """Archive one request's answer (index = its order in the partition; next free one by default).

        The first write to a partition through this instance clears the partition's older answers: one
        `Archive` per extraction, so replay never mixes two extractions of a day.
        """
        if self._skips(table):
            return None
        if (table, day) not in self._started:
            self._started.add((table, day))
            self.clear(table, day)
        directory = self.directory(table, day)
        directory.mkdir(parents=True, exist_ok=True)
        if index is None:
            index = len(list(directory.glob("request-*.json.gz")))
        path = directory / f"request-{index:05d}.json.gz"
        body = json.dumps({"params": _strip_secrets(request_params), "answer": _strip_secrets(answer)})
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with gzip.open(temporary, "wt", encoding="utf-8") as handle:
                handle.write(body)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def clear(self, table: str, day: date) -> None:
        """Forget a partition's answers (before archiving a fresh extraction of it)."""
        for path in self.directory(table, day).glob("request-*.json.gz"):
            path.unlink()

    def iter_answers(self, table: str, day: date) -> Iterator[tuple[dict, Any]]:
        """(params, answer) of every archived request of the partition, in request order."""
        paths = sorted(self.directory(table, day).glob("request-*.json.gz"))
        if not paths:
            why = " (personal data is not archived)" if self._skips(table) else ""
            raise ArchiveError(
                f"no archived answers for {table} date={day.isoformat()}{why}; re-land it from the API: "
                f"inc-pipeline run --start {day.isoformat()} --end {day.isoformat()}"
            )
        for path in paths:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                stored = json.load(handle)
            yield stored["params"], stored["answer"]

    def _skips(self, table: str) -> bool:
        endpoint = ENDPOINTS_BY_ID.get(table)
        return self.personal == "skip" and endpoint is not None and bool(endpoint.personal_fields)


def _strip_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_secrets(v) for k, v in value.items() if str(k).lower() not in SECRET_KEYS}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):  # a list, or records read as columns
        return [_strip_secrets(v) for v in value]
    return value

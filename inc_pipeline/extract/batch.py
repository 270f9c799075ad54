"""Pages held together before they are validated, protected and written (see `extract.run`)."""

from __future__ import annotations

import pandas as pd

from inc_pipeline.catalog import Endpoint
from inc_pipeline.landing.normalise import Normalised, PageNotes
from inc_pipeline.landing.rules import landing_key, rules_of
from inc_pipeline.landing.schemas import expected_columns

from .plan import Request


class Batch:
    """Normalised pages waiting to be validated, protected and written together.

    Most endpoints answer one small record per request, and validating, protecting and writing cost about as
    much for one row as for thousands. Pages are held together only when landing them at once lands what landing
    them one by one would: no key repeats across them (validation keeps the last of a repeated key, the writer
    the first, and only within the request that landed it), and, where a rule checks times against the request's
    window, they answer the same window."""

    def __init__(self, endpoint: Endpoint):
        self.key = list(landing_key(endpoint))
        self.windowed = any(
            rule.check == "in_window" for column in expected_columns(endpoint) for rule in rules_of(endpoint, column)
        )
        self.clear()

    def clear(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.notes: list[PageNotes] = []  # per frame
        self.requests: list[Request] = []  # per frame
        self.ordinals: list[int] = []  # per frame: the request's number, for the writer
        self.rows = 0
        self._keys: set | None = None  # the held rows' keys, gathered once a second page asks to join

    def joins(self, frame: pd.DataFrame, request: Request) -> bool:
        if not self.frames:
            return True
        if self.windowed and request.window != self.requests[0].window:
            return False
        if self._keys is None:
            self._keys = _key_set(self.frames[0], self.key)
        keys = _key_set(frame, self.key)
        if not self._keys.isdisjoint(keys):
            return False
        self._keys |= keys
        return True

    def add(self, page: Normalised, request: Request, ordinal: int) -> None:
        self.frames.append(page.frame)
        self.notes.append(page.notes)
        self.requests.append(request)
        self.ordinals.append(ordinal)
        self.rows += len(page.frame)

    def frame(self) -> Normalised:
        """The pages as one frame, with their notes (rows renumbered as the frames are stacked)."""
        frame = self.frames[0] if len(self.frames) == 1 else pd.concat(self.frames, ignore_index=True)
        return Normalised(frame, PageNotes.joined(self.notes, [len(page) for page in self.frames]))


def _key_set(frame: pd.DataFrame, key: list[str]) -> set[tuple]:
    # By position: every page has new column labels, and looking one up by name first builds their hash table.
    columns = list(frame.columns)
    positions = [columns.index(column) for column in key]
    if len(frame) == 1:
        return {tuple(frame.iat[0, position] for position in positions)}
    return set(zip(*(frame.iloc[:, position].tolist() for position in positions), strict=True))

"""Argument parsing shared by the command lines (`inc-pipeline` and the simulator's): one-line errors.

Below both command lines, so neither imports the other (the simulator is a library the CLI starts, not the
reverse).
"""

from __future__ import annotations

import argparse
from datetime import date

from inc_pipeline.days import iso_day


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or a one-line error saying what was expected."""
    try:
        return iso_day(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-01") from None


def whole_number(low: int, high: int | None = None, note: str = ""):
    """An argparse type: a whole number in low..high (or low or more), else a one-line error saying which."""
    allowed = f"{low}..{high}" if high is not None else f"{low} or more"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of {allowed}{note}")
        return value

    return parse


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument ends with our one line (and exit code 2), not the usage block first."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")

"""The landing's one error: a lake file that cannot be read or written."""


class LakeError(RuntimeError):
    """A lake file cannot be read or written; the message names the file and what to do."""

"""Errors a user can fix. The CLI prints them as one line, never with a traceback, never with the key."""


class UserError(RuntimeError):
    """Something the user can fix: the message says what is wrong and what to do."""

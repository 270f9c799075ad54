"""Several INC Cloud accounts in one deployment: which accounts, and each one's API settings and data directory.

`INC_ACCOUNTS=north,south` names the accounts; each has its own key, user, base URL and site allow-list in
variables suffixed with its name in capitals (`INC_API_KEY__NORTH`, `INC_API_USER__NORTH`, `INC_API_BASE_URL__NORTH`,
`INC_SITES__NORTH`), so keys come only from the environment (a `.env` or a systemd `EnvironmentFile`, never
committed). A base URL not given per account is INC_API_BASE_URL's. Each account lands under
`<INC_DATA_DIR>/accounts/<name>/` (its lake, quota ledger, pacing state and warehouse), so no path, ledger or
quota is shared; `<INC_DATA_DIR>/warehouse.duckdb` holds every account's tables side by side, each row naming its
account.

Without INC_ACCOUNTS there is one account, the one of INC_API_KEY, laid out as it always was (no name, no
`accounts/` directory): `Account(None)`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from inc_pipeline.errors import UserError

ACCOUNTS_DIR = "accounts"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")
PER_ACCOUNT = ("INC_API_KEY", "INC_API_USER", "INC_API_BASE_URL", "INC_SITES")


class AccountsError(UserError):
    """INC_ACCOUNTS, or one account's settings, cannot be used."""


@dataclass(frozen=True)
class Account:
    """One INC Cloud account: `name` None for the single account of the unsuffixed settings."""

    name: str | None = None

    def setting(self, base: str) -> str:
        """The account's value of `base` (INC_API_KEY, ...): `base__NAME` for a named account, else `base`."""
        return f"{base}__{self.name.upper()}" if self.name else base

    def value(self, base: str, default: str = "") -> str:
        """The account's value of `base` from the environment; a base URL falls back on INC_API_BASE_URL's."""
        found = os.environ.get(self.setting(base), "").strip()
        if not found and self.name and base == "INC_API_BASE_URL":
            found = os.environ.get(base, "").strip()
        return found or default

    def data_dir(self, top: Path) -> Path:
        """Where the account's lake, state and warehouse live under the deployment's data directory."""
        return Path(top) / ACCOUNTS_DIR / self.name if self.name else Path(top)

    @property
    def key_prefix(self) -> list[str]:
        """The account's asset keys start with its name (none for the single account)."""
        return [self.name] if self.name else []

    def prefixed(self, name: str, separator: str = "__") -> str:
        """A job, schedule, op, group or pool name of this account's (`north__daily_extraction`)."""
        return f"{self.name}{separator}{name}" if self.name else name

    @property
    def label(self) -> str:
        return self.name or "default"

    @property
    def said(self) -> str:
        """What a command's line says first about the account it is for: nothing for the single account."""
        return f"account {self.name}: " if self.name else ""


SINGLE = Account(None)


def accounts_from_env() -> tuple[Account, ...]:
    """The deployment's accounts: INC_ACCOUNTS's names (checked), else the single account."""
    text = os.environ.get("INC_ACCOUNTS", "").strip()
    if not text:
        return (SINGLE,)
    names = [part.strip() for part in text.split(",") if part.strip()]
    bad = [name for name in names if not _NAME.fullmatch(name)]
    if bad or not names:
        raise AccountsError(f"INC_ACCOUNTS={text!r}: {', '.join(map(repr, bad)) or 'no name'} is not an account name "
                            "(lower-case letters, digits and _, starting with a letter, at most 31): e.g. "
                            "INC_ACCOUNTS=north,south")  # fmt: skip
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise AccountsError(f"INC_ACCOUNTS={text!r} names {', '.join(repeated)} twice: name each account once")
    return tuple(Account(name) for name in names)


def is_multi_account() -> bool:
    return accounts_from_env() != (SINGLE,)


def chosen_accounts(name: str | None) -> list[Account]:
    """The accounts a command works on: the one `--account` names, else every configured account in turn."""
    return [account_named(name)] if name else list(accounts_from_env())


def account_named(name: str | None) -> Account:
    """The configured account called `name` (None: the single account), or a one-line error listing them."""
    accounts = accounts_from_env()
    if name is None and accounts == (SINGLE,):
        return SINGLE
    found = next((account for account in accounts if account.name == name), None)
    if found is None:
        known = ", ".join(a.label for a in accounts)
        raise AccountsError(f"--account {name}: no such account (INC_ACCOUNTS: {known})" if name else
                            f"name an account with --account (INC_ACCOUNTS: {known})")  # fmt: skip
    return found

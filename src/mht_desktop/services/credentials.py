"""Server passwords: from the OS keychain where there is one, otherwise asked at start.

A password is never written to our own files. A server URL without one (as the coordinator
hands it out) is completed from the keychain (``keyring``: the Secret Service on Linux, the
macOS Keychain, the Windows Credential Locker); when there is none, or it holds nothing for
this login, the front end asks, and a password that worked is put in the keychain for next
time when one exists. Scripts may set libpq's ``PGPASSWORD`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from sqlalchemy.engine import URL

from mht_desktop.core.errors import MhtError
from mht_desktop.storage.server import server_url

KEYCHAIN_SERVICE = "mht-desktop"


class PasswordNeeded(MhtError):
    """The server URL has no password and the keychain has none for it: ask the person."""

    def __init__(self, login: str) -> None:
        super().__init__(f"The server needs the password for {login}.")
        self.login = login


def login_key(url: str | URL) -> str:
    """How a login is named in the keychain: ``NAME@HOST/DATABASE``."""
    parsed = server_url(url) if isinstance(url, str) else url
    host = parsed.host or str(parsed.query.get("host", "")) or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.username or ''}@{host}{port}/{parsed.database}"


def keychain_password(url: str | URL) -> str | None:
    """The password kept in the OS keychain for this login, if any (None without a keychain)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYCHAIN_SERVICE, login_key(url))
    except KeyringError:
        return None


def remember_password(url: str | URL, password: str) -> bool:
    """Keep ``password`` in the OS keychain; False when there is no usable keychain."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYCHAIN_SERVICE, login_key(url), password)
    except KeyringError:
        return False
    return True


def has_password(url: str) -> bool:
    """Whether the URL carries its own password."""
    return bool(server_url(url).password)


def with_password(url: str, password: str) -> str:
    """The URL with ``password`` filled in (kept in memory only)."""
    return server_url(url).set(password=password).render_as_string(hide_password=False)


def complete_url(url: str, ask: Callable[[str], str | None] | None = None) -> tuple[str, bool]:
    """The URL with a password: its own, the keychain's, or one ``ask`` gets from the person.

    Returns:
        The URL to connect with, and whether the password was asked for (so the caller can
        keep it once the login worked).

    Raises:
        PasswordNeeded: no password anywhere and no way to ask (or the person gave none).
    """
    if has_password(url) or os.environ.get("PGPASSWORD"):
        return url, False  # PGPASSWORD: libpq's own way, for the coordinator's scripts
    stored = keychain_password(url)
    if stored:
        return with_password(url, stored), False
    login = login_key(url)
    answer = ask(login) if ask is not None else None
    if not answer:
        raise PasswordNeeded(login)
    return with_password(url, answer), True

"""A debug guard that fails loudly when the database is used where it must not be.

Only the database lane may touch the database: a query on the GUI thread freezes the window
for as long as it runs. Storage knows nothing of Qt, so the window installs a *check*: a
function that, asked at the moment a connection is taken from the pool, returns why that is
wrong here (or None when it is fine). :class:`~mht_desktop.storage.database.Database` asks it
on every checkout, and raises :class:`DatabaseOnWrongThread` with the message.

The UI tests install it for every test (``tests/ui/conftest.py``); the app installs it when
``MHT_DESKTOP_GUARD_GUI_THREAD=1`` is set (see ``mht_desktop.ui.gui_thread_guard``).
"""

from __future__ import annotations

from collections.abc import Callable

Check = Callable[[], "str | None"]

_check: Check | None = None


class DatabaseOnWrongThread(AssertionError):
    """The database was used on a thread that must never block on it (a programming error)."""


def install_check(check: Check | None) -> None:
    """Ask ``check`` on every connection checkout from now on (None switches the guard off)."""
    global _check
    _check = check


def installed() -> bool:
    """Whether a check is installed."""
    return _check is not None


def verify() -> None:
    """Raise when the installed check objects to using the database here and now.

    Raises:
        DatabaseOnWrongThread: the check returned a reason.
    """
    check = _check
    if check is None:
        return
    reason = check()
    if reason:
        raise DatabaseOnWrongThread(reason)

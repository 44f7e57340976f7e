"""Pointing a learner profile on this computer at a program's server, and back.

File › "Connect to a program server…" and ``mht-desktop profile connect NAME URL`` both come
here. The login is tried first (the URL read and checked, TLS for any host that is not this
computer, the password, the server's schema, the learner's own profile on it); only a login
that worked is saved, as the profile's server URL without the password (the password goes to
the OS keychain where there is one, else it is asked at each start).

What happens to the profile's history on this computer: nothing. It is not uploaded (the
server keeps the progress the program gave this login, and a second copy of old answers
would count twice in the class figures); it stays in the local database, unchanged, and the
profile studies from it again after "Disconnect from the server". Disconnecting leaves the
server's copy on the server, and an answer still waiting in the outbox waits there until the
profile connects again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from mht_desktop.core.errors import DatabaseError
from mht_desktop.core.profiles import Profile
from mht_desktop.core.server_login import ServerLogin
from mht_desktop.services.context import AppContext
from mht_desktop.services.credentials import (
    complete_url,
    keychain_password,
    login_key,
    remember_password,
    with_password,
)
from mht_desktop.storage.database import Database
from mht_desktop.storage.models import ProfileRow
from mht_desktop.storage.program import own_profile_id
from mht_desktop.storage.server import hand_out_url, safe_url, server_url

LOCAL_HISTORY = ("Your progress on this computer is not uploaded and nothing of it is deleted: "
                 "it stays here, unchanged, and this profile studies from it again if you "
                 "disconnect from the server.")


def saved_url(login: ServerLogin) -> str:
    """The URL to keep with the profile: the user filled in, TLS decided, no password.

    Raises:
        DatabaseError: the URL cannot be read, is not for PostgreSQL, or names no user.
    """
    parsed = server_url(login.url)
    user = login.user.strip() or parsed.username or ""
    if not user:
        raise DatabaseError(f"Which login? Give the user name for {safe_url(parsed)} (the "
                            "coordinator printed it with your password).")
    return hand_out_url(parsed, user)


def full_url(login: ServerLogin) -> str:
    """The URL to connect with: the password typed, or else the keychain's or PGPASSWORD.

    Raises:
        DatabaseError: as :func:`saved_url`.
        PasswordNeeded: no password typed and none kept for this login.
    """
    saved = saved_url(login)
    password = login.password or server_url(login.url).password
    return with_password(saved, str(password)) if password else complete_url(saved)[0]


@dataclass(frozen=True, slots=True)
class Connected:
    """A profile now studies on a server."""

    profile: str          # the profile on this computer
    server_name: str      # the learner the server knows this login as
    url: str              # as saved with the profile: no password
    connect_url: str      # with the password, to reopen the app on the server now (memory only)
    password_note: str    # where the password will come from next time

    def message(self) -> str:
        """What the person is told once connected."""
        return (f"{self.profile} now studies on the program's server at {safe_url(self.url)} "
                f"as {self.server_name}. {self.password_note} {LOCAL_HISTORY}")


@dataclass(frozen=True, slots=True)
class Disconnected:
    """A profile studies on this computer again."""

    profile: str
    url: str       # the server it left (no password)
    waiting: int   # answers still in the outbox for that login

    def message(self) -> str:
        """What the person is told once disconnected."""
        text = (f"{self.profile} studies on this computer again, from the progress kept here. "
                f"What it did on the server stays on the server ({safe_url(self.url)}).")
        if self.waiting:
            noun = "answer" if self.waiting == 1 else "answers"
            text += (f" {self.waiting} {noun} given offline could not be sent yet: they stay "
                     "on this computer and are sent when you connect again.")
        return text


def check_login(login: ServerLogin) -> tuple[str, str]:
    """Connect once with ``login`` and find the learner's own profile on the server.

    Returns:
        The URL with its password (memory only), and the server's name for the learner.

    Raises:
        DatabaseError: a wrong URL, an unreachable server, a refused login, a server of an
            older or newer schema, or a login with no learner profile (a coordinator's).
        PasswordNeeded: no password typed and none kept for this login.
    """
    full = full_url(login)
    db = Database.open_url(full)
    try:
        with db.session() as s:
            pid = own_profile_id(s)
            name = s.scalar(select(ProfileRow.name).where(ProfileRow.id == pid)) \
                if pid is not None else None
    finally:
        db.close()
    if name is None:
        user = server_url(full).username
        raise DatabaseError(f"The login {user} has no learner profile on the server at "
                            f"{safe_url(saved_url(login))} (a coordinator's login studies "
                            "nowhere). Use the login your coordinator gave you.")
    return full, name


def connect_profile(local: AppContext, profile_id: int, login: ServerLogin) -> Connected:
    """Check ``login``, then make the local profile study on that server (see module doc).

    Raises:
        DatabaseError: see :func:`check_login`; nothing is saved then.
    """
    full, server_name = check_login(login)
    saved = saved_url(login)
    for other in connected_to(local, saved):
        if other.id != profile_id:
            raise DatabaseError(f"The profile {other.name} on this computer already studies "
                                f"as this login. Use that profile, or disconnect it first.")
    local.profiles.connect_to_server(profile_id, saved)
    profile = local.profiles.get(profile_id)
    return Connected(profile.name, server_name, saved, full, _keep_password(saved, login))


def _keep_password(saved: str, login: ServerLogin) -> str:
    """Keep a typed password in the keychain; say where it comes from at the next start."""
    typed = login.password or server_url(login.url).password
    if typed:
        if remember_password(saved, str(typed)):
            return "The password is kept in this computer's keychain."
        return ("There is no keychain on this computer, so the password is not kept: the app "
                "asks for it at each start.")
    if keychain_password(saved):
        return "The password is the one already in this computer's keychain."
    return ("The password came from PGPASSWORD and is not kept: the app asks for it at each "
            "start unless PGPASSWORD is set.")


def disconnect_profile(local: AppContext, profile_id: int, data_dir: Path) -> Disconnected:
    """Make the local profile study on this computer again (its local history as it was).

    Raises:
        DatabaseError: the profile is not connected to a server.
    """
    profile = local.profiles.get(profile_id)
    url = local.profiles.settings(profile_id).server_url
    if not url:
        raise DatabaseError(f"{profile.name} already studies on this computer.")
    local.profiles.connect_to_server(profile_id, "")
    return Disconnected(profile.name, url, outbox_waiting(data_dir, url))


def connected_to(local: AppContext, url: str) -> list[Profile]:
    """The local profiles saved with the same login as ``url`` (at most one, normally)."""
    key = login_key(url)
    out = []
    for profile in local.profiles.list():
        saved = local.profiles.settings(profile.id).server_url
        if saved and login_key(saved) == key:
            out.append(profile)
    return out


def outbox_waiting(data_dir: Path, url: str) -> int:
    """Answers this login's outbox in ``data_dir`` still holds for the server."""
    from mht_desktop.storage.outbox import OutboxStore

    waiting = 0
    for path in outbox_paths(data_dir, url):
        if path.exists():
            store = OutboxStore(path)
            try:
                waiting += store.count()
            finally:
                store.close()
    return waiting


def outbox_paths(data_dir: Path, url: str) -> list[Path]:
    """Where this login's outbox may be: its name follows the URL the app connected with,
    which carried the password (typed, or from the keychain) or not (``PGPASSWORD``)."""
    from mht_desktop.services.context import outbox_file

    parsed = server_url(url)
    return [outbox_file(data_dir, parsed.set(password="-")), outbox_file(data_dir, parsed)]


def disconnect_login(data_dir: Path, url: str) -> Disconnected:
    """Disconnect the local profile saved with ``url``'s login (the window, in server mode).

    Raises:
        DatabaseError: no profile on this computer is saved with that login (the app was
            started with ``--database-url``, and no profile remembered it).
    """
    local = AppContext.open(data_dir)
    try:
        profiles = connected_to(local, url)
        if not profiles:
            raise DatabaseError(
                f"No profile on this computer is connected to {safe_url(url)}: the app was "
                "started with that URL. Start MHT Desktop without --database-url to study "
                "on this computer.")
        return disconnect_profile(local, profiles[0].id, data_dir)
    finally:
        local.close()

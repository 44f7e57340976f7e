"""Studying when the program's server is down: a local replica, refreshed at each connect.

Each time a trainee's app reaches the server it copies what studying needs into a SQLite
file in the local data folder (storage/replica.py): the banks, their own profile, their
cards' schedules and their review history. When a later start cannot reach the server, the
app opens that copy instead (``AppContext.open_offline``): flashcards are chosen from the
last synced schedules, each answer is saved in the copy and in the outbox, and the outbox
sends it to the server, exactly once, when the server is back. The copy is refreshed only
after the outbox is empty, so it never loses an answer the server does not have yet.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import ServerUnreachableError
from mht_desktop.storage import cards as cards_repo
from mht_desktop.storage.database import Database
from mht_desktop.storage.paths import DATABASE_NAME
from mht_desktop.storage.replica import copy_for_offline
from mht_desktop.storage.server import safe_url

REPLICAS = "offline"


def replica_folder(data_dir: Path, url: str) -> Path:
    """Where the replica of ``url``'s login lives: one folder per login, under the data dir."""
    from mht_desktop.services.credentials import login_key

    key = hashlib.sha256(login_key(url).encode()).hexdigest()[:16]
    return data_dir / REPLICAS / key


def has_replica(data_dir: Path, url: str) -> bool:
    """Whether this login was synced here before (so the app can start offline)."""
    return (replica_folder(data_dir, url) / DATABASE_NAME).exists()


def open_replica(data_dir: Path, url: str) -> Database:
    """The replica of ``url``'s login, for studying offline.

    Raises:
        ServerUnreachableError: the login never synced on this computer.
    """
    if not has_replica(data_dir, url):
        raise ServerUnreachableError(
            f"Cannot reach the server at {safe_url(url)}, and this computer has no copy to "
            "study from yet: connect once while the server is reachable.")
    return Database.open(replica_folder(data_dir, url))


def refresh_replica(server: Database, data_dir: Path, url: str, profile_id: int,
                    clock: Clock) -> dict[str, int]:
    """Copy what studying offline needs from the server (call once the outbox is empty).

    Card rows for every flashcard are made on the server first, so a card studied offline
    already has the id the server knows it by.

    Returns:
        Rows copied, by table.
    """
    with server.session() as s:
        cards_repo.sync_cards(s, profile_id, clock.now())
    replica = Database.open(replica_folder(data_dir, url))
    try:
        with server.session() as source, replica.session() as target:
            return copy_for_offline(source, target, profile_id)
    finally:
        replica.close()

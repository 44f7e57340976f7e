"""A training program's server, for its coordinator: set it up, add and remove people.

The coordinator connects with the role that owns the program's database (see
docs/program-server.md). Everything here runs as that role; what trainees and instructors may
do afterwards is enforced by the server's own row-level security (storage/program.py).
"""

from __future__ import annotations

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import DatabaseError
from mht_desktop.core.profiles import clean_profile_name
from mht_desktop.services.banks import BankService
from mht_desktop.storage import program as repo
from mht_desktop.storage.database import Database
from mht_desktop.storage.program import Credentials, Member

DEFAULT_COHORT = "default"


class ProgramService:
    """The coordinator's use cases on a program's server."""

    def __init__(self, db: Database, clock: Clock) -> None:
        if not db.is_server:
            raise DatabaseError("This is a learner's own data folder, not a program's server: "
                                "give the server with --database-url postgresql+psycopg://…")
        self._db = db
        self._clock = clock

    def init(self) -> Changes:
        """Roles, grants and row-level security on an upgraded schema, then the shipped banks.

        Safe to run again (after an app update, it upgrades the schema and refreshes the
        policies); the caller opened the database with ``upgrade=True``.
        """
        with self._db.session() as s:
            repo.apply_security(s.connection())
        return BankService(self._db, self._clock).ensure_builtin_banks() | Changes(banks=True)

    def add(self, name: str, *, instructor: bool,
            cohort: str = DEFAULT_COHORT) -> tuple[Credentials, Changes]:
        """Give a person a login and a profile; their password is in the result, once."""
        cleaned = clean_profile_name(name)
        with self._db.session() as s:
            credentials = repo.add_member(s, cleaned, cohort=cohort.strip() or DEFAULT_COHORT,
                                          instructor=instructor, now=self._clock.now())
        return credentials, Changes(profiles=True)

    def members(self) -> list[Member]:
        """Everyone on the server: instructors first, then trainees by cohort and name."""
        with self._db.session() as s:
            return repo.list_members(s)

    def remove(self, name: str, *, keep_history: bool) -> tuple[str, Changes]:
        """Take away a person's login; keep their history (as a former member) or delete it.

        Returns:
            The login that was removed, and what changed.
        """
        with self._db.session() as s:
            role = repo.remove_member(s, name, keep_history=keep_history)
        return role, Changes(profiles=True, reviews=not keep_history,
                             quizzes=not keep_history)

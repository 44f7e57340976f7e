"""A program's server set up by its coordinator, with people on it (a real PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mht_desktop.core.clock import FixedClock
from mht_desktop.services.context import AppContext
from mht_desktop.storage.program import Credentials
from tests.pg_server import LocalServer


@dataclass
class Program:
    """The coordinator's context and the credentials handed out, by first name."""

    server: LocalServer
    database: str
    coordinator: AppContext
    people: dict[str, Credentials]

    def url(self, who: str) -> str:
        """The URL ``who`` logs in with, password included (as the app uses it)."""
        creds = self.people[who]
        return self.server.url(self.database, creds.role, creds.password)

    def dsn(self, who: str) -> dict[str, str]:
        """psycopg connection arguments for ``who`` (for SQL straight to the server)."""
        creds = self.people[who]
        return {"host": str(self.server.socket_dir), "dbname": self.database,
                "user": creds.role, "password": creds.password}

    def open_as(self, who: str, clock: FixedClock) -> AppContext:
        """The app's context as ``who`` sees it."""
        return AppContext.open_url(self.url(who), clock=clock)


@pytest.fixture
def program(pg_server: LocalServer, pg_database: str, clock: FixedClock,
            sample_bank_file: Path) -> Iterator[Program]:
    """Init, the sample bank, trainees Ana and Ben (cohort a), Cy (cohort b), instructor Ida (a)."""
    coordinator = AppContext.open_url(pg_server.url(pg_database), clock=clock, upgrade=True)
    coordinator.program.init()
    coordinator.banks.import_file_now(sample_bank_file)
    people = {
        "ana": coordinator.program.add("Ana Diaz", instructor=False, cohort="a")[0],
        "ben": coordinator.program.add("Ben Okafor", instructor=False, cohort="a")[0],
        "cy": coordinator.program.add("Cy Lund", instructor=False, cohort="b")[0],
        "ida": coordinator.program.add("Ida Marsh", instructor=True, cohort="a")[0],
    }
    yield Program(pg_server, pg_database, coordinator, people)
    coordinator.close()
    for creds in people.values():
        pg_server.admin_sql(f'DROP ROLE IF EXISTS "{creds.role}"')
    for group in ("trainees", "instructors"):
        pg_server.admin_sql(f'DROP OWNED BY "{pg_database}_{group}" CASCADE', pg_database)
        pg_server.admin_sql(f'DROP ROLE IF EXISTS "{pg_database}_{group}"')


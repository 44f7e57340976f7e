"""Shared fixtures: every test runs away from the user's real data, offscreen."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.collector import thaw
from mht_desktop.services.context import AppContext
from tests.pg_server import LocalServer, find_bin_dir, local_server

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _collector_thawed() -> Iterator[None]:
    """Undo the window's ``gc.freeze`` after each test that opens one (core/collector.py).

    The app freezes a few times in its life; a test process opens hundreds of windows, and
    the reference cycles they leave behind must stay collectable between tests.
    """
    yield
    thaw()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default data folder (and Qt's settings) at a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MHT_DESKTOP_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("HOME", str(home))
    # Nor at a server or a password from the environment of whoever runs the tests.
    monkeypatch.delenv("MHT_DESKTOP_DATABASE_URL", raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    return home


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    """pytest-qt's application class: one that counts events, for the GUI-thread guard."""
    from mht_desktop.ui.gui_thread_guard import GuardedApplication

    return GuardedApplication


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at Monday 5 January 2026, 12:00 UTC."""
    return FixedClock(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))


@pytest.fixture
def ctx(tmp_path: Path, clock: FixedClock) -> Iterator[AppContext]:
    """A real app context on a fresh database file built by the migrations."""
    app_ctx = AppContext.open(tmp_path / "data", clock=clock)
    yield app_ctx
    app_ctx.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalServer]:
    """A throwaway PostgreSQL server for the whole run (skipped only without its binaries)."""
    if find_bin_dir() is None:
        pytest.skip("PostgreSQL server binaries are not installed (.ci/run installs them)")
    with local_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_template(pg_server: LocalServer) -> str:
    """A database on the test server built once by the real migrations, to copy from."""
    from mht_desktop.storage.database import Database

    name = "mht_template_head"
    Database.open_url(pg_server.create_database(name), upgrade=True).close()
    return name


@pytest.fixture
def pg_database(pg_server: LocalServer) -> Iterator[str]:
    """The name of a fresh, empty database on the test server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.create_database(name)
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def pg_head_url(pg_server: LocalServer, pg_template: str) -> Iterator[str]:
    """A superuser URL for a fresh database already at the newest schema (a quick copy)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture
def pg_url(pg_server: LocalServer, pg_database: str) -> str:
    """A superuser URL for a fresh, empty database on the test server."""
    return pg_server.url(pg_database)


SAMPLE_BANK = '''
format = 1

[bank]
id = "sample"
title = "Sample bank"
version = "1.0"
author = "Tests"

[[topics]]
id = "safety"
title = "Safety"

[[topics]]
id = "privacy"
title = "Privacy"

[[questions]]
id = "s-q1"
type = "single"
topic = "safety"
difficulty = 1
source = "Test source"
reviewed = 2026-01-01
review_due = 2028-01-01
stem = "Which hand hygiene after caring for a patient with C. diff?"
rationale = "Soap and water removes spores; alcohol rub does not kill them."

[[questions.choices]]
text = "Soap and water"
correct = true

[[questions.choices]]
text = "Alcohol rub"
correct = false
feedback = "Alcohol does not reliably kill C. diff spores."

[[questions]]
id = "s-q2"
type = "multiple"
topic = "privacy"
difficulty = 2
source = "Test source"
reviewed = 2026-01-01
review_due = 2028-01-01
stem = "Which are identifiers?"
rationale = "Names and phone numbers identify a person."

[[questions.choices]]
text = "Name"
correct = true

[[questions.choices]]
text = "Phone number"
correct = true

[[questions.choices]]
text = "Blood type alone"
correct = false

[[questions]]
id = "s-q3"
type = "truefalse"
topic = "privacy"
difficulty = 1
source = "Test source"
reviewed = 2026-01-01
review_due = 2028-01-01
stem = "Minimum necessary applies to treatment disclosures between providers."
rationale = "Treatment disclosures are an exception."

[[questions.choices]]
text = "True"
correct = false

[[questions.choices]]
text = "False"
correct = true

[[flashcards]]
id = "s-f1"
topic = "safety"
front = "Normal adult resting pulse?"
back = "60–100 beats per minute."
source = "MedlinePlus"
reviewed = 2026-01-01
review_due = 2028-01-01

[[flashcards]]
id = "s-f2"
topic = "privacy"
front = "Deadline to act on an access request?"
back = "30 days, with one 30-day extension."
source = "45 CFR 164.524"
reviewed = 2026-01-01
review_due = 2028-01-01
'''


@pytest.fixture
def sample_bank_file(tmp_path: Path) -> Path:
    """A small valid native bank on disk."""
    path = tmp_path / "sample.mhtbank.toml"
    path.write_text(SAMPLE_BANK, encoding="utf-8")
    return path

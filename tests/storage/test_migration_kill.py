"""A schema upgrade killed at any point leaves a database that opens, with every row in it.

A populated database at revision 0001 is opened (and so upgraded) by a child process that
SIGKILLs itself at the N-th SQL statement of the open, for every N the upgrade has, and then
at random moments of the open (mid-statement: inside the index build, the backup copy, the
commit). After each kill the database is opened here: it must open, pass ``integrity_check``,
be at the old or the new revision (never between) and hold every row it held before.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mht_desktop.storage.database import SCHEMA_HEAD, Database
from mht_desktop.storage.identity import APPLICATION_ID
from mht_desktop.storage.paths import DATABASE_NAME

REVIEWS = 20_000  # enough for the index build to take a measurable moment
TABLES = ("profiles", "banks", "cards", "review_logs")

# Runs the real open in a child; kills itself at statement N (0: never).
CHILD = """
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
import mht_desktop.storage.database as database

stop = int(sys.argv[2])
seen = [0]
make = database.make_engine

def counting_engine(url):
    engine = make(url)

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args):
        seen[0] += 1
        if seen[0] == stop:
            os.kill(os.getpid(), signal.SIGKILL)
    return engine

database.make_engine = counting_engine
print("opening", flush=True)
db = database.Database.open(Path(sys.argv[1]))
db.close()
print("statements", seen[0], flush=True)
"""


def _counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        connection.close()


# Builds the old database in a fresh interpreter, away from what other tests left behind.
BUILD = """
import sqlite3, sys
from pathlib import Path
from alembic import command
from sqlalchemy import create_engine
from tests.conftest import SAMPLE_BANK
from mht_desktop.services.context import AppContext
from mht_desktop.storage.card_browser import BrowseQuery
from mht_desktop.storage.database import alembic_config

folder, reviews = Path(sys.argv[1]), int(sys.argv[2])
bank = folder / "sample.mhtbank.toml"
bank.write_text(SAMPLE_BANK, encoding="utf-8")
ctx = AppContext.open(folder / "data")
ctx.banks.import_file_now(bank)
profile, _ = ctx.profiles.create("Ana")
study = ctx.study(profile.id)
study.prepare()
card_id = study.browse(BrowseQuery())[0].card_id
with ctx.db.engine.begin() as c:
    c.exec_driver_sql(
        "INSERT INTO review_logs (profile_id, card_id, rating, reviewed_at, duration_ms, "
        "state_before, interval_days, snapshot) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "SELECT ?, ?, 3, datetime('2025-01-01', '+' || (i % 365) || ' days'), i % 9000, "
        "2, 1.5, '{}' FROM n", (reviews, profile.id, card_id))
url = str(ctx.db.engine.url)
ctx.close()
# Foreign keys off (SQLAlchemy's default engine), as Database.migrate does: batch mode
# rebuilds tables such as profiles, and with them on, dropping one cascades to the reviews.
engine = create_engine(url)
config = alembic_config(url)
with engine.begin() as connection:
    config.attributes["connection"] = connection
    command.downgrade(config, "0001")
engine.dispose()
connection = sqlite3.connect(folder / "data" / "mht-desktop.sqlite3")
connection.execute("PRAGMA application_id = 0")  # as a 0001-era app left it
connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
connection.close()
"""


@pytest.fixture(scope="module")
def old_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose database is at revision 0001, with a learner's year of reviews."""
    folder = tmp_path_factory.mktemp("old")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", BUILD, str(folder), str(REVIEWS)], check=True,
                   cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    return folder / "data"


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def _child(data: Path, stop: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(data), str(stop)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _check_after_kill(data: Path, before: dict[str, int]) -> str:
    path = data / DATABASE_NAME
    raw = sqlite3.connect(path)
    try:
        revision = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert revision in ("0001", SCHEMA_HEAD), revision
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()
    db = Database.open(data)  # the open that used to fail with "no such index"
    try:
        assert db.current_revision() == SCHEMA_HEAD
        with db.engine.connect() as c:
            indexes = {n for (n,) in c.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index'")}
            assert c.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
    finally:
        db.close()
    assert "ix_review_logs_profile_time_duration" in indexes
    assert "ix_review_logs_profile_time" not in indexes
    assert _counts(path) == before
    return revision


def test_a_migration_killed_at_every_statement_leaves_a_database_that_opens(
        old_database: Path, tmp_path: Path) -> None:
    before = _counts(old_database / DATABASE_NAME)
    assert before["review_logs"] == REVIEWS
    clean = _copy(old_database, tmp_path / "clean")
    done = _child(clean, 0)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    total = int(out.split()[-1])
    assert total >= 5
    # Always a backup before the schema changes, and it holds the old revision's data.
    backups = sorted((clean / "backups").glob("*-before-upgrade-from-0001.sqlite3"))
    assert len(backups) == 1 and _counts(backups[0]) == before
    outcomes = []
    for stop in range(1, total + 1):
        data = _copy(old_database, tmp_path / f"stop{stop}")
        child = _child(data, stop)
        child.communicate(timeout=120)
        assert child.returncode == -signal.SIGKILL, f"statement {stop} of {total}"
        outcomes.append(_check_after_kill(data, before))
        shutil.rmtree(data)
    # Killed before the commit, the file stays at 0001; the open afterwards upgrades it.
    assert outcomes[0] == "0001" and "0001" in outcomes


def test_a_migration_killed_at_random_moments_leaves_a_database_that_opens(
        old_database: Path, tmp_path: Path) -> None:
    before = _counts(old_database / DATABASE_NAME)
    timing = _copy(old_database, tmp_path / "timing")
    started = time.monotonic()
    child = _child(timing, 0)
    assert child.stdout is not None
    child.stdout.readline()  # "opening": the interpreter and imports are done
    opened_at = time.monotonic()
    child.communicate(timeout=120)
    span = max(time.monotonic() - opened_at, 0.05)
    assert time.monotonic() - started < 120
    rng = random.Random(13)
    for run in range(int(os.environ.get("MHT_KILL_RUNS", "8"))):
        data = _copy(old_database, tmp_path / f"run{run}")
        child = _child(data, 0)
        assert child.stdout is not None
        child.stdout.readline()
        time.sleep(rng.uniform(0, span))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=120)
        _check_after_kill(data, before)
        shutil.rmtree(data)

"""Backups: taken consistently, owner-only, thinned; restored with the current file kept."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mht_desktop.cli.main import main
from mht_desktop.core.clock import FixedClock
from mht_desktop.core.errors import DatabaseDamagedError, DatabaseError
from mht_desktop.services.backups import keep_set, list_backups, restore_backup
from mht_desktop.services.context import AppContext
from mht_desktop.storage.paths import DATABASE_NAME


def _wreck(path: Path) -> None:
    """Overwrite the data pages after the schema: opening works, reading rows does not."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    for start in range(page_size * 2, len(data), page_size):
        data[start:start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.fixture
def used(ctx: AppContext, sample_bank_file: Path) -> AppContext:
    ctx.banks.import_file_now(sample_bank_file)
    ctx.profiles.create("Ana")
    ctx.profiles.create("Ben")
    return ctx


def test_a_backup_is_checked_owner_only_and_described(used: AppContext) -> None:
    info = used.backups.create("manual")
    assert info.usable and info.reason == "manual"
    assert info.contents is not None and info.contents.learners == ("Ana", "Ben")
    assert info.contents.banks == 1 and "Ana, Ben; 1 bank(s)" in info.describe()
    if os.name != "nt":
        assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
    assert not list(info.path.parent.glob("*.partial"))


def test_backup_restore_round_trip_after_corruption(used: AppContext, tmp_path: Path,
                                                    clock: FixedClock) -> None:
    study = used.study(used.profiles.by_name("Ana").id)
    study.prepare()
    backup = used.backups.create("manual")
    data_dir = used.data_dir
    assert data_dir is not None
    used.close()
    path = data_dir / DATABASE_NAME
    _wreck(path)
    with pytest.raises(DatabaseError):
        broken = AppContext.open(data_dir, clock=clock)  # may open, then fail reading
        try:
            broken.banks.list()
            broken.profiles.list()
        finally:
            broken.close()
    damaged = path.read_bytes()
    result = restore_backup(data_dir, backup.path, clock.now())
    assert result.moved_aside is not None and result.moved_aside.read_bytes() == damaged
    assert str(result.moved_aside) in result.message()
    back = AppContext.open(data_dir, clock=clock)
    try:
        assert [p.name for p in back.profiles.list()] == ["Ana", "Ben"]
        assert [b.id for b in back.banks.list()] == ["sample"]
    finally:
        back.close()


def test_a_damaged_backup_is_not_restored_and_nothing_changes(used: AppContext,
                                                              clock: FixedClock) -> None:
    info = used.backups.create("manual")
    _wreck(info.path)
    data_dir = used.data_dir
    assert data_dir is not None
    used.close()
    before = (data_dir / DATABASE_NAME).read_bytes()
    with pytest.raises(DatabaseError, match="cannot be restored.*Nothing was changed"):
        restore_backup(data_dir, info.path, clock.now())
    assert (data_dir / DATABASE_NAME).read_bytes() == before


def test_history_is_thinned_to_days_weeks_and_months() -> None:
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    # One backup every 6 hours for two years.
    backups = [(Path(f"b{i}"), now - timedelta(hours=6 * i)) for i in range(4 * 730)]
    kept = keep_set(backups, now)
    when = sorted((w for p, w in backups if p in kept), reverse=True)
    assert all(now - w < timedelta(days=1) for w in when[:4])  # all of the last day
    assert len(kept) <= 4 + 12 + 10 + 9
    assert min(when) < now - timedelta(days=200)  # nine months reach back to April
    assert keep_set(backups, now) == kept  # stable: thinning again deletes nothing more


def test_automatic_backup_every_thirty_minutes_of_use(used: AppContext,
                                                      clock: FixedClock) -> None:
    started = clock.now()
    assert used.backups.create_if_due(started) is None
    clock.current = started + timedelta(minutes=31)
    first = used.backups.create_if_due(started)
    assert first is not None and first.reason == "auto"
    clock.current += timedelta(minutes=10)
    assert used.backups.create_if_due(started) is None  # the last one is recent


def test_removing_a_bank_and_deleting_a_learner_back_up_first(used: AppContext) -> None:
    used.banks.remove("sample")
    used.profiles.delete(used.profiles.by_name("Ben").id)
    assert used.data_dir is not None
    reasons = sorted(i.reason for i in list_backups(used.data_dir))
    assert reasons == ["before-delete-learner", "before-remove-bank"]
    bank_backup = next(i for i in list_backups(used.data_dir)
                       if i.reason == "before-remove-bank")
    assert bank_backup.contents is not None and bank_backup.contents.banks == 1


def test_cli_backup_create_list_restore(used: AppContext, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = used.data_dir
    assert data_dir is not None
    used.close()
    home = ["--data-dir", str(data_dir)]
    assert main([*home, "backup", "create"]) == 0
    out = capsys.readouterr().out
    assert "Wrote " in out and "Ana, Ben" in out
    assert main([*home, "backup", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and "manual: Ana, Ben" in listed[0]
    _wreck(data_dir / DATABASE_NAME)
    status = main([*home, "bank", "list"])
    err = capsys.readouterr().err
    assert status == 1 and "damaged" in err
    assert "mht-desktop backup restore --latest" in err
    assert main([*home, "backup", "restore", "--latest"]) == 1  # no --yes and no terminal
    assert "--yes" in capsys.readouterr().err
    assert main([*home, "backup", "restore", "--latest", "--yes"]) == 0
    said = capsys.readouterr().out
    assert "Restored the backup" in said and "mht-desktop-replaced-" in said
    assert main([*home, "profile", "list"]) == 0
    assert capsys.readouterr().out.split() == ["Ana", "Ben"]


def test_damaged_error_is_typed(used: AppContext) -> None:
    data_dir = used.data_dir
    assert data_dir is not None
    used.close()
    _wreck(data_dir / DATABASE_NAME)
    with pytest.raises(DatabaseDamagedError, match="damaged"):
        ctx = AppContext.open(data_dir)
        try:
            ctx.banks.list()
            ctx.profiles.list()
        finally:
            ctx.close()

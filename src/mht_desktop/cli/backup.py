"""``mht-desktop backup create | list | restore``: backups from the command line.

``list`` and ``restore`` never open the database: they must work when it is damaged, which is
exactly when they are needed.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from mht_desktop.core.errors import DatabaseDamagedError, MhtError
from mht_desktop.storage.paths import resolve_data_dir

RESTORE_COMMAND = "mht-desktop backup restore --latest"
ACTIONS = ("create", "list", "restore")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``backup`` and its actions."""
    backup = commands.add_parser("backup", help="create, list or restore backups")
    actions = backup.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("create", help="back up the database now")
    actions.add_parser("list", help="list backups, newest first, with what each holds")
    restore = actions.add_parser("restore", help="replace the database with a backup (the "
                                                 "current file is moved aside, never deleted)")
    which = restore.add_mutually_exclusive_group(required=True)
    which.add_argument("--latest", action="store_true", help="the newest good backup")
    which.add_argument("file", nargs="?", metavar="FILE", help="a backup file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def run(args: argparse.Namespace) -> int:
    """Run a ``backup`` action; exit code 0, or 1 with a message on stderr."""
    try:
        if args.action == "create":
            return _create(args)
        if args.action == "list":
            return _list(args)
        return _restore(args)
    except MhtError as exc:
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1


def damaged_hint(args: argparse.Namespace, exc: MhtError) -> str:
    """For a damaged database: the newest good backup and the command that restores it."""
    if not isinstance(exc, DatabaseDamagedError) or getattr(args, "database_url", None):
        return ""
    from mht_desktop.services.backups import newest_good_backup

    good = newest_good_backup(resolve_data_dir(args.data_dir))
    if good is None:
        return ""
    return (f"\nmht-desktop: a good backup from {good.describe()} is available; restore it "
            f"with: {RESTORE_COMMAND}")


def _create(args: argparse.Namespace) -> int:
    from mht_desktop.services.context import AppContext

    ctx = AppContext.open(args.data_dir)
    try:
        info = ctx.backups.create("manual")
    finally:
        ctx.close()
    print(f"Wrote {info.path}")
    print(f"  {info.describe()}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from mht_desktop.services.backups import list_backups

    data_dir = resolve_data_dir(args.data_dir)
    backups = list_backups(data_dir)
    if not backups:
        print(f"No backups yet in {data_dir / 'backups'}. Make one with: mht-desktop backup "
              "create")
    for info in backups:
        print(f"{info.path.name}\t{info.describe()}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from mht_desktop.services.backups import describe, newest_good_backup, restore_backup

    data_dir = resolve_data_dir(args.data_dir)
    if args.latest:
        chosen = newest_good_backup(data_dir)
        if chosen is None:
            print(f"mht-desktop: no usable backup in {data_dir / 'backups'}", file=sys.stderr)
            return 1
    else:
        path = Path(args.file).expanduser()
        if not path.is_file():
            print(f"mht-desktop: no backup file {path}", file=sys.stderr)
            return 1
        chosen = describe(path)
    if not args.yes:
        if not sys.stdin.isatty():
            print("mht-desktop: restoring replaces the current database (it is kept beside "
                  "it); add --yes to confirm", file=sys.stderr)
            return 1
        answer = input(f"Restore {chosen.describe()}? The current database is kept, renamed. "
                       "Close MHT Desktop first. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing restored.")
            return 0
    result = restore_backup(data_dir, chosen.path, datetime.now(UTC))
    print(result.message())
    return 0

"""Argument parsing and dispatch for ``mht-desktop``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mht_desktop import __version__
from mht_desktop.cli import audit, backup, practice, profile_server, reports, server, study
from mht_desktop.core.banks import BankFormat
from mht_desktop.core.errors import MhtError

# Building the parser must stay cheap (every start of the window does it): the data layer is
# imported when a command runs.
if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext

Handler = Callable[[argparse.Namespace, "AppContext"], int]
ENV_DATABASE_URL = server.ENV_DATABASE_URL
_EXPORT_FORMATS = ["native", "gift", "moodle-xml", "csv", "anki-tsv", "apkg"]
_IMPORT_FORMATS = [f.value for f in BankFormat]


def build_parser() -> argparse.ArgumentParser:
    """The full ``mht-desktop`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="mht-desktop",
        description="Study app for mental health technicians. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"mht-desktop {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="folder for the database (default: your user data folder, or "
                             "$MHT_DESKTOP_HOME)")
    parser.add_argument("--database-url", metavar="URL",
                        help="use a training program's PostgreSQL server "
                             "(postgresql+psycopg://NAME@HOST/DATABASE) instead of the local "
                             "data folder; default: $MHT_DESKTOP_DATABASE_URL if set")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    profile = commands.add_parser(
        "profile", help="list, create, rename or delete learners; connect one to a server")
    profile_cmds = profile.add_subparsers(dest="action", metavar="ACTION", required=True)
    profile_cmds.add_parser("list", help="list learner profiles")
    create = profile_cmds.add_parser("create", help="add a learner profile")
    create.add_argument("name")
    rename = profile_cmds.add_parser("rename", help="rename a learner profile")
    rename.add_argument("name")
    rename.add_argument("new_name")
    delete = profile_cmds.add_parser("delete", help="delete a profile and all its progress")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    profile_server.add_parsers(profile_cmds)

    bank = commands.add_parser("bank", help="validate, import, list, export or remove banks")
    bank_cmds = bank.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = bank_cmds.add_parser("validate", help="check bank files; exit 1 if any is invalid")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--json", action="store_true", help="print a JSON report")
    validate.add_argument("--format", choices=_IMPORT_FORMATS, help="override detection")
    validate.add_argument("--strict", action="store_true",
                          help="missing rationale/source/review date are errors")
    imp = bank_cmds.add_parser("import", help="import bank files (all or nothing per file)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--format", choices=_IMPORT_FORMATS, help="override detection")
    imp.add_argument("--with-history", action="store_true",
                     help="Anki packages: keep the review history and schedules (needs "
                          "--profile)")
    imp.add_argument("--profile", metavar="NAME", help="the learner who gets the history")
    bank_cmds.add_parser("list", help="one line per bank, beginning with its id")
    remove = bank_cmds.add_parser("remove", help="remove a bank and the history on its items")
    remove.add_argument("bank_id", metavar="BANK_ID")
    export = bank_cmds.add_parser("export", help="write a bank in another format")
    export.add_argument("bank_id", metavar="BANK_ID")
    export.add_argument("--format", choices=_EXPORT_FORMATS, default="native",
                        help="anki-tsv: flashcards as Anki's 'Notes in Plain Text'")
    export.add_argument("--out", required=True, metavar="FILE")
    audit.add_parser(bank_cmds)
    reports.add_parsers(commands)
    server.add_parsers(commands)
    study.add_parsers(commands)
    practice.add_parsers(commands)
    backup.add_parsers(commands)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed command and return the exit code."""
    if args.command == "server":
        return server.run(args)
    if args.command == "profile" and args.action in profile_server.ACTIONS:
        return profile_server.run(args)
    handler = _HANDLERS.get((args.command, getattr(args, "action", None)))
    if handler is None:  # pragma: no cover - argparse enforces the choices
        print(f"mht-desktop: unknown command {args.command}", file=sys.stderr)
        return 2
    try:
        if args.command == "bank" and args.action == "validate":
            return _bank_validate(args)
        if args.command == "practice" and args.action == "validate":
            return practice.practice_validate(args)
        if args.command == "note":
            return practice.note_check(args)
        if args.command == "bank" and args.action == "audit":
            return audit.run_audit(args)
        if args.command == "report":
            problem = reports.usage_problem(args)
            if problem is not None:
                return reports.usage_error("report", problem)
            if args.what:  # a class summary reads files, never the database
                return reports.report_class(args)
        if args.command == "progress" and (problem := reports.dates_problem(args)):
            return reports.usage_error("progress export", problem)
        if args.command == "backup":
            return backup.run(args)
        ctx = open_context(args)
    except MhtError as exc:
        print(f"mht-desktop: {exc}{backup.damaged_hint(args, exc)}", file=sys.stderr)
        return 1
    for notice in ctx.db.notices:  # e.g. permissions tightened: said once, on stderr
        print(f"mht-desktop: {notice}", file=sys.stderr)
    try:
        return handler(args, ctx)
    except MhtError as exc:
        print(f"mht-desktop: {exc}{backup.damaged_hint(args, exc)}", file=sys.stderr)
        return 1
    finally:
        ctx.close()


def database_url(args: argparse.Namespace) -> str | None:
    """The server URL from ``--database-url`` or the environment, or None for local data."""
    return getattr(args, "database_url", None) or os.environ.get(ENV_DATABASE_URL) or None


def open_context(args: argparse.Namespace) -> AppContext:
    """The app's data for a command: the program's server if a URL is given, else local."""
    from mht_desktop.services.context import AppContext

    url = database_url(args)
    if not url:
        return AppContext.open(args.data_dir)
    from mht_desktop.services.credentials import complete_url, remember_password

    def ask(login: str) -> str | None:
        import getpass

        return getpass.getpass(f"Password for {login}: ") if sys.stdin.isatty() else None

    full_url, asked = complete_url(url, ask)
    ctx = AppContext.open_url(full_url)
    if asked:  # it worked: keep it in the OS keychain, if there is one, for next time
        from mht_desktop.storage.server import server_url

        remember_password(url, server_url(full_url).password or "")
    return ctx


def _profile_list(args: argparse.Namespace, ctx: AppContext) -> int:
    profiles = ctx.profiles.list()
    if not profiles:
        print("No profiles yet. Create one with: mht-desktop profile create NAME")
    for p in profiles:
        print(p.name)
    return 0


def _profile_create(args: argparse.Namespace, ctx: AppContext) -> int:
    profile, _ = ctx.profiles.create(args.name)
    print(f"Created profile {profile.name!r}.")
    return 0


def _profile_rename(args: argparse.Namespace, ctx: AppContext) -> int:
    profile = ctx.profiles.by_name(args.name)
    renamed, _ = ctx.profiles.rename(profile.id, args.new_name)
    print(f"Renamed {profile.name!r} to {renamed.name!r}.")
    return 0


def _profile_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    profile = ctx.profiles.by_name(args.name)
    if not args.yes:
        if not sys.stdin.isatty():
            print("mht-desktop: deleting a profile erases its progress; add --yes to confirm",
                  file=sys.stderr)
            return 1
        answer = input(f"Delete {profile.name!r} and all of its progress? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    ctx.profiles.delete(profile.id)
    print(f"Deleted profile {profile.name!r}.")
    return 0


def _bank_validate(args: argparse.Namespace) -> int:
    from mht_desktop.services.context import AppContext

    # Validation never needs the user's database: check against a throwaway one.
    service = AppContext.in_memory().banks
    fmt = BankFormat(args.format) if args.format else None
    reports = [service.validate_file(Path(f), fmt, strict=args.strict) for f in args.files]
    if args.json:
        print(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False))
    else:
        for r in reports:
            # ``valid`` scans every problem: asked once per file, not once per problem.
            stream = sys.stdout if r.valid else sys.stderr
            stream.write("".join(f"{problem}\n" for problem in r.problems))
            if r.valid and r.bank is not None:
                print(f"{r.file}: OK — {len(r.bank.questions)} questions, "
                      f"{len(r.bank.flashcards)} flashcards "
                      f"({r.format.value if r.format else '?'})")
            else:
                print(f"{r.file}: INVALID — {len(r.errors)} error(s)", file=sys.stderr)
    return 0 if all(r.valid for r in reports) else 1


def _bank_import(args: argparse.Namespace, ctx: AppContext) -> int:
    fmt = BankFormat(args.format) if args.format else None
    if args.with_history and not args.profile:
        print("mht-desktop: --with-history needs --profile NAME (whose schedule to keep)",
              file=sys.stderr)
        return 2
    learner = ctx.profiles.by_name(args.profile).id if args.with_history else None
    status = 0
    for name in args.files:
        report, _ = ctx.banks.import_file_now(Path(name), fmt, history_profile=learner)
        for problem in report.problems:
            print(problem, file=sys.stderr)
        if report.imported and report.bank is not None:
            verb = "Updated" if report.replaces_version is not None else "Imported"
            print(f"{verb} {report.bank.info.id}: {len(report.bank.questions)} questions, "
                  f"{len(report.bank.flashcards)} flashcards ({report.added} added, "
                  f"{report.updated} updated, {report.retired} retired)")
            if report.history is not None:
                h = report.history
                print(f"  review history for {args.profile}: {h.reviews} reviews on "
                      f"{h.cards} cards" + (f"; {h.kept} card(s) already studied here kept "
                                            "their own history" if h.kept else ""))
        else:
            print(f"{name}: not imported ({len(report.errors)} error(s)); nothing was changed",
                  file=sys.stderr)
            status = 1
    return status


def _bank_list(args: argparse.Namespace, ctx: AppContext) -> int:
    banks = ctx.banks.list()
    if not banks:
        print("No banks yet. Import one with: mht-desktop bank import FILE")
    for b in banks:
        state = "" if b.enabled else "  [disabled]"
        print(f"{b.id}\t{b.title}\tv{b.version}\t{b.questions} questions\t"
              f"{b.flashcards} flashcards{state}")
    return 0


def _bank_remove(args: argparse.Namespace, ctx: AppContext) -> int:
    ctx.banks.remove(args.bank_id)
    print(f"Removed bank {args.bank_id}.")
    return 0


def _bank_export(args: argparse.Namespace, ctx: AppContext) -> int:
    result = ctx.banks.export(args.bank_id, BankFormat(args.format), Path(args.out))
    for note in result.left_out:
        print(f"mht-desktop: warning: {note}", file=sys.stderr)
    print(f"Wrote {result.path}")
    return 0


_HANDLERS: dict[tuple[str | None, str | None], Handler] = {
    ("profile", "list"): _profile_list,
    ("profile", "create"): _profile_create,
    ("profile", "rename"): _profile_rename,
    ("profile", "delete"): _profile_delete,
    ("bank", "validate"): lambda a, c: _bank_validate(a),
    ("bank", "import"): _bank_import,
    ("bank", "list"): _bank_list,
    ("bank", "remove"): _bank_remove,
    ("bank", "export"): _bank_export,
    ("bank", "audit"): lambda a, c: audit.run_audit(a),
    ("report", None): reports.report_learner,
    ("progress", "export"): reports.progress_export,
    ("study", "optimize"): study.study_optimize,
    ("practice", "validate"): lambda a, c: practice.practice_validate(a),
    ("practice", "import"): practice.practice_import,
    ("practice", "list"): practice.practice_list,
    ("note", "check"): lambda a, c: practice.note_check(a),
    **{("backup", action): (lambda a, c: backup.run(a)) for action in backup.ACTIONS},
}


def main(argv: Sequence[str] | None = None) -> int:
    """CLI-only entry (the launcher also opens the window)."""
    return run(build_parser().parse_args(argv))

"""``mht-desktop server …``: a coordinator sets up a training program's PostgreSQL server.

``server init URL`` builds (or upgrades) the schema and the roles; the other commands take the
same coordinator URL from ``--database-url`` or ``$MHT_DESKTOP_DATABASE_URL``. A new person's
password is printed once and never stored anywhere by us (the server keeps only a SCRAM
verifier), so the coordinator hands it over and it cannot leak from a file later.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext
    from mht_desktop.storage.program import Credentials

ENV_DATABASE_URL = "MHT_DESKTOP_DATABASE_URL"


def add_parsers(commands: Any) -> None:
    """Register ``server`` and its actions on the top-level subparsers."""
    server = commands.add_parser(
        "server", help="set up a training program's shared PostgreSQL server (coordinators)",
        description="Set up a training program's PostgreSQL server and the people on it. "
                    "Run 'server init URL' once with the coordinator's URL; the other actions "
                    "use --database-url (or $MHT_DESKTOP_DATABASE_URL). See "
                    "docs/program-server.md.")
    actions = server.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="create or upgrade the schema, roles and policies")
    init.add_argument("url", metavar="URL", help="postgresql+psycopg://COORDINATOR@HOST/DB")
    for kind in ("trainee", "instructor"):
        add = actions.add_parser(f"add-{kind}", help=f"give a {kind} a login (printed once)")
        add.add_argument("name", metavar="NAME")
        add.add_argument("--cohort", default="default",
                         help="the group an instructor follows (default: 'default')")
        remove = actions.add_parser(f"remove-{kind}", help=f"take away a {kind}'s login")
        remove.add_argument("name", metavar="NAME")
        history = remove.add_mutually_exclusive_group(required=True)
        history.add_argument("--keep-history", action="store_true",
                             help="keep their answers for the class figures")
        history.add_argument("--delete-history", action="store_true",
                             help="delete their profile and every answer")
        remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    actions.add_parser("list", help="everyone on the server, with their last activity")


def _coordinator_url(args: argparse.Namespace) -> str | None:
    if args.action == "init":
        return str(args.url)
    return getattr(args, "database_url", None) or os.environ.get(ENV_DATABASE_URL)


def run(args: argparse.Namespace) -> int:
    """Run a ``server`` action; errors become one line on stderr and exit code 1."""
    from mht_desktop.core.errors import MhtError
    from mht_desktop.services.context import AppContext

    url = _coordinator_url(args)
    if not url:
        print("mht-desktop: server commands need the coordinator's server: --database-url "
              "postgresql+psycopg://COORDINATOR@HOST/DATABASE", file=sys.stderr)
        return 2
    try:
        ctx = AppContext.open_url(url, upgrade=args.action == "init")
    except MhtError as exc:
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1
    try:
        return _ACTIONS[args.action](args, ctx)
    except MhtError as exc:
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.close()


def _init(args: argparse.Namespace, ctx: AppContext) -> int:
    from mht_desktop.storage.server import safe_url

    ctx.program.init()
    print(f"The program's server at {safe_url(ctx.db.engine.url)} is ready: schema "
          f"{ctx.db.current_revision()}, roles and row-level security in place, shipped "
          "banks loaded.")
    print("Next: mht-desktop --database-url URL server add-trainee NAME")
    return 0


def _print_credentials(ctx: AppContext, kind: str, cohort: str, creds: Credentials) -> None:
    from mht_desktop.storage.server import hand_out_url

    url = hand_out_url(ctx.db.engine.url, creds.role)
    print(f"Added {kind} {creds.name} (cohort {cohort}).")
    print("Hand these over in person; they are shown only this once:")
    print(f"  login:     {creds.role}")
    print(f"  password:  {creds.password}")
    print(f"  server:    {url}")
    print(f"They start the app with: mht-desktop --database-url '{url}'")


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    kind = args.action.removeprefix("add-")
    creds, _changes = ctx.program.add(args.name, instructor=kind == "instructor",
                                      cohort=args.cohort)
    _print_credentials(ctx, kind, args.cohort, creds)
    return 0


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    members = ctx.program.members()
    if not members:
        print("Nobody yet. Add someone with: server add-trainee NAME")
    for m in members:
        kind = "instructor" if m.is_instructor else "trainee"
        login = m.role if m.role else "(removed; history kept)"
        active = m.last_active.strftime("%Y-%m-%d %H:%M UTC") if m.last_active else "never"
        print(f"{m.name}\t{kind}\t{m.cohort}\t{login}\tlast active {active}")
    return 0


def _remove(args: argparse.Namespace, ctx: AppContext) -> int:
    keep = bool(args.keep_history)
    what = "their login (their history stays)" if keep else "their login and all their history"
    if not args.yes:
        if not sys.stdin.isatty():
            print(f"mht-desktop: this removes {what}; add --yes to confirm", file=sys.stderr)
            return 1
        if input(f"Remove {what} for {args.name!r}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Nothing removed.")
            return 0
    role, _changes = ctx.program.remove(args.name, keep_history=keep)
    print(f"Removed the login {role} of {args.name}; "
          + ("their history is kept." if keep else "their history was deleted."))
    return 0


_ACTIONS = {
    "init": _init,
    "add-trainee": _add,
    "add-instructor": _add,
    "list": _list,
    "remove-trainee": _remove,
    "remove-instructor": _remove,
}

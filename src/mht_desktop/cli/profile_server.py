"""``mht-desktop profile connect|disconnect``: a profile on this computer and a program's server.

The same use case as File › "Connect to a program server…" (services/server_connection.py):
the login is tried before anything is saved, the URL is saved with the profile without the
password, and the profile's history on this computer stays where it is.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

ACTIONS = ("connect", "disconnect")


def add_parsers(profile_cmds: Any) -> None:
    """Register ``profile connect`` and ``profile disconnect``."""
    connect = profile_cmds.add_parser(
        "connect", help="make a profile study on a training program's server",
        description="Make the profile NAME on this computer study on a training program's "
                    "PostgreSQL server. The login is tried first; only one that works is "
                    "saved, without its password (the password goes to the system keychain "
                    "if there is one; otherwise the app asks for it at each start). Any host "
                    "other than this computer is reached over TLS (sslmode=require) unless "
                    "the URL sets sslmode. The profile's progress on this computer is not "
                    "uploaded and nothing of it is deleted: it stays here, and the profile "
                    "studies from it again after 'profile disconnect'.",
        epilog="The password is read from $PGPASSWORD or asked for; it never goes on the "
               "command line. Example: mht-desktop profile connect Ana "
               "'postgresql+psycopg://program_ana_diaz@db.example.org/program'")
    connect.add_argument("name", metavar="NAME", help="the profile on this computer")
    connect.add_argument("url", metavar="URL",
                         help="the server URL the coordinator gave you "
                              "(postgresql+psycopg://LOGIN@HOST/DATABASE)")
    connect.add_argument("--user", metavar="LOGIN", default="",
                         help="the login, when the URL does not name it")
    disconnect = profile_cmds.add_parser(
        "disconnect", help="make a profile study on this computer again",
        description="Make the profile NAME study on this computer again, from the progress "
                    "kept here. What it did on the server stays on the server; answers "
                    "still waiting to be sent stay on this computer until it connects again.")
    disconnect.add_argument("name", metavar="NAME", help="the profile on this computer")


def run(args: argparse.Namespace) -> int:
    """Run ``profile connect`` or ``profile disconnect`` on this computer's profiles."""
    from mht_desktop.core.errors import MhtError
    from mht_desktop.services.context import AppContext

    if getattr(args, "database_url", None):
        print("mht-desktop: profile connect/disconnect change a profile on this computer; "
              "leave out --database-url", file=sys.stderr)
        return 2
    try:
        local = AppContext.open(args.data_dir)
    except MhtError as exc:
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1
    try:
        profile = local.profiles.by_name(args.name)
        if args.action == "connect":
            return _connect(local, profile.id, args)
        from mht_desktop.services.server_connection import disconnect_profile

        assert local.data_dir is not None
        print(disconnect_profile(local, profile.id, local.data_dir).message())
        return 0
    except MhtError as exc:
        print(f"mht-desktop: {exc}", file=sys.stderr)
        return 1
    finally:
        local.close()


def _connect(local: Any, profile_id: int, args: argparse.Namespace) -> int:
    from mht_desktop.core.server_login import ServerLogin
    from mht_desktop.services.credentials import PasswordNeeded
    from mht_desktop.services.server_connection import connect_profile

    login = ServerLogin(args.url, args.user)
    try:
        connected = connect_profile(local, profile_id, login)
    except PasswordNeeded as exc:
        if not sys.stdin.isatty() or os.environ.get("PGPASSWORD"):
            print(f"mht-desktop: {exc} Set PGPASSWORD, or run this in a terminal to type it.",
                  file=sys.stderr)
            return 1
        password = getpass.getpass(f"Password for {exc.login}: ")
        connected = connect_profile(local, profile_id,
                                    ServerLogin(args.url, args.user, password))
    print(connected.message())
    return 0

"""What a person types to reach a program's server: the URL, and the login if not in it.

A plain value, so the window's connection dialog can hand it over without importing the data
layer; services/server_connection.py reads and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerLogin:
    """A server URL, the login name when the URL does not carry it, and the password.

    The password lives in memory only: it goes to the server, and to the OS keychain if
    there is one, never to our files.
    """

    url: str
    user: str = ""
    password: str = ""

    def __repr__(self) -> str:  # never show the password in a log or a traceback
        return f"ServerLogin(url={self.url!r}, user={self.user!r}, password=...)"

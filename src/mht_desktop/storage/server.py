"""Server mode: a training program's shared PostgreSQL database, reached by URL.

The models and migrations are the same as on a learner's own SQLite file; what differs is how
the connection is made and what can go wrong on the way (a wrong host, a refused password, a
server that went away), so those live here. The rules:

- Only ``postgresql+psycopg`` (psycopg 3) URLs; a bare ``postgresql://`` is taken to mean it.
- A host that is not this machine gets TLS: ``sslmode=require`` unless the URL chooses its
  own ``sslmode``. Answers are health-training records; they do not cross a network in clear.
- Connections are checked before use (a laptop that slept has dead ones in its pool) and give
  up after a few seconds, so the app can fall back on its outbox instead of hanging.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError

from mht_desktop.core.errors import DatabaseError, ServerUnreachableError

DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_S = 5
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", ""})


def is_server_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server (rather than a local SQLite file)."""
    return url.strip().lower().startswith(("postgresql:", "postgresql+", "postgres:"))


def _hosts(url: URL) -> list[str]:
    hosts: list[str] = []
    if url.host:
        hosts.append(url.host)
    query_host = url.query.get("host")
    if isinstance(query_host, tuple):
        hosts.extend(query_host)
    elif query_host:
        hosts.extend(query_host.split(","))
    return hosts


def is_local_host(host: str) -> bool:
    """A Unix socket folder or a loopback name: traffic never leaves this machine."""
    return host.startswith("/") or host.lower() in _LOCAL_HOSTS


def server_url(url: str) -> URL:
    """Check and complete a server URL: the psycopg driver, TLS for any remote host.

    Raises:
        DatabaseError: the URL cannot be read or is not for PostgreSQL.
    """
    text = url.strip()
    if text.lower().startswith("postgres:"):
        text = "postgresql:" + text[len("postgres:"):]
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise DatabaseError(f"Cannot read the database URL {text!r}: expected something like "
                            "postgresql+psycopg://NAME@HOST/DATABASE.") from exc
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseError(f"The database URL must be for PostgreSQL (postgresql+psycopg://…), "
                            f"not {parsed.drivername}.")
    if parsed.drivername not in ("postgresql", DRIVER):
        raise DatabaseError(f"The database URL asks for the {parsed.drivername} driver; MHT "
                            f"Desktop talks to PostgreSQL through psycopg 3 ({DRIVER}://…).")
    parsed = parsed.set(drivername=DRIVER)
    if not parsed.database:
        raise DatabaseError("The database URL names no database (…/DATABASE at the end).")
    remote = any(not is_local_host(h) for h in _hosts(parsed)) or not _hosts(parsed)
    if remote and "sslmode" not in parsed.query:
        parsed = parsed.update_query_dict({"sslmode": "require"})
    return parsed


def safe_url(url: URL | str) -> str:
    """The URL as text with any password hidden, fit for a message or a log."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def hand_out_url(url: URL, role: str) -> str:
    """The server URL a new member starts the app with: their login, no password."""
    # Built afresh: URL.set() reads None as "keep", which would hand on the coordinator's
    # own password.
    fresh = URL.create(url.drivername, username=role, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    return fresh.render_as_string(hide_password=False)


def make_server_engine(url: URL) -> Engine:
    """An engine for the server: checked connections, a short connect timeout, UTC sessions."""
    connect_args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S,
                                    "options": "-c timezone=UTC",
                                    "application_name": "mht-desktop"}
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2,
                         connect_args=connect_args)


def is_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the server could not be reached (rather than refused or failed)."""
    text = str(exc).lower()
    return any(s in text for s in ("could not connect", "connection refused",
                                   "could not translate", "timeout", "timed out",
                                   "no such file", "server closed", "terminating connection",
                                   "connection is closed", "name or service not known",
                                   "connection is bad", "consuming input failed"))


def explain_server_error(url: URL, exc: BaseException) -> DatabaseError:
    """A message a person can act on for a failure to reach or use the server."""
    where = safe_url(url)
    text = str(exc).lower()
    user = url.username or "(no name)"
    if "password authentication failed" in text or "no password supplied" in text \
            or ("role" in text and "does not exist" in text):
        return DatabaseError(f"The server at {where} refused the login for {user}. Check the "
                             "name and password your coordinator gave you.")
    if "database" in text and "does not exist" in text:
        return DatabaseError(f"The server at {where} has no database {url.database!r}. Check "
                             "the URL, or ask your coordinator to run 'mht-desktop server "
                             "init'.")
    if "permission denied" in text:
        return DatabaseError(f"The server at {where} does not let {user} do that (permission "
                             "denied). Ask your coordinator.")
    if "ssl" in text or "tls" in text:
        return DatabaseError(f"Cannot make a secure (TLS) connection to {where}: {exc}. The "
                             "server must offer TLS, or the URL must say sslmode=disable for a "
                             "trusted private network.")
    if is_unreachable(exc):
        return ServerUnreachableError(f"Cannot reach the server at {where}. Check the address, "
                                      "the port and your network.")
    return DatabaseError(f"The server at {where} failed: {exc}")

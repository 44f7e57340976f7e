"""A throwaway PostgreSQL server in a temporary folder, for the tests and the benchmarks.

Uses the server binaries of the machine (Debian's ``postgresql`` package puts them in
``/usr/lib/postgresql/<version>/bin``; elsewhere ``pg_ctl`` on the PATH). The server listens
only on a Unix socket inside its own folder, so two runs never fight over a port, and it asks
every role for a password (scram-sha-256), like a real program server, so a refused login can
be tested.

PostgreSQL refuses to run as root. CI runs as root, so there the server runs as the
unprivileged ``postgres`` account (created by the Debian package) and its folder is handed to
that account; as a normal user it simply runs as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "mht_super"


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                        else 0, reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    return None


def _server_account() -> str | None:
    """The account to run the server as: None for ourselves, ``postgres`` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise RuntimeError("running as root, and there is no 'postgres' account to run the "
                           "test server as (install Debian's postgresql package)") from exc
    return "postgres"


@dataclass
class LocalServer:
    """One PostgreSQL cluster in ``root``; ``start()``/``stop()`` may be called repeatedly."""

    bin_dir: Path
    root: Path
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    account: str | None = field(default_factory=_server_account)

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        """Where the server's Unix socket lives (also the ``host`` of every URL)."""
        return self.root / "sock"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.bin_dir / args[0]), *args[1:]], user=self.account,
                              capture_output=True, text=True, check=check, cwd=self.root,
                              env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"})

    def init(self) -> None:
        """Create the cluster (superuser ``mht_super`` with a random password)."""
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if self.account is not None:
            info = pwd.getpwnam(self.account)
            for path in (self.root, self.socket_dir, pwfile):
                os.chown(path, info.pw_uid, info.pw_gid)
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--pwfile", str(pwfile),
                  "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions", "--no-sync")
        pwfile.unlink()
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{self.socket_dir}'\n"
                       "max_connections = 200\nfsync = off\nfull_page_writes = off\n"
                       "synchronous_commit = on\ntimezone = 'UTC'\n")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``immediate`` is the closest to pulling the plug)."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop", check=False)

    def is_running(self) -> bool:
        """Whether the server process is up."""
        return self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False).returncode == 0

    def url(self, database: str = "postgres", user: str = SUPERUSER,
            password: str | None = None) -> str:
        """A SQLAlchemy URL for ``user`` on ``database`` through the Unix socket."""
        secret = self.password if password is None and user == SUPERUSER else password or ""
        auth = quote(user, safe="") + (":" + quote(secret, safe="") if secret else "")
        return f"postgresql+psycopg://{auth}@/{database}?host={quote(str(self.socket_dir))}"

    def create_database(self, name: str) -> str:
        """A new empty database owned by the superuser; returns its URL."""
        self.admin_sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name`` (closing anyone still connected to it)."""
        self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def admin_sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement as the superuser, outside a transaction."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), dbname=database, user=SUPERUSER,
                             password=self.password, autocommit=True) as conn:
            conn.execute(statement.encode())

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def local_server() -> Iterator[LocalServer]:
    """A started throwaway server, stopped and deleted when the block ends.

    Raises:
        FileNotFoundError: no PostgreSQL server binaries on this machine.
    """
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binaries (initdb, pg_ctl) found")
    # A short folder in /tmp: a Unix socket path must stay under about 100 bytes, and the
    # server account must be able to reach it (pytest's own temp folders are root-only).
    root = Path(tempfile.mkdtemp(prefix="mht-pg-", dir="/tmp"))
    server = LocalServer(bin_dir, root)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()

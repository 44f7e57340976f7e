"""Opening the database: checks, engine settings and automatic migration.

One SQLite file per data folder holds every profile. SQLite runs in WAL mode with
``synchronous=FULL`` so that each committed answer survives a crash or a power cut, and with
foreign keys switched on by a ``connect`` listener (SQLite leaves them off by default).

Transactions are ours, not the driver's: Python's sqlite3 module only opens a transaction
before INSERT/UPDATE/DELETE and runs DDL in autocommit mode, so a schema migration killed half
way left an index dropped and the revision unchanged (a database that never opened again).
Following SQLAlchemy's "pysqlite transactional DDL" recipe, the ``connect`` listener switches
the driver's own BEGIN handling off and a ``begin`` listener emits BEGIN, so every unit of work
(a migration included) commits whole or not at all. PostgreSQL is transactional by nature.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mht_desktop.core.errors import (
    ConflictError,
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseError,
    DatabaseReadOnlyError,
    DiskFullError,
)
from mht_desktop.storage import thread_guard
from mht_desktop.storage.identity import APPLICATION_ID, check_is_ours
from mht_desktop.storage.paths import (
    DATABASE_NAME,
    prepare_data_dir,
    restrict_to_owner,
    tighten_permissions,
)
from mht_desktop.storage.statements import DriverWork, Work, uses_driver, work_in

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration. Opening an up-to-date database compares against this constant instead
# of importing Alembic and reading every migration script (about a tenth of a second at every
# start); tests/storage/test_database.py checks it matches the scripts.
SCHEMA_HEAD = "0008"
SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite deletes the WAL file when the database closes, so every session starts with none,
# and each commit that makes the file longer has the file system allocate and journal new
# blocks inside its fsync: an answer cost about 0.17 ms more until the first checkpoint.
# At SQLite's default of 1,000 pages that was the first ~150 answers of every session; at
# 200 the WAL stops growing after ~30 and is written over from its start after each
# checkpoint. Checkpoints come five times as often (each writes the pages into the
# database file and fsyncs it, ~1-2 ms), which costs less than the growth saved: the mean
# per answer over a 200-answer session fell too, not only the median (bench/README.md).
WAL_CHECKPOINT_PAGES = 200


def alembic_config(url: str) -> Config:
    """An Alembic configuration for our packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    # Pass stdout now: Alembic's default is whatever sys.stdout was when it was first imported.
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser escaping
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of the app (read from the scripts)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"Cannot read the database {path}: {exc.strerror}.") from exc
    if header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not an MHT Desktop database (it is not an SQLite file). It was left "
            "untouched. Move it away or choose another data folder with --data-dir."
        )


def _verify_thread(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    thread_guard.verify()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The recipe, part 1: the driver must not open (or commit) transactions by itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # The recipe, part 2: SQLAlchemy's begin() becomes a real BEGIN, DDL included.
    connection.exec_driver_sql("BEGIN")


def _use_sqlite_settings(engine: Engine) -> Engine:
    # Looked up at call time so that a test may wrap _on_connect (shorter busy timeout).
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with our SQLite settings applied to every connection."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _use_sqlite_settings(engine)
    return engine


class Database:
    """The open database of one data folder: engine, sessions and schema version."""

    def __init__(self, engine: Engine, path: Path | None) -> None:
        self.engine = engine
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # The GUI-thread guard (off unless installed): judged on every connection checkout.
        event.listen(engine, "checkout", _verify_thread)
        # What opening changed that the user should hear about once (permissions tightened).
        self.notices: list[str] = []
        # work()'s connection on each thread that runs it (the database lane, in the app),
        # kept checked out between units; released on close() and on any engine.dispose().
        self._held = threading.local()
        self._held_all: list[Any] = []
        self._held_lock = threading.Lock()
        self._held_generation = 0
        event.listen(engine, "engine_disposed", self._release_held)

    @classmethod
    def open(cls, data_dir: Path) -> Database:
        """Open (creating or upgrading as needed) the database in ``data_dir``.

        Raises:
            DataDirError: the folder cannot be created or written.
            DatabaseError: the file is not a database, is corrupt, is locked, or was written
                by a newer version of MHT Desktop. The file is never overwritten.
        """
        prepare_data_dir(data_dir)
        path = data_dir / DATABASE_NAME
        _check_is_sqlite(path)
        is_new = not path.exists() or path.stat().st_size == 0
        # Before any connection that could write: another program's file stays byte-identical.
        needs_id = True if is_new else check_is_ours(path)
        notices = tighten_permissions(data_dir, None if is_new else path)
        engine = make_engine(f"sqlite:///{path}")
        db = cls(engine, path)
        db.notices = notices
        try:
            db.migrate(backup_first=not is_new)
            if needs_id:
                db._stamp_application_id()
        except (OperationalError, SQLDatabaseError, sqlite3.DatabaseError) as exc:
            engine.dispose()
            raise _explain(path, exc) from exc
        except DatabaseError:
            engine.dispose()
            raise
        if is_new:
            restrict_to_owner(path)
        return db

    def _stamp_application_id(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    @classmethod
    def open_url(cls, url: str, *, upgrade: bool = False) -> Database:
        """Open a program's PostgreSQL server (see storage/server.py for the URL rules).

        Args:
            url: ``postgresql+psycopg://NAME:PASSWORD@HOST/DATABASE``.
            upgrade: migrate an older schema (the coordinator's ``server init``); a trainee or
                an instructor cannot change the schema, so for them an older one is an error.

        Raises:
            DatabaseError: the server cannot be reached, refuses the login, has no schema yet,
                an older one (without ``upgrade``) or a newer one than this app knows.
        """
        from mht_desktop.storage.server import (
            explain_server_error,
            make_server_engine,
            safe_url,
            server_url,
        )

        parsed = server_url(url)
        engine = make_server_engine(parsed)
        db = cls(engine, None)
        try:
            current = db.current_revision()
            if upgrade:
                db.migrate()
            elif current is None:
                raise DatabaseError(f"The server at {safe_url(parsed)} has no MHT Desktop data "
                                    "yet. Ask your coordinator to run 'mht-desktop server init'.")
            elif current != SCHEMA_HEAD:
                db.migrate(check_only=True)
                raise DatabaseError(f"The server at {safe_url(parsed)} has an older schema "
                                    f"({current}). Ask your coordinator to run 'mht-desktop "
                                    "server init' with this version of the app to upgrade it.")
        except (OperationalError, SQLDatabaseError) as exc:
            engine.dispose()
            raise explain_server_error(parsed, exc) from exc
        except DatabaseError:
            engine.dispose()
            raise
        return db

    @classmethod
    def open_url_later(cls, url: str) -> Database:
        """A program's server that is not reachable now: connect (and check) on first use.

        For a trainee who starts offline: the outbox sends to it once it is back.
        """
        from mht_desktop.storage.server import make_server_engine, server_url

        return cls(make_server_engine(server_url(url)), None)

    @classmethod
    def in_memory(cls) -> Database:
        """A throwaway database (tests, benchmarks), built by the real migrations."""
        from sqlalchemy.pool import StaticPool

        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
        _use_sqlite_settings(engine)
        db = cls(engine, None)
        db.migrate()
        return db

    def current_revision(self) -> str | None:
        """The migration the database is at (None for an empty file)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def migrate(self, *, check_only: bool = False, backup_first: bool = False) -> None:
        """Bring the schema to the newest revision in one transaction; refuse a newer one.

        Args:
            check_only: only refuse a newer schema, change nothing.
            backup_first: copy an existing file into ``backups/`` before changing its schema.
        """
        current = self.current_revision()
        if current == SCHEMA_HEAD:
            return  # The usual case: nothing to do, and start-up stays fast.
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(alembic_config(str(self.engine.url)))
        if current is not None and current not in {r.revision for r in script.walk_revisions()}:
            where = self.path if self.path is not None else self._where()
            raise DatabaseError(
                f"The database {where} was written by a newer version of MHT Desktop "
                f"(schema {current}). Update the app; the data was left untouched."
            )
        if check_only:
            return
        if backup_first and current is not None and self.path is not None:
            from mht_desktop.storage.backup_files import backup_before_migration

            backup_before_migration(self.path, current)
        with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            raw = connection.connection.driver_connection if sqlite else None
            if raw is not None:
                # Batch mode rebuilds tables by copy, drop and rename; with foreign keys on,
                # the drop would cascade. The pragma only works outside a transaction.
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    config = alembic_config(str(self.engine.url))
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if sqlite:
                        if connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                            raise DatabaseError(f"Upgrading the database {self.path} would "
                                                "break links between its tables; it was left "
                                                "as it was.")
                        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")

    def _where(self) -> str:
        return f"on {self.engine.url.render_as_string(hide_password=True)}"

    @property
    def is_server(self) -> bool:
        """Whether this is a program's shared PostgreSQL server (not a local file)."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error.

        Raises:
            DatabaseError: one of its typed kinds (damaged, busy, read-only, disk full,
                conflict) with a message fit to show; the unit of work was not saved.
        """
        try:
            with self._sessions() as session, session.begin():
                yield session
        except (IntegrityError, OperationalError, SQLDatabaseError, sqlite3.DatabaseError) as exc:
            if self.is_server:
                from mht_desktop.storage.server import explain_server_error, is_unreachable

                if isinstance(exc, OperationalError) and is_unreachable(exc):
                    # Said in words, and typed, so callers can fall back on the outbox.
                    raise explain_server_error(self.engine.url, exc) from exc
                raise
            raise _explain(self.path, exc, saving=True) from exc

    @contextmanager
    def work(self) -> Iterator[Work]:
        """One unit of work in prepared statements (the study loop): committed when the block
        ends, rolled back on any error, like :meth:`session`.

        On SQLite it runs on a connection this thread keeps between units, with our own
        BEGIN and COMMIT and no ORM session: checking a connection out of the pool and back
        in, and an ORM session, cost more than the statements (see storage/statements.py).
        The GUI-thread guard is asked at every unit, as a pool checkout asks it.

        Raises:
            DatabaseError: as :meth:`session`.
        """
        if not uses_driver(self.engine.dialect):
            with self.session() as session:
                yield work_in(session)
            return
        thread_guard.verify()
        pooled = self._held_connection()
        connection = pooled.driver_connection
        assert connection is not None  # a checked-out connection always has one
        nested = connection.in_transaction
        if nested:  # a unit inside a unit on this thread: its own connection, as a pool gives
            pooled = self.engine.raw_connection()
            connection = pooled.driver_connection
        try:
            connection.execute("BEGIN")
            yield DriverWork(connection, self.engine.dialect)
            connection.commit()
        except BaseException as exc:
            if connection.in_transaction:
                connection.rollback()
            if not nested:
                self._forget_held(pooled)  # after a failure the next unit starts afresh
            if isinstance(exc, sqlite3.DatabaseError):
                raise _explain(self.path, exc, saving=True) from exc
            raise
        finally:
            if nested:
                pooled.close()

    def _held_connection(self) -> Any:
        held = getattr(self._held, "connection", None)
        if held is not None and held[0] == self._held_generation:
            return held[1]
        try:
            pooled = self.engine.raw_connection()
        except (OperationalError, SQLDatabaseError) as exc:
            raise _explain(self.path, exc, saving=True) from exc
        with self._held_lock:
            self._held_all.append(pooled)
            self._held.connection = (self._held_generation, pooled)
        return pooled

    def _forget_held(self, pooled: Any) -> None:
        with self._held_lock:
            if pooled in self._held_all:
                self._held_all.remove(pooled)
        self._held.connection = None
        pooled.close()

    def _release_held(self, *_args: Any) -> None:
        # On close() and engine.dispose(): no unit is running then (both happen on the lane,
        # or in tests between steps), and every connection must go, held ones included.
        with self._held_lock:
            held, self._held_all = self._held_all, []
            self._held_generation += 1
        for pooled in held:
            pooled.invalidate()  # closes the driver's connection now, whichever the pool

    def close(self) -> None:
        """Release every connection."""
        self._release_held()
        self.engine.dispose()


def _explain(path: Path | None, exc: Exception, *, saving: bool = False) -> DatabaseError:
    """The one place where SQLite's errors become messages (opening or any later work)."""
    text = str(exc).lower()
    where = path if path is not None else "in memory"
    lost = (" What you just did was not saved; everything saved before it is safe."
            if saving else "")
    if isinstance(exc, IntegrityError | sqlite3.IntegrityError):
        return ConflictError(f"Another program changed the same data in {where} at the same "
                             f"moment (for example, importing the same bank).{lost} Try again.")
    if "locked" in text or "busy" in text:
        return DatabaseBusyError(f"The database {where} is busy: another program (is MHT "
                                 "Desktop open twice?) has held it for more than 5 seconds."
                                 f"{lost} Close the other program and try again.")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DatabaseDamagedError(
            f"The database {where} is damaged ({_first_line(exc)}).{lost} It was left "
            "untouched: restore a backup (File ▸ Restore from backup, or mht-desktop backup "
            "restore --latest) or move the file away to start fresh.")
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnlyError(f"The database {where} is read-only: check its "
                                     f"permissions and the disk.{lost}")
    if "full" in text:
        return DiskFullError(f"The disk holding the database {where} is full.{lost} Free some "
                             "space and try again.")
    return DatabaseError(f"Cannot use the database {where}: {_first_line(exc)}.{lost}")


def _first_line(exc: Exception) -> str:
    """SQLite's own words, without SQLAlchemy's statement and link."""
    original = getattr(exc, "orig", None) or exc
    return str(original).splitlines()[0]

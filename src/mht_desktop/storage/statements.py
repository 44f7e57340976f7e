"""The study loop's statements: SQLAlchemy Core, compiled once, run with little overhead.

Choosing a card and recording an answer run once per card shown, before and around the
commit's fsync. Through SQLAlchemy's execution machinery each statement costs 50–100 µs of
Python on our 2-core machine while SQLite needs 5–15 µs for it, and an ORM session adds
about 150 µs per transaction; together that was three times the fsync itself (bench/README).

A :class:`Prepared` statement is an ordinary Core statement. On SQLite it is compiled once
by SQLAlchemy's own compiler, and each execution hands the SQL and the parameters, converted
by the same type processors SQLAlchemy would apply (UTC datetimes, JSON, booleans), straight
to the driver; rows come back through the column types' result processors. On any other
engine (a program's PostgreSQL server, where a round trip dwarfs all this) it runs through
``Connection.execute`` as usual, so SQLAlchemy's disconnect handling and error wrapping,
which the offline outbox relies on, stay as they are.

:class:`Work` is one transaction's worth of such statements: :meth:`Database.work` opens
one (a pooled connection, BEGIN, COMMIT) and :func:`work_in` runs them inside a session's
transaction, so the same storage functions serve both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.selectable import CompoundSelect, Select

Processor = Callable[[Any], Any]
Row = tuple[Any, ...]
Statement = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]] | Insert | Update


@dataclass(frozen=True, slots=True)
class _Bind:
    """One ``?`` of the compiled SQL: a caller's parameter, or a constant of the statement."""

    key: str | None  # the caller's parameter; None for a constant (a literal, LIMIT 1)
    constant: Any = None


@dataclass(frozen=True, slots=True)
class _DriverForm:
    """A statement compiled for one positional (``?``) dialect."""

    sql: str
    binds: tuple[_Bind, ...]
    keys: tuple[tuple[str, Processor | None], ...]  # each parameter once, with its converter
    results: tuple[tuple[int, Processor], ...]  # (column, converter) for those that need one

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        # A parameter used in several places (``now``) is converted once.
        converted = {}
        for key, processor in self.keys:
            value = params[key]
            converted[key] = value if processor is None or value is None else processor(value)
        return [bind.constant if bind.key is None else converted[bind.key]
                for bind in self.binds]

    def row(self, raw: Sequence[Any]) -> Row:
        if not self.results:
            return tuple(raw)
        values = list(raw)
        for index, convert in self.results:
            if values[index] is not None:
                values[index] = convert(values[index])
        return tuple(values)


class Prepared:
    """A Core statement compiled once per dialect.

    Args:
        statement: A ``select()`` (or a ``union_all()`` of them), ``insert()`` or
            ``update()`` with named bind parameters.
        keys: The parameters every execution passes, for an INSERT (its columns); for
            other statements they are read from the statement's bind parameters.
    """

    def __init__(self, statement: Statement, *, keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self._keys = tuple(keys) if keys is not None else None
        self._forms: dict[str, _DriverForm] = {}

    def driver_form(self, dialect: Dialect) -> _DriverForm:
        """The SQL and converters for ``dialect`` (compiled on first use)."""
        form = self._forms.get(dialect.name)
        if form is None:
            form = self._forms[dialect.name] = self._compile(dialect)
        return form

    def _compile(self, dialect: Dialect) -> _DriverForm:
        compiled = self.statement.compile(dialect=dialect, column_keys=self._keys)
        if compiled.positiontup is None:
            raise ValueError(f"{dialect.name} does not take positional parameters")
        # Python-side column defaults are computed by SQLAlchemy's execution, which this
        # form skips: the statement must be given those columns instead.
        prefetch = [*compiled.insert_prefetch, *compiled.update_prefetch]
        if prefetch:
            names = ", ".join(column.name for column in prefetch)
            raise ValueError(f"pass {names}: their defaults are computed at execution time")
        binds = []
        keys: dict[str, tuple[type, Processor | None]] = {}
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            wanted = bind.key in self._keys if self._keys is not None else bind.required
            if wanted:
                binds.append(_Bind(bind.key))
                seen = keys.setdefault(bind.key, (type(bind.type), processor))
                if seen[0] is not type(bind.type):
                    raise ValueError(f"{bind.key} is bound with two types")
            elif bind.callable is None and not bind.required and not bind.expanding:
                value = bind.effective_value
                binds.append(_Bind(None, processor(value) if processor else value))
            else:
                raise ValueError(f"{name} needs a value the prepared form cannot supply")
        results: list[tuple[int, Processor]] = []
        if isinstance(self.statement, Select | CompoundSelect):
            for index, column in enumerate(self.statement.selected_columns):
                convert = column.type.dialect_impl(dialect).result_processor(dialect, None)
                if convert is not None:
                    results.append((index, convert))
        return _DriverForm(compiled.string, tuple(binds),
                           tuple((key, processor) for key, (_, processor) in keys.items()),
                           tuple(results))


class Work:
    """Runs prepared statements in one transaction (see :func:`work_in`, ``Database.work``)."""

    def first(self, prepared: Prepared, params: Mapping[str, Any]) -> Row | None:
        """The first row of a SELECT (None when there is none)."""
        raise NotImplementedError

    def rows(self, prepared: Prepared, params: Mapping[str, Any]) -> list[Row]:
        """Every row of a SELECT."""
        raise NotImplementedError

    def run(self, prepared: Prepared, params: Mapping[str, Any]) -> None:
        """Run an UPDATE."""
        raise NotImplementedError

    def insert(self, prepared: Prepared, params: Mapping[str, Any]) -> int:
        """Run a single-row INSERT; returns the new row's integer primary key."""
        raise NotImplementedError


class DriverWork(Work):
    """Statements handed straight to the DBAPI connection (SQLite's ``sqlite3``)."""

    def __init__(self, dbapi_connection: Any, dialect: Dialect) -> None:
        self._connection = dbapi_connection
        self._dialect = dialect

    def first(self, prepared: Prepared, params: Mapping[str, Any]) -> Row | None:
        form = prepared.driver_form(self._dialect)
        raw = self._connection.execute(form.sql, form.arguments(params)).fetchone()
        return None if raw is None else form.row(raw)

    def rows(self, prepared: Prepared, params: Mapping[str, Any]) -> list[Row]:
        form = prepared.driver_form(self._dialect)
        return [form.row(raw) for raw in
                self._connection.execute(form.sql, form.arguments(params)).fetchall()]

    def run(self, prepared: Prepared, params: Mapping[str, Any]) -> None:
        form = prepared.driver_form(self._dialect)
        self._connection.execute(form.sql, form.arguments(params))

    def insert(self, prepared: Prepared, params: Mapping[str, Any]) -> int:
        form = prepared.driver_form(self._dialect)
        return int(self._connection.execute(form.sql, form.arguments(params)).lastrowid)


class CoreWork(Work):
    """Statements run through SQLAlchemy's ``Connection.execute`` (every other engine)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def first(self, prepared: Prepared, params: Mapping[str, Any]) -> Row | None:
        found = self._connection.execute(prepared.statement, dict(params)).first()
        return None if found is None else tuple(found)

    def rows(self, prepared: Prepared, params: Mapping[str, Any]) -> list[Row]:
        return [tuple(row) for row in self._connection.execute(prepared.statement, dict(params))]

    def run(self, prepared: Prepared, params: Mapping[str, Any]) -> None:
        self._connection.execute(prepared.statement, dict(params))

    def insert(self, prepared: Prepared, params: Mapping[str, Any]) -> int:
        key = self._connection.execute(prepared.statement, dict(params)).inserted_primary_key
        assert key is not None  # a single-row INSERT always reports its key
        return int(key[0])


def uses_driver(dialect: Dialect) -> bool:
    """Whether prepared statements go straight to this dialect's driver (SQLite's)."""
    return dialect.name == "sqlite"


def work_in(session: Session | Work) -> Work:
    """Prepared statements inside ``session``'s transaction (a Work is returned as it is)."""
    if isinstance(session, Work):
        return session
    connection = session.connection()
    if uses_driver(connection.dialect):
        return DriverWork(connection.connection.driver_connection, connection.dialect)
    return CoreWork(connection)

"""Errors a person can cause, each with a message fit to show them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast


class MhtError(Exception):
    """Base for every error we expect to show to a user (not a bug)."""


class DataDirError(MhtError):
    """The data directory cannot be created or written."""


class DatabaseError(MhtError):
    """The database file is corrupt, not a database, locked, or from a newer version."""


class DatabaseDamagedError(DatabaseError):
    """The file is damaged (``database disk image is malformed``): a backup can replace it."""


class DatabaseBusyError(DatabaseError):
    """Another program held the database's write lock for longer than we wait."""


class DatabaseReadOnlyError(DatabaseError):
    """The database file (or its folder, or the disk) cannot be written."""


class DiskFullError(DatabaseError):
    """The disk (or the database's size limit) is full: the change was not saved."""


class ConflictError(DatabaseError):
    """Another program made the same change at the same moment (a uniqueness clash)."""


class ServerUnreachableError(DatabaseError):
    """A program's server cannot be reached just now (network, server down): try later."""


class ProfileError(MhtError):
    """A learner-profile operation cannot be done (name taken, not found…)."""


class NotFoundError(MhtError):
    """A bank, card, question or attempt that was asked for does not exist."""


class Severity(Enum):
    """How bad a problem in a bank file is."""

    ERROR = "error"
    WARNING = "warning"


# An instructor's bank may give one warning per question (no source, no rationale) or two:
# 20,000 of these for 10,000 questions. As for Question (core/banks.py), the
# __init__ stores straight into the slots instead of going through object.__setattr__ for
# each field (the frozen dataclass's own __init__): the same objects at ~60 % of the cost.
@dataclass(frozen=True, slots=True, init=False)
class Problem:
    """One finding about a bank file, located as precisely as we can.

    Attributes:
        file: The file name as the user gave it.
        line: 1-based line number, or None where no line can be known.
        message: What is wrong, in words for an instructor.
        severity: Error (blocks import) or warning (import may go on).
        item_id: The item the problem belongs to, when there is one.
    """

    file: str
    line: int | None
    message: str
    severity: Severity = Severity.ERROR
    item_id: str | None = None

    def __init__(self, file: str, line: int | None, message: str,
                 severity: Severity = Severity.ERROR, item_id: str | None = None) -> None:
        _problem_file(self, file)
        _problem_line(self, line)
        _problem_message(self, message)
        _problem_severity(self, severity)
        _problem_item_id(self, item_id)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where = f"{where}:{self.line}"
        elif self.item_id:
            where = f"{where}:{self.item_id}"
        label = "" if self.severity is Severity.ERROR else "warning: "
        return f"{where}: {label}{self.message}"


_SlotSetter = Callable[[Any, Any], None]
(_problem_file, _problem_line, _problem_message, _problem_severity, _problem_item_id) = (
    cast(_SlotSetter, Problem.__dict__[name].__set__)
    for name in ("file", "line", "message", "severity", "item_id"))


class FileFindings:
    """The errors and warnings among a checked file's ``problems`` (a mixin for reports).

    The class using it has a ``problems`` sequence; slots stay empty so that a slotted
    dataclass keeps its slots.
    """

    __slots__ = ()
    problems: Sequence[Problem]

    @property
    def errors(self) -> list[Problem]:
        """Problems that block the import."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems the user may accept."""
        return [p for p in self.problems if p.severity is Severity.WARNING]


class BankFormatError(MhtError):
    """A bank file has errors; nothing from it may be imported."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n… and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(shown + more)

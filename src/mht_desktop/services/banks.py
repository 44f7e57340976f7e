"""Validating, importing, listing, exporting and removing question banks."""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mht_desktop.core.banks import Bank, BankFormat
from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.collector import gc_paused
from mht_desktop.core.errors import FileFindings, MhtError, Problem, Severity
from mht_desktop.core.figures import resolve_figures
from mht_desktop.core.progress import CancelToken, Progress
from mht_desktop.core.validation import validate_bank
from mht_desktop.services.figures import figures_path, shipped_figures
from mht_desktop.services.resources import builtin_banks_dir
from mht_desktop.storage import banks as repo
from mht_desktop.storage.banks import BankSummary
from mht_desktop.storage.database import Database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mht_desktop.formats.apkg_reader import ImportedHistory
    from mht_desktop.storage.imported_history import HistoryCounts

BANK_GLOB = "*.mhtbank.toml"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BankReport(FileFindings):
    """What validation (and, when it ran, the import) found in one file."""

    file: str
    format: BankFormat | None
    bank: Bank | None
    problems: tuple[Problem, ...]
    added: int = 0
    updated: int = 0
    retired: int = 0
    imported: bool = False
    replaces_version: str | None = None
    history: HistoryCounts | None = None  # review history brought in (Anki packages)
    history_reviews: int = 0  # answers in the file's review history (Anki packages)

    @property
    def valid(self) -> bool:
        """True when the file can be imported."""
        return self.bank is not None and not self.errors

    def to_json(self) -> dict[str, object]:
        """The shape ``bank validate --json`` prints."""
        bank = self.bank
        return {
            "file": self.file,
            "format": self.format.value if self.format else None,
            "valid": self.valid,
            "bank_id": bank.info.id if bank else None,
            "errors": [{"line": p.line, "item": p.item_id, "message": p.message}
                       for p in self.errors],
            "warnings": [{"line": p.line, "item": p.item_id, "message": p.message}
                         for p in self.warnings],
            "questions": len(bank.questions) if bank else 0,
            "flashcards": len(bank.flashcards) if bank else 0,
            "by_topic": bank.counts_by_topic() if bank else {},
        }


@dataclass(slots=True)
class _Loaded:
    report: BankReport
    content_hash: str = field(default="")
    history: dict[str, ImportedHistory] = field(default_factory=dict)  # Anki packages only


class BankService:
    """Bank use cases for the window and the CLI."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- reading and checking ------------------------------------------------------------
    def _load(self, path: Path, fmt: BankFormat | None, *, strict: bool) -> _Loaded:
        with gc_paused():
            return self._load_file(path, fmt, strict=strict)

    def _load_file(self, path: Path, fmt: BankFormat | None, *, strict: bool) -> _Loaded:
        # The format readers load on first use: opening the window does not need them.
        from mht_desktop.formats import read_bank
        from mht_desktop.formats.registry import (
            ANKI_FORMATS,
            detect_bank_format,
            format_from_name,
            size_limit,
            too_large,
        )

        label = path.name

        def refused(message: str) -> _Loaded:
            return _Loaded(BankReport(str(path), fmt, None, (Problem(str(path), None, message),)))

        try:
            # Checked before reading: a huge file is refused without filling memory.
            oversized = too_large(path.stat().st_size, fmt or format_from_name(label),
                                  file=str(path))
            if oversized is not None and path.is_file():
                return _Loaded(BankReport(str(path), fmt, None, (oversized,)))
            data = path.read_bytes()
        except FileNotFoundError:
            return refused("file not found")
        except IsADirectoryError:
            return refused("is a folder, not a file")
        except OSError as exc:
            return refused(f"cannot read: {exc.strerror}")
        chosen = fmt or detect_bank_format(data, label)
        if len(data) > size_limit(chosen):
            oversized = too_large(len(data), chosen, file=str(path))
            return _Loaded(BankReport(str(path), chosen, None,
                                      () if oversized is None else (oversized,)))
        history: dict[str, ImportedHistory] = {}
        if chosen in ANKI_FORMATS:  # read here rather than by read_bank: the history too
            from mht_desktop.formats.apkg_reader import read_apkg

            anki = read_apkg(data, file=label)
            parsed, history = anki.parsed, anki.history
        else:
            parsed = read_bank(data, file_name=label, fmt=chosen)
        problems = list(parsed.problems)
        bank = parsed.bank
        if bank is not None and not parsed.errors:
            # {{figure:KEY}} placeholders become the figure's text here, for every format, so
            # what is stored, studied and exported is the resolved text.
            bank, unknown = resolve_figures(bank, shipped_figures(), file=label)
            problems += unknown
            problems += validate_bank(bank, file=label, strict=strict)
        problems.sort(key=lambda p: (p.severity is not Severity.ERROR, p.line or 0))
        reviews = sum(len(h.reviews) for h in history.values())
        return _Loaded(BankReport(str(path), chosen, bank, tuple(problems),
                                  history_reviews=reviews),
                       content_digest(data), history)

    def validate_file(self, path: Path, fmt: BankFormat | None = None, *,
                      strict: bool = False) -> BankReport:
        """Parse and check a file without touching the database."""
        report = self._load(path, fmt, strict=strict).report
        if report.bank is not None and report.valid:
            with self._db.session() as s:
                existing = repo.bank_exists(s, report.bank.info.id)
                if existing is not None:
                    return _with(report, replaces_version=existing.version)
        return report

    # -- importing -----------------------------------------------------------------------
    def import_file(self, path: Path, fmt: BankFormat | None = None, *, strict: bool = False,
                    builtin: bool = False, cancel: CancelToken | None = None,
                    history_profile: int | None = None,
                    ) -> Generator[Progress, None, tuple[BankReport, Changes]]:
        """Import a bank file, all or nothing, yielding progress.

        Args:
            path: The file.
            fmt: Its format (detected when None).
            strict: Missing rationale, source or review date are errors.
            builtin: One of the banks we ship.
            cancel: Stops the import (nothing is stored).
            history_profile: For an Anki package, the learner who gets its review history
                and schedules (in the same transaction as the cards).

        Returns (through ``StopIteration.value``) the report and what changed. A file with
        errors imports nothing and leaves the database exactly as it was.
        """
        yield Progress(0, 3, f"Reading {path.name}…")
        loaded = self._load(path, fmt, strict=strict)
        report = loaded.report
        if not report.valid or report.bank is None:
            return report, Changes()
        if cancel:
            cancel.raise_if_cancelled()
        bank = report.bank
        yield Progress(1, 3, f"Saving {len(bank.questions)} questions and "
                             f"{len(bank.flashcards)} flashcards…")
        with gc_paused(), self._db.session() as s:
            previous = repo.bank_exists(s, bank.info.id)
            replaces = previous.version if previous is not None else None
            counts = repo.store_bank(
                s, bank, source_path=str(path.resolve()),
                source_format=(report.format or BankFormat.NATIVE).value,
                content_hash=loaded.content_hash, now=self._clock.now(), builtin=builtin)
            history = None
            if history_profile is not None and loaded.history:
                history = self._store_history(s, history_profile, bank.info.id, loaded.history)
            if cancel:
                cancel.raise_if_cancelled()  # rolls the whole transaction back
        yield Progress(3, 3, "Done")
        return _with(report, added=counts.added, updated=counts.updated,
                     retired=counts.retired, imported=True, replaces_version=replaces,
                     history=history), Changes(banks=True, cards=True,
                                               reviews=history is not None)

    def _store_history(self, session: Session, profile_id: int, bank_id: str,
                       history: dict[str, ImportedHistory]) -> HistoryCounts:
        from mht_desktop.core.settings import LearnerSettings
        from mht_desktop.services.anki_history import replay
        from mht_desktop.storage import profiles as profiles_repo
        from mht_desktop.storage.imported_history import store_history

        settings = LearnerSettings.from_json(profiles_repo.settings(session, profile_id))
        return store_history(session, profile_id=profile_id, bank_id=bank_id,
                             histories=replay(history, settings))

    def import_file_now(self, path: Path, fmt: BankFormat | None = None, *,
                        strict: bool = False, builtin: bool = False,
                        history_profile: int | None = None,
                        ) -> tuple[BankReport, Changes]:
        """:meth:`import_file` without progress (CLI, tests)."""
        return drain(self.import_file(path, fmt, strict=strict, builtin=builtin,
                                      history_profile=history_profile))

    def ensure_builtin_banks(self, folder: Path | None = None) -> Changes:
        """Import the banks we ship when they are new or changed since the last run."""
        folder = folder or builtin_banks_dir()
        if not folder.is_dir():
            return Changes()
        with self._db.session() as s:
            known = repo.content_hashes(s)
        changed = Changes()
        for path in sorted(folder.glob(BANK_GLOB)):
            digest = content_digest(path.read_bytes())
            if digest in known.values():
                continue
            report, changes = self.import_file_now(path, BankFormat.NATIVE, strict=True,
                                                   builtin=True)
            if not report.imported:
                raise MhtError(f"A built-in bank failed to load: {report.errors[0]}")
            changed = changed | changes
        return changed

    # -- everything else -----------------------------------------------------------------
    def list(self) -> list[BankSummary]:
        """Every bank with its counts per topic."""
        with self._db.session() as s:
            return repo.list_banks(s, today=self._clock.now().astimezone().date())

    def remove(self, bank_id: str) -> Changes:
        """Delete a bank and the history on its items, after a backup (the UI confirms first)."""
        from mht_desktop.services.backups import backup_before

        backup_before(self._db, self._clock, "before-remove-bank")
        with self._db.session() as s:
            repo.remove_bank(s, bank_id)
        return Changes(banks=True, cards=True, quizzes=True, reviews=True)

    def set_enabled(self, bank_id: str, enabled: bool) -> Changes:
        """Include or exclude a bank from study."""
        with self._db.session() as s:
            repo.set_enabled(s, bank_id, enabled)
        return Changes(banks=True, cards=True)

    def rename(self, bank_id: str, title: str) -> Changes:
        """Give a bank a new title."""
        with self._db.session() as s:
            repo.rename_bank(s, bank_id, title.strip() or bank_id)
        return Changes(banks=True)

    def rename_topic(self, bank_id: str, topic_id: str, title: str) -> Changes:
        """Give a topic a new title."""
        with self._db.session() as s:
            repo.rename_topic(s, bank_id, topic_id, title.strip() or topic_id)
        return Changes(banks=True)

    def load(self, bank_id: str) -> Bank:
        """The bank as a core object (live items only)."""
        with self._db.session() as s:
            return repo.load_bank(s, bank_id)

    def export(self, bank_id: str, fmt: BankFormat, out: Path) -> ExportResult:
        """Write a bank to ``out`` in ``fmt`` (atomically: a failed write leaves no half file).

        Returns:
            Where it went and what the format could not hold (flashcards in GIFT, questions
            in Anki notes…), each with the formats that would keep it.
        """
        from mht_desktop.formats.registry import left_out, write_bank_bytes

        bank = self.load(bank_id)
        _atomic_write(out, write_bank_bytes(bank, fmt))
        return ExportResult(out, tuple(left_out(bank, fmt)))


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A written export: the file and what it left out (empty when it holds everything)."""

    path: Path
    left_out: tuple[str, ...] = ()


def content_digest(data: bytes) -> str:
    """The hash that tells whether a bank must be imported again.

    A bank that refers to figures changes when the figures table does, so the table's bytes
    count too: editing one figure re-imports every shipped bank that states it.
    """
    digest = hashlib.sha256(data)
    if b"{{figure:" in data:
        try:
            digest.update(figures_path().read_bytes())
        except OSError:
            pass
    return digest.hexdigest()


def _atomic_write(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise MhtError(f"Cannot write {out}: {exc.strerror}.") from exc


def _with(report: BankReport, **changes: Any) -> BankReport:
    return replace(report, **changes)


def drain(generator: Generator[Progress, None, T]) -> T:
    """Run a progress generator to the end and return its result."""
    while True:
        try:
            next(generator)
        except StopIteration as stop:
            result: T = stop.value
            return result

"""Reading and checking practice files: shipped exercises, an instructor's files, the lexicon.

Why apart from the service: checking a file needs no learner and no database (the command
line's ``practice validate`` and the content tests use it alone), while
:mod:`mht_desktop.services.practice` adds what is stored — imports, attempts, progress.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mht_desktop.core.errors import FileFindings, MhtError, Problem, Severity
from mht_desktop.core.practice.disclosure import DisclosureCase
from mht_desktop.core.practice.drills import Scenario
from mht_desktop.core.practice.note_checker import Lexicon, check_note
from mht_desktop.core.practice.validation import (
    validate_case,
    validate_scenario,
    validate_vignette,
)
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.formats.base import DecodeError, decode_text
from mht_desktop.formats.checker_lexicon import read_lexicon
from mht_desktop.formats.practice_files import (
    ParsedPractice,
    PracticeItem,
    PracticeKind,
    detect_kind,
    read_practice,
)
from mht_desktop.services.resources import practice_dir

MAX_FILE_BYTES = 2 * 1024 * 1024
SHIPPED_FOLDERS = {PracticeKind.SCENARIO: "scenarios", PracticeKind.VIGNETTE: "vignettes",
                   PracticeKind.CASE: "cases"}


class PracticeFileError(MhtError):
    """A practice file cannot be imported; nothing from it was stored."""


@dataclass(frozen=True, slots=True)
class PracticeReport(FileFindings):
    """What checking (and, when it ran, importing) one practice file found."""

    file: str
    kind: PracticeKind | None
    items: tuple[PracticeItem, ...]
    problems: tuple[Problem, ...]
    imported: bool = False
    replaced: bool = False

    @property
    def valid(self) -> bool:
        """Whether the file can be imported."""
        return self.kind is not None and bool(self.items) and not self.errors

    def to_json(self) -> dict[str, object]:
        """The shape ``practice validate --json`` prints."""
        return {"file": self.file, "kind": self.kind.value if self.kind else None,
                "valid": self.valid, "items": [i.id for i in self.items],
                "errors": [{"line": p.line, "item": p.item_id, "message": p.message}
                           for p in self.errors],
                "warnings": [{"line": p.line, "item": p.item_id, "message": p.message}
                             for p in self.warnings]}



@cache
def _lexicon(folder: Path) -> Lexicon:
    return read_lexicon(folder)


def shipped_lexicon() -> Lexicon:
    """The note checker's lexicon shipped in ``resources/practice/checker`` (read once)."""
    return _lexicon(practice_dir() / "checker")


def check_practice_text(text: str, *, file: str, lexicon: Lexicon | None = None,
                        strict: bool = False) -> ParsedPractice:
    """Parse and validate a practice file's text (no database involved)."""
    parsed = read_practice(text, file=file)
    if parsed.kind is None or parsed.errors:
        return parsed
    problems = parsed.problems
    for item in parsed.items:
        if isinstance(item, Scenario):
            problems += validate_scenario(item, file=file, strict=strict)
        elif isinstance(item, Vignette):
            problems += validate_vignette(item, file=file, strict=strict)
            _check_exemplar(item, lexicon or shipped_lexicon(), file, strict, problems)
        else:
            problems += validate_case(item, file=file, strict=strict)
    for item_id, count in Counter(i.id for i in parsed.items).items():
        if count > 1:
            problems.append(Problem(file, None, f"id {item_id!r} is used {count} times",
                                    item_id=item_id))
    problems.sort(key=lambda p: (p.severity is not Severity.ERROR, p.line or 0))
    return parsed


def _check_exemplar(v: Vignette, lexicon: Lexicon, file: str, strict: bool,
                    problems: list[Problem]) -> None:
    flags = check_note(v.exemplar, v.format, lexicon, v.context)
    if flags:
        shown = "; ".join(str(f) for f in flags[:3])
        problems.append(Problem(file, v.line, f"vignette {v.id!r}: the exemplar note is "
                                f"flagged by the checker ({shown})",
                                Severity.ERROR if strict else Severity.WARNING, v.id))


@cache
def shipped_items(folder: Path) -> tuple[tuple[Scenario, ...], tuple[Vignette, ...],
                                         tuple[DisclosureCase, ...]]:
    """The scenarios, vignettes and cases shipped in ``folder`` (read and checked once)."""
    items: list[PracticeItem] = []
    for sub in SHIPPED_FOLDERS.values():
        for path in sorted((folder / sub).glob("*.toml")):
            parsed = check_practice_text(path.read_text(encoding="utf-8"), file=path.name)
            if not parsed.errors:  # tests/content keeps the shipped files clean
                items.extend(parsed.items)
    return split_items(items)


def split_items(items: list[PracticeItem]) -> tuple[tuple[Scenario, ...],
                                                    tuple[Vignette, ...],
                                                    tuple[DisclosureCase, ...]]:
    """Sort parsed items by kind, keeping their order."""
    return (tuple(i for i in items if isinstance(i, Scenario)),
            tuple(i for i in items if isinstance(i, Vignette)),
            tuple(i for i in items if isinstance(i, DisclosureCase)))


def read_practice_path(path: Path) -> tuple[str | None, Problem | None]:
    """A practice file's text, or the problem that stops it being read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(path.name, None, f"too big for a practice file ({size:,} "
                                                  "bytes)")
        return decode_text(path.read_bytes(), file=path.name), None
    except FileNotFoundError:
        return None, Problem(str(path), None, "file not found")
    except IsADirectoryError:
        return None, Problem(str(path), None, "is a folder, not a file")
    except DecodeError as exc:
        return None, exc.problem
    except OSError as exc:
        return None, Problem(str(path), None, f"cannot read: {exc.strerror}")


def is_practice_file(path: Path) -> bool:
    """Whether ``path`` looks like a scenario, vignette or case file (reads its start only).

    File › Import and drag-and-drop use this to send a file to the right section.
    """
    if path.name.endswith((".scenario.toml", ".vignettes.toml", ".cases.toml")):
        return True
    if path.suffix.lower() != ".toml":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return False
    return detect_kind(head) is not None

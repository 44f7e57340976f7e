"""The documentation vignettes we ship: enough of them, across formats, and each one shows
both sides — its exemplar passes the shipped checker, and a poorly written note about the
same shift gets exactly the flags an instructor would mark (tests/practice/
vignette_poor_notes.toml)."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mht_desktop.core.practice.note_checker import NoteFormat, Rule, check_note
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.services.practice import check_practice_text, shipped_lexicon

REPO = Path(__file__).resolve().parents[2]
VIGNETTE_FILES = sorted((REPO / "resources" / "practice" / "vignettes").glob("*.toml"))
POOR_NOTES: list[dict[str, Any]] = tomllib.loads(
    (REPO / "tests" / "practice" / "vignette_poor_notes.toml").read_text(encoding="utf-8"))["note"]
MIN_VIGNETTES = 16  # issue 18, part 2
MIN_PER_FORMAT = 3


def _vignettes() -> dict[str, Vignette]:
    found: dict[str, Vignette] = {}
    for path in VIGNETTE_FILES:
        parsed = check_practice_text(path.read_text(encoding="utf-8"), file=path.name,
                                     strict=True)
        assert parsed.problems == [], [str(p) for p in parsed.problems[:5]]
        for item in parsed.items:
            assert isinstance(item, Vignette)
            found[item.id] = item
    return found


VIGNETTES = _vignettes()


def test_there_are_enough_vignettes_across_every_note_format() -> None:
    assert len(VIGNETTES) >= MIN_VIGNETTES
    formats = Counter(v.format for v in VIGNETTES.values())
    for fmt in (NoteFormat.DAP, NoteFormat.SOAP, NoteFormat.NARRATIVE, NoteFormat.INCIDENT):
        assert formats[fmt] >= MIN_PER_FORMAT, formats  # the formats issue 18 names
    assert sum(1 for v in VIGNETTES.values() if v.written_at) >= 2  # late entries


def test_every_vignette_has_exactly_one_poor_note_and_no_note_is_orphaned() -> None:
    named = Counter(note["vignette"] for note in POOR_NOTES)
    assert set(named) == set(VIGNETTES)
    assert max(named.values()) == 1


@pytest.mark.parametrize("vignette_id", sorted(VIGNETTES))
def test_the_exemplar_is_clean(vignette_id: str) -> None:
    vignette = VIGNETTES[vignette_id]
    flags = check_note(vignette.exemplar, vignette.format, shipped_lexicon(), vignette.context)
    assert flags == [], [str(f) for f in flags]


@pytest.mark.parametrize("note", POOR_NOTES, ids=lambda n: str(n["vignette"]))
def test_the_poor_note_gets_the_flags_an_instructor_marks(note: dict[str, Any]) -> None:
    vignette = VIGNETTES[note["vignette"]]
    flags = check_note(note["text"], vignette.format, shipped_lexicon(), vignette.context)
    got = Counter(f"{f.rule.value}@{f.line}" for f in flags)
    assert got == Counter(note["expect"]), [str(f) for f in flags]
    # Every poor note shows at least one subjective or judgemental phrasing, not only a
    # missing part, so the learner sees the objectivity rules at work on each shift.
    assert {f.rule for f in flags} & {Rule.LABEL, Rule.OPINION}
    for flag in flags:
        assert flag.message and flag.instead and flag.source


def test_every_observation_quote_is_kept_word_for_word_in_the_exemplar() -> None:
    for vignette in VIGNETTES.values():
        for quote in vignette.context.quotes:
            # The closing full stop may move outside the quotation marks; the words may not.
            assert quote.rstrip(".,!?") in vignette.exemplar, (vignette.id, quote)


def test_late_entry_exemplars_carry_the_label_and_the_time_of_writing() -> None:
    for vignette in VIGNETTES.values():
        if vignette.written_at:
            assert "late entry" in vignette.exemplar.lower(), vignette.id
            assert vignette.written_at in vignette.exemplar, vignette.id

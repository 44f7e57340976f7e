"""The study content we ship: complete, well-formed, sourced, and in our own words."""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mht_desktop.core.validation import validate_bank
from mht_desktop.formats.native import read_native

REPO = Path(__file__).resolve().parents[2]
BANKS = sorted((REPO / "question_banks").glob("*.mhtbank.toml"))
GUIDE = sorted((REPO / "resources" / "guide").glob("*.md"))
SHARED = REPO.parent / "shared"
MIN_QUESTIONS, MIN_FLASHCARDS = 80, 50
EXPECTED_BANKS = {"deescalation", "hipaa", "documentation", "safety-rights", "pharmacology",
                  "certification-career"}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def test_every_topic_bank_ships() -> None:
    assert {p.name.removesuffix(".mhtbank.toml") for p in BANKS} >= EXPECTED_BANKS


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_bank_is_complete_and_valid(path: Path) -> None:
    parsed = read_native(path.read_text(encoding="utf-8"), file=path.name)
    assert parsed.bank is not None and not parsed.errors, parsed.problems[:5]
    bank = parsed.bank
    problems = validate_bank(bank, file=path.name, strict=True)
    assert problems == [], [str(p) for p in problems[:10]]
    assert len(bank.questions) >= MIN_QUESTIONS
    assert len(bank.flashcards) >= MIN_FLASHCARDS
    for q in bank.questions:
        assert q.rationale.strip() and q.source.strip() and q.topic, q.id
        assert q.difficulty in (1, 2, 3) and q.reviewed is not None, q.id
        wrong = [c for c in q.choices if not c.correct]
        # Every distractor is explained, in its feedback or in the rationale.
        assert all(c.feedback.strip() for c in wrong) or len(q.rationale) > 150, q.id
    for card in bank.flashcards:
        assert card.front.strip() and card.back.strip() and card.source.strip(), card.id


def test_ids_are_unique_across_every_bank() -> None:
    ids: Counter[str] = Counter()
    for path in BANKS:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ids.update(item["id"] for item in data.get("questions", []) + data.get("flashcards", []))
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("path", [*BANKS, REPO / "docs" / "example.mhtbank.toml"],
                         ids=lambda p: p.name)
def test_banks_match_the_json_schema(path: Path) -> None:
    schema = json.loads((REPO / "resources" / "schema" / "mhtbank.schema.json").read_text())
    data = _plain(tomllib.loads(path.read_text(encoding="utf-8")))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_no_doubtful_claim_is_named() -> None:
    """The brief says never to name the unverifiable bodies and credentials (A4, A12)."""
    banned = re.compile(r"\bNCCB\b|\bCMHT\b|National Association of Mental Health Technicians"
                        r"|National Certification Commission for Behavioral Health")
    for path in [*BANKS, *GUIDE]:
        assert not banned.search(path.read_text(encoding="utf-8")), path.name


def test_guide_has_the_chapters_and_both_figures() -> None:
    assert 8 <= len(GUIDE) <= 12
    text = "\n".join(p.read_text(encoding="utf-8") for p in GUIDE)
    assert "```mht-figure\ncareer-ladder" in text and "```mht-figure\npay-table" in text
    for chapter in GUIDE:
        body = chapter.read_text(encoding="utf-8")
        assert "## Sources" in body and "## Practise this chapter" in body, chapter.name


def _shingles(text: str, n: int = 10) -> set[str]:
    words = re.findall(r"[a-z0-9$%']+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not (SHARED / "content-brief.md").exists(),
                    reason="the shared source material is not beside this checkout")
def test_no_ten_word_run_repeats_the_sources() -> None:
    reference: set[str] = set()
    for source in [SHARED / "content-brief.md", *sorted((SHARED / "seeds").glob("*.txt"))]:
        reference |= _shingles(source.read_text(encoding="utf-8", errors="ignore"))
    offenders = {}
    extra = [REPO / "docs" / "example.mhtbank.toml",
             *sorted((REPO / "resources" / "templates").glob("*.csv")),
             *sorted((REPO / "resources" / "practice").rglob("*.toml")),
             REPO / "docs" / "practice-formats.md"]
    for path in [*BANKS, *GUIDE, *extra]:
        shared_runs = _shingles(path.read_text(encoding="utf-8")) & reference
        if shared_runs:
            offenders[path.name] = sorted(shared_runs)[:3]
    assert offenders == {}

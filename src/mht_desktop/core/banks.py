"""The question-bank model shared by every format, the database and the study screens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, NamedTuple

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_CHOICES = 2
# Moodle sets no upper limit on a multiple-choice question's answers; 26 lets every choice
# keep a letter (A–Z) in the quiz, the printed key and every export that letters them.
MAX_CHOICES = 26
CHOICE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class QuestionType(Enum):
    """The kinds of question we ask."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "truefalse"


class BankFormat(Enum):
    """File formats a bank can be read from or written to."""

    NATIVE = "native"
    GIFT = "gift"
    AIKEN = "aiken"
    MOODLE_XML = "moodle-xml"
    CSV = "csv"
    ANKI_TSV = "anki-tsv"  # Anki's "Notes in Plain Text": flashcards, tab-separated
    APKG = "apkg"  # an Anki deck package (read and written)
    COLPKG = "colpkg"  # a whole Anki collection (read only: we never overwrite Anki's)


# Building these objects is a large share of importing a big bank (50,000 of them for 10,000
# questions). The __init__ that @dataclass writes for a frozen class sets each field through
# object.__setattr__; Question writes its own (init=False) that stores straight into the slots
# through their descriptors: the same objects at about 60% of the cost.
# tests/formats/test_one_reader.py checks that it takes exactly its fields and defaults.


class Choice(NamedTuple):
    """One answer option.

    A named tuple rather than a frozen dataclass, for the hottest value of an import (40,000
    of them for 10,000 questions): it is made in half the time, and its fields are in the
    order of the stored JSON array (see ``storage.banks.choices_to_json``), so the JSON
    encoder writes a question's choices as they stand, with no list built for each. Like the
    dataclass it is immutable, compares and hashes by value, and has the same repr.

    Attributes:
        text: What the learner sees.
        correct: Whether picking it is right.
        feedback: Why this option is right or wrong (optional).
        fixed: Keep its position when choices are shuffled ("All of the above").
        weight: Moodle-style credit in percent (-100…100) where a format gives one.
    """

    text: str
    correct: bool
    feedback: str = ""
    fixed: bool = False
    weight: float | None = None


@dataclass(frozen=True, slots=True, init=False)
class Question:
    """A multiple-choice, multiple-response or true/false question."""

    id: str
    type: QuestionType
    topic: str
    stem: str
    choices: tuple[Choice, ...]
    rationale: str = ""
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    source: str = ""
    reviewed: date | None = None
    jurisdiction: tuple[str, ...] = ()
    setting: tuple[str, ...] = ()
    title: str = ""
    line: int | None = None
    # When a person must check the item against its source again (see content-currency.md).
    review_due: date | None = None
    # Keys of the figures (resources/guide/figures.toml) its text was resolved from.
    figures: tuple[str, ...] = ()

    def __init__(self, id: str, type: QuestionType, topic: str, stem: str,
                 choices: tuple[Choice, ...], rationale: str = "", difficulty: int = 2,
                 tags: tuple[str, ...] = (), source: str = "", reviewed: date | None = None,
                 jurisdiction: tuple[str, ...] = (), setting: tuple[str, ...] = (),
                 title: str = "", line: int | None = None, review_due: date | None = None,
                 figures: tuple[str, ...] = ()) -> None:
        _question_id(self, id)
        _question_type(self, type)
        _question_topic(self, topic)
        _question_stem(self, stem)
        _question_choices(self, choices)
        _question_rationale(self, rationale)
        _question_difficulty(self, difficulty)
        _question_tags(self, tags)
        _question_source(self, source)
        _question_reviewed(self, reviewed)
        _question_jurisdiction(self, jurisdiction)
        _question_setting(self, setting)
        _question_title(self, title)
        _question_line(self, line)
        _question_review_due(self, review_due)
        _question_figures(self, figures)

    @property
    def correct_indexes(self) -> frozenset[int]:
        """Positions (in bank order) of the right choices."""
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The function that stores a value in the slot ``name`` of a ``cls`` instance."""
    setter: Callable[[Any, Any], None] = cls.__dict__[name].__set__
    return setter


(_question_id, _question_type, _question_topic, _question_stem, _question_choices,
 _question_rationale, _question_difficulty, _question_tags, _question_source, _question_reviewed,
 _question_jurisdiction, _question_setting, _question_title, _question_line,
 _question_review_due, _question_figures) = (
    _slot_setter(Question, name) for name in (
        "id", "type", "topic", "stem", "choices", "rationale", "difficulty", "tags", "source",
        "reviewed", "jurisdiction", "setting", "title", "line", "review_due", "figures"))


@dataclass(frozen=True, slots=True)
class Flashcard:
    """A front/back card."""

    id: str
    topic: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    source: str = ""
    line: int | None = None
    reviewed: date | None = None
    review_due: date | None = None
    figures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """A subject that questions and cards are grouped under."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class BankInfo:
    """The bank's own metadata."""

    id: str
    title: str
    version: str = "1"
    author: str = ""
    description: str = ""
    license: str = ""


@dataclass(frozen=True, slots=True)
class Bank:
    """A whole bank: metadata, topics and items, in file order."""

    info: BankInfo
    topics: tuple[Topic, ...] = ()
    questions: tuple[Question, ...] = ()
    flashcards: tuple[Flashcard, ...] = ()
    # The bank's own exam blueprint as written in the file (see core.blueprints), if any.
    blueprint: dict[str, Any] | None = field(default=None, compare=False)

    def topic_ids(self) -> set[str]:
        """The ids of the topics this bank declares."""
        return {t.id for t in self.topics}

    def counts_by_topic(self) -> dict[str, dict[str, int]]:
        """Questions and flashcards per topic id."""
        counts: dict[str, dict[str, int]] = {
            t.id: {"questions": 0, "flashcards": 0} for t in self.topics
        }
        for q in self.questions:
            counts.setdefault(q.topic, {"questions": 0, "flashcards": 0})["questions"] += 1
        for f in self.flashcards:
            counts.setdefault(f.topic, {"questions": 0, "flashcards": 0})["flashcards"] += 1
        return counts


def review_note(reviewed: date | None, review_due: date | None, today: date) -> str:
    """The quiet note a learner sees on an item past its review date ('' when it is current).

    The item is still shown: the note tells the learner to check the fact before relying on
    it (see docs/content-currency.md).
    """
    if review_due is None or today <= review_due:
        return ""
    if reviewed is None:
        return "Not checked against its source since it was due; this may have changed."
    return (f"Last checked {reviewed.day} {reviewed:%b %Y}; this may have changed since. "
            "Check the source before relying on it.")


def slugify(text: str, *, fallback: str = "bank") -> str:
    """Turn a file name or category into an id that matches ``ID_PATTERN``.

    Args:
        text: Any human text ("Crisis Intervention (Unit 3).gift").
        fallback: Used when nothing usable is left.

    Returns:
        A lowercase id such as ``crisis-intervention-unit-3-gift``.
    """
    normalized = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", normalized.lower()).strip("-")
    if len(slug) < 2:
        slug = fallback
    return slug[:64].rstrip("-")


def title_from_id(text: str) -> str:
    """A readable title from a file stem, for formats that carry no bank title.

    ``crisis_intervention-unit3`` becomes ``Crisis intervention unit3``.
    """
    words = re.sub(r"[_\-.]+", " ", text).strip()
    return words[:1].upper() + words[1:] if words else "Untitled bank"

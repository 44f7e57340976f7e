"""Checks every bank must pass before a single item reaches the database."""

from __future__ import annotations

from collections import Counter

from mht_desktop.core.banks import (
    ID_PATTERN,
    MAX_CHOICES,
    MIN_CHOICES,
    Bank,
    QuestionType,
)
from mht_desktop.core.errors import Problem, Severity


def validate_bank(bank: Bank, *, file: str, strict: bool = False) -> list[Problem]:
    """Return every problem in ``bank``; an empty list means it can be imported.

    Args:
        bank: The parsed bank.
        file: The file name to put in each message.
        strict: Treat a missing rationale, source or review date as an error. The banks we
            ship are strict; instructors' banks only get warnings for these.

    Returns:
        Errors and warnings, in file order.
    """
    problems: list[Problem] = []

    def add(line: int | None, message: str, *, item: str | None = None,
            severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(file, line, message, severity, item))

    if not ID_PATTERN.match(bank.info.id):
        add(None, f"bank id {bank.info.id!r} must be 2–64 lowercase letters, digits, "
            "'.', '_' or '-'")
    if not bank.info.title.strip():
        add(None, "the bank has no title")
    topic_ids = bank.topic_ids()
    for topic_id, count in Counter(t.id for t in bank.topics).items():
        if count > 1:
            add(None, f"topic id {topic_id!r} is declared {count} times")
    if not bank.questions and not bank.flashcards:
        add(None, "the file holds no questions and no flashcards")

    seen: dict[str, int | None] = {}
    for q in bank.questions:
        where = q.line
        if q.id in seen:
            first = seen[q.id]
            at = f" (first at line {first})" if first else ""
            add(where, f"duplicate id {q.id!r}{at}", item=q.id)
        seen[q.id] = where
        if not ID_PATTERN.match(q.id):
            add(where, f"id {q.id!r} must be 2–64 lowercase letters, digits, '.', '_' or '-'",
                item=q.id)
        if not q.stem.strip():
            add(where, f"question {q.id!r} has an empty stem", item=q.id)
        if q.topic not in topic_ids:
            add(where, f"question {q.id!r} uses unknown topic {q.topic!r}", item=q.id)
        n = len(q.choices)
        if n < MIN_CHOICES:
            add(where, f"question {q.id!r} has {n} choice(s); at least {MIN_CHOICES} are needed",
                item=q.id)
        if n > MAX_CHOICES:
            add(where, f"question {q.id!r} has {n} choices; at most {MAX_CHOICES} are allowed",
                item=q.id)
        for i, choice in enumerate(q.choices):
            if not choice.text.strip():
                add(where, f"question {q.id!r}: choice {i + 1} is empty", item=q.id)
        correct = len(q.correct_indexes)
        if correct == 0:
            add(where, f"question {q.id!r} has no correct answer", item=q.id)
        elif q.type is QuestionType.SINGLE and correct > 1:
            add(where, f"single-choice question {q.id!r} marks {correct} choices correct; "
                "use type \"multiple\" for select-all-that-apply", item=q.id)
        if q.type is QuestionType.TRUE_FALSE and (
            [c.text for c in q.choices] != ["True", "False"] or correct != 1
        ):
            add(where, f"true/false question {q.id!r} needs the choices \"True\" and \"False\" "
                "with exactly one correct", item=q.id)
        if q.difficulty not in (1, 2, 3):
            add(where, f"question {q.id!r}: difficulty must be 1, 2 or 3, not {q.difficulty}",
                item=q.id)
        level = Severity.ERROR if strict else Severity.WARNING
        if not q.rationale.strip():
            add(where, f"question {q.id!r} has no rationale", item=q.id, severity=level)
        if not q.source.strip():
            add(where, f"question {q.id!r} has no source", item=q.id, severity=level)
        if strict and q.reviewed is None:
            add(where, f"question {q.id!r} has no last-reviewed date", item=q.id)

    for card in bank.flashcards:
        where = card.line
        if card.id in seen:
            first = seen[card.id]
            at = f" (first at line {first})" if first else ""
            add(where, f"duplicate id {card.id!r}{at}", item=card.id)
        seen[card.id] = where
        if not ID_PATTERN.match(card.id):
            add(where, f"id {card.id!r} must be 2–64 lowercase letters, digits, '.', '_' or '-'",
                item=card.id)
        if not card.front.strip() or not card.back.strip():
            add(where, f"flashcard {card.id!r} needs both a front and a back", item=card.id)
        if card.topic not in topic_ids:
            add(where, f"flashcard {card.id!r} uses unknown topic {card.topic!r}", item=card.id)
        if strict and not card.source.strip():
            add(where, f"flashcard {card.id!r} has no source", item=card.id)
    return problems


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem blocks the import."""
    return any(p.severity is Severity.ERROR for p in problems)

"""Checks every bank must pass before a single item reaches the database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

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
    # One pass per question with the cheapest test that decides each rule: this runs for every
    # item of every import. ``not s or s.isspace()`` is ``not s.strip()`` without the copy.
    id_ok = ID_PATTERN.match
    level = Severity.ERROR if strict else Severity.WARNING
    single, true_false = QuestionType.SINGLE, QuestionType.TRUE_FALSE
    for q in bank.questions:
        where, qid = q.line, q.id
        if qid in seen:
            first = seen[qid]
            at = f" (first at line {first})" if first else ""
            add(where, f"duplicate id {qid!r}{at}", item=qid)
        seen[qid] = where
        if not id_ok(qid):
            add(where, f"id {qid!r} must be 2–64 lowercase letters, digits, '.', '_' or '-'",
                item=qid)
        stem = q.stem
        if not stem or stem.isspace():
            add(where, f"question {qid!r} has an empty stem", item=qid)
        if q.topic not in topic_ids:
            add(where, f"question {qid!r} uses unknown topic {q.topic!r}", item=qid)
        choices = q.choices
        n = len(choices)
        if n < MIN_CHOICES:
            add(where, f"question {qid!r} has {n} choice(s); at least {MIN_CHOICES} are needed",
                item=qid)
        if n > MAX_CHOICES:
            add(where, f"question {qid!r} has {n} choices; at most {MAX_CHOICES} are allowed",
                item=qid)
        correct, empty = 0, False
        for choice in choices:  # no enumerate: the position is only needed for a message
            text = choice.text
            if not text or text.isspace():
                empty = True
            if choice.correct:
                correct += 1
        if empty:
            for i, choice in enumerate(choices):
                text = choice.text
                if not text or text.isspace():
                    add(where, f"question {qid!r}: choice {i + 1} is empty", item=qid)
        qtype = q.type
        if correct == 0:
            add(where, f"question {qid!r} has no correct answer", item=qid)
        elif qtype is single and correct > 1:
            # Moodle gives full marks for any of several 100 % answers, so an instructor's
            # bank keeps them (any one is right); the banks we ship have one key each.
            add(where, f"single-choice question {qid!r} marks {correct} choices correct: "
                "any one of them scores full marks (as in Moodle); use type \"multiple\" "
                "if all of them must be picked", item=qid, severity=level)
        if qtype is true_false and (
            [c.text for c in choices] != ["True", "False"] or correct != 1
        ):
            add(where, f"true/false question {qid!r} needs the choices \"True\" and \"False\" "
                "with exactly one correct", item=qid)
        if q.difficulty not in (1, 2, 3):
            add(where, f"question {qid!r}: difficulty must be 1, 2 or 3, not {q.difficulty}",
                item=qid)
        rationale, source = q.rationale, q.source
        if not rationale or rationale.isspace():
            add(where, f"question {qid!r} has no rationale", item=qid, severity=level)
        if not source or source.isspace():
            add(where, f"question {qid!r} has no source", item=qid, severity=level)
        if strict and q.reviewed is None:
            add(where, f"question {qid!r} has no last-reviewed date", item=qid)
        review_due = q.review_due
        if review_due is not None or strict:  # else no date rule applies (and no label made)
            _check_dates(add, where, f"question {qid!r}", qid, q.reviewed, review_due, strict)

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
        if strict and card.reviewed is None:
            add(where, f"flashcard {card.id!r} has no last-reviewed date", item=card.id)
        _check_dates(add, where, f"flashcard {card.id!r}", card.id, card.reviewed,
                     card.review_due, strict)
    return problems


def _check_dates(add: Callable[..., None], where: int | None, what: str, item: str,
                 reviewed: date | None, review_due: date | None, strict: bool) -> None:
    """The review-due rules: required in shipped banks, and never before the last review."""
    if review_due is None:
        if strict:
            add(where, f"{what} has no review_due date (when it must be checked again)",
                item=item)
    elif reviewed is not None and review_due < reviewed:
        add(where, f"{what}: review_due {review_due.isoformat()} is before reviewed "
                   f"{reviewed.isoformat()}", item=item)


def has_errors(problems: list[Problem]) -> bool:
    """True when any problem blocks the import."""
    return any(p.severity is Severity.ERROR for p in problems)

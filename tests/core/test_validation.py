from __future__ import annotations

from datetime import date

from mht_desktop.core.banks import Bank, BankInfo, Choice, Flashcard, Question, QuestionType, Topic
from mht_desktop.core.errors import Severity
from mht_desktop.core.validation import has_errors, validate_bank


def _q(**kw: object) -> Question:
    base: dict[str, object] = dict(
        id="q1", type=QuestionType.SINGLE, topic="t", stem="Stem?",
        choices=(Choice("A", True), Choice("B", False)), rationale="Because.",
        source="Src", line=10)
    base.update(kw)
    return Question(**base)  # type: ignore[arg-type]


def _bank(*questions: Question, cards: tuple[Flashcard, ...] = ()) -> Bank:
    return Bank(BankInfo("b1", "Bank"), (Topic("t", "T"),), questions, cards)


def test_a_valid_bank_has_no_problems() -> None:
    assert validate_bank(_bank(_q()), file="b.toml") == []


def test_each_problem_names_file_and_line() -> None:
    problems = validate_bank(_bank(
        _q(id="q1", line=5), _q(id="q1", line=20),
        _q(id="q2", stem=" ", line=30),
        _q(id="q3", choices=(Choice("A", False), Choice("B", False)), line=40),
        _q(id="q4", topic="nope", line=50),
        _q(id="q5", choices=tuple(Choice(str(i), i == 0) for i in range(27)), line=60),
        _q(id="q6", choices=(Choice("A", True), Choice("B", True)), line=70),
    ), file="b.toml")
    text = [str(p) for p in problems]
    assert "b.toml:20: duplicate id 'q1' (first at line 5)" in text
    assert "b.toml:30: question 'q2' has an empty stem" in text
    assert "b.toml:40: question 'q3' has no correct answer" in text
    assert "b.toml:50: question 'q4' uses unknown topic 'nope'" in text
    assert any(t.startswith("b.toml:60:") and "at most 26" in t for t in text)
    # Two right answers in a single-choice question: Moodle's rule (either scores full
    # marks) for an instructor's bank, an error in the strict check of the banks we ship.
    two_keys = [p for p in problems if p.line == 70]
    assert [p.severity for p in two_keys] == [Severity.WARNING]
    assert "any one of them scores full marks" in str(two_keys[0])
    assert has_errors(problems)


def test_missing_rationale_is_a_warning_unless_strict() -> None:
    bank = _bank(_q(rationale="", source=""))
    lenient = validate_bank(bank, file="b")
    assert lenient and all(p.severity is Severity.WARNING for p in lenient)
    strict = validate_bank(bank, file="b", strict=True)
    assert has_errors(strict)
    assert any("no last-reviewed date" in p.message for p in strict)


def test_true_false_needs_true_and_false() -> None:
    bad = _q(type=QuestionType.TRUE_FALSE, choices=(Choice("Yes", True), Choice("No", False)))
    assert any("true/false" in p.message for p in validate_bank(_bank(bad), file="b"))


def test_flashcard_checks() -> None:
    cards = (Flashcard("f1", "t", "", "back", line=3), Flashcard("f2", "zz", "a", "b", line=7))
    text = [str(p) for p in validate_bank(_bank(_q(), cards=cards), file="b")]
    assert "b:3: flashcard 'f1' needs both a front and a back" in text
    assert "b:7: flashcard 'f2' uses unknown topic 'zz'" in text


def test_review_dates_are_required_in_shipped_banks_and_ordered() -> None:
    q = Question("q1", QuestionType.TRUE_FALSE, "t", "S?", (Choice("True", True),
                 Choice("False", False)), rationale="R", source="S",
                 reviewed=date(2026, 12, 1), line=3)
    late = Question("q2", QuestionType.TRUE_FALSE, "t", "S?", (Choice("True", True),
                    Choice("False", False)), rationale="R", source="S",
                    reviewed=date(2026, 12, 1), review_due=date(2026, 1, 1), line=9)
    card = Flashcard("f1", "t", "F", "B", source="S", line=15)
    bank = Bank(BankInfo("bk", "B"), (Topic("t", "T"),), (q, late), (card,))
    strict = [str(p) for p in validate_bank(bank, file="b.toml", strict=True)]
    assert strict == [
        "b.toml:3: question 'q1' has no review_due date (when it must be checked again)",
        "b.toml:9: question 'q2': review_due 2026-01-01 is before reviewed 2026-12-01",
        "b.toml:15: flashcard 'f1' has no last-reviewed date",
        "b.toml:15: flashcard 'f1' has no review_due date (when it must be checked again)"]
    # Instructors' banks may leave dates out (the audit lists them), but not disorder them.
    assert [str(p) for p in validate_bank(bank, file="b.toml")] == [strict[1]]

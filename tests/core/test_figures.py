"""Figures that age: read once, referred to by key, resolved into every item that states them."""

from __future__ import annotations

from datetime import date

from mht_desktop.core.banks import Bank, BankInfo, Choice, Flashcard, Question, QuestionType, Topic
from mht_desktop.core.figures import read_figures, resolve_figures

FIGURES = """
[figures.pay]
text = "$42,200"
value = 42200
year = "May 2024"
source = "BLS"
review_due = 2027-06-01

[figures.growth]
text = "16%"
year = "2024-2034"
source = "BLS"
review_due = 2027-09-30
confirmed = false
"""


def _question(stem: str, *, due: date | None = date(2028, 11, 22)) -> Question:
    return Question("q1", QuestionType.SINGLE, "t", stem,
                    (Choice("{{figure:growth}} growth", True, "Yes, {{figure:growth}}."),
                     Choice("None", False)),
                    rationale="Median {{figure:pay}} in May 2024.", line=7,
                    reviewed=date(2026, 12, 1), review_due=due)


def _bank(*questions: Question, cards: tuple[Flashcard, ...] = ()) -> Bank:
    return Bank(BankInfo("b", "B"), (Topic("t", "T"),), questions, cards)


def test_figures_file_is_read_with_every_field() -> None:
    figures, problems = read_figures(FIGURES, file="figures.toml")
    assert problems == []
    assert figures["pay"].text == "$42,200" and figures["pay"].value == 42200.0
    assert figures["pay"].review_due == date(2027, 6, 1) and figures["pay"].confirmed
    assert not figures["growth"].confirmed and figures["growth"].year == "2024-2034"


def test_a_figure_without_text_or_review_date_is_a_problem_naming_it() -> None:
    figures, problems = read_figures('[figures.x1]\ntext = "1"\n[figures.x2]\n'
                                     'review_due = 2027-01-01\n', file="figures.toml")
    assert figures == {}
    assert [p.item_id for p in problems] == ["x1", "x2"]
    assert "review_due" in problems[0].message and "'text'" in problems[1].message


def test_placeholders_are_replaced_everywhere_and_the_figures_recorded() -> None:
    figures, _ = read_figures(FIGURES, file="figures.toml")
    card = Flashcard("f1", "t", "Median pay, May 2024?", "{{figure:pay}}", line=20,
                     reviewed=date(2026, 12, 1), review_due=date(2028, 12, 1))
    bank, problems = resolve_figures(_bank(_question("Growth was {{figure:growth}}?"),
                                           cards=(card,)), figures, file="b.toml")
    assert problems == []
    q = bank.questions[0]
    assert q.stem == "Growth was 16%?" and q.rationale == "Median $42,200 in May 2024."
    assert [c.text for c in q.choices] == ["16% growth", "None"]
    assert q.choices[0].feedback == "Yes, 16%."
    assert q.figures == ("growth", "pay")
    # Never current after a figure it states falls due.
    assert q.review_due == date(2027, 6, 1)
    assert bank.flashcards[0].back == "$42,200" and bank.flashcards[0].figures == ("pay",)
    assert bank.flashcards[0].review_due == date(2027, 6, 1)


def test_an_item_without_placeholders_is_left_alone() -> None:
    plain = Question("q2", QuestionType.TRUE_FALSE, "t", "Plain?",
                     (Choice("True", True), Choice("False", False)), review_due=date(2030, 1, 1))
    original = _bank(plain)
    bank, problems = resolve_figures(original, {}, file="b.toml")
    assert bank is original and problems == []


def test_an_unknown_figure_is_an_error_at_the_items_line() -> None:
    figures, _ = read_figures(FIGURES, file="figures.toml")
    _, problems = resolve_figures(_bank(_question("{{figure:pay-2031}} then?")), figures,
                                  file="b.toml")
    assert [str(p) for p in problems] == ["b.toml:7: unknown figure 'pay-2031' in question 'q1'"]

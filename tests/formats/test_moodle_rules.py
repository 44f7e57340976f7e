"""Moodle's own rules where we used to be stricter: several 100 % answers, many choices.

Moodle's multiple-choice type takes any number of answers and, in a one-answer question,
gives full marks for each answer graded 100 %. A bank that Moodle accepts must import here
too, grade the same way, and survive every export that can hold it.
"""

from __future__ import annotations

import pytest

from mht_desktop.core.banks import Bank, BankFormat, QuestionType
from mht_desktop.core.errors import Severity
from mht_desktop.core.quiz import score_answer
from mht_desktop.core.validation import has_errors, validate_bank
from mht_desktop.formats import read_bank, write_bank
from mht_desktop.formats.delimited import TEMPLATE_COLUMNS, read_delimited
from mht_desktop.formats.gift import read_gift
from mht_desktop.formats.moodle_xml import read_moodle_xml

TWO_KEYS_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Either name</text></name>
    <questiontext format="html"><text>Which are names for the same role?</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>Psychiatric technician</text></answer>
    <answer fraction="100"><text>Mental health technician</text></answer>
    <answer fraction="0"><text>Pharmacist</text></answer>
  </question>
</quiz>
"""


def _many_choices_xml(count: int) -> bytes:
    answers = "".join(
        f'<answer fraction="{100 if i == 6 else 0}"><text>Option {i + 1}</text></answer>'
        for i in range(count))
    return (f'<?xml version="1.0"?><quiz><question type="multichoice"><name><text>Many'
            f'</text></name><questiontext><text>Pick the seventh.</text></questiontext>'
            f'<single>true</single>{answers}</question></quiz>').encode()


def _only_question(bank: Bank | None) -> tuple[Bank, int]:
    assert bank is not None
    assert len(bank.questions) == 1
    return bank, 0


def test_two_full_credit_answers_in_moodle_xml_import_and_either_scores() -> None:
    parsed = read_moodle_xml(TWO_KEYS_XML, file="two.xml")
    assert not has_errors(parsed.problems), parsed.problems
    bank, _ = _only_question(parsed.bank)
    question = bank.questions[0]
    assert question.type is QuestionType.SINGLE
    assert [c.correct for c in question.choices] == [True, True, False]
    checked = validate_bank(bank, file="two.xml")
    assert not has_errors(checked)
    assert any("any one of them scores full marks" in str(p) for p in checked)
    # Moodle's grading: either 100 % answer alone is right; the wrong one, or two picks, not.
    assert score_answer(question.type, question.choices, [0]) == 1.0
    assert score_answer(question.type, question.choices, [1]) == 1.0
    assert score_answer(question.type, question.choices, [2]) == 0.0
    assert score_answer(question.type, question.choices, [0, 1]) == 0.0
    # The banks we ship keep one key per question: the strict check still refuses it.
    strict = validate_bank(bank, file="two.xml", strict=True)
    assert any(p.severity is Severity.ERROR and "single-choice" in str(p) for p in strict)


def test_two_equals_answers_in_gift_are_two_full_credit_answers() -> None:
    parsed = read_gift("::role::Same role? {=Psychiatric technician =Mental health technician"
                       " ~Pharmacist}\n", file="two.gift")
    assert not has_errors(parsed.problems), parsed.problems
    bank, _ = _only_question(parsed.bank)
    question = bank.questions[0]
    assert question.type is QuestionType.SINGLE
    assert sum(c.correct for c in question.choices) == 2
    assert not has_errors(validate_bank(bank, file="two.gift"))


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "csv"])
def test_two_full_credit_answers_survive_export(fmt: str) -> None:
    bank = read_moodle_xml(TWO_KEYS_XML, file="two.xml").bank
    assert bank is not None
    kind = BankFormat(fmt)
    name = {"gift": "two.gift", "moodle-xml": "two.xml", "csv": "two.csv"}[fmt]
    again = read_bank(write_bank(bank, kind).encode(), file_name=name, fmt=kind).bank
    assert again is not None and again.questions[0].type is QuestionType.SINGLE
    assert [c.correct for c in again.questions[0].choices] == [True, True, False]


def test_more_than_eight_choices_import_and_keep_their_order() -> None:
    parsed = read_moodle_xml(_many_choices_xml(12), file="many.xml")
    assert not has_errors(parsed.problems), parsed.problems
    bank, _ = _only_question(parsed.bank)
    question = bank.questions[0]
    assert [c.text for c in question.choices] == [f"Option {i}" for i in range(1, 13)]
    assert not has_errors(validate_bank(bank, file="many.xml"))
    assert score_answer(question.type, question.choices, [6]) == 1.0


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "csv"])
def test_more_than_eight_choices_survive_every_export_that_holds_questions(fmt: str) -> None:
    bank = read_moodle_xml(_many_choices_xml(11), file="many.xml").bank
    assert bank is not None
    kind = BankFormat(fmt)
    text = write_bank(bank, kind)
    if kind is BankFormat.CSV:  # the template grows choice_i… columns only when needed
        header = text.splitlines()[0].split(",")
        assert "choice_k" in header and "choice_l" not in header and "feedback_k" in header
    again = read_bank(text.encode(), file_name=f"many.{fmt}", fmt=kind)
    assert not has_errors(again.problems), again.problems
    assert again.bank is not None
    choices = again.bank.questions[0].choices
    assert [c.text for c in choices] == [f"Option {i}" for i in range(1, 12)]
    assert [i for i, c in enumerate(choices) if c.correct] == [6]


def test_the_csv_template_still_writes_its_eight_documented_columns() -> None:
    bank = read_moodle_xml(TWO_KEYS_XML, file="two.xml").bank
    assert bank is not None
    header = tuple(write_bank(bank, BankFormat.CSV).splitlines()[0].split(","))
    assert header == TEMPLATE_COLUMNS and "choice_h" in header and "choice_i" not in header


def test_a_letter_past_the_files_columns_is_still_an_error() -> None:
    parsed = read_delimited("stem,choice_a,choice_b,correct\nPulse?,a,b,K\n", file="x.csv")
    assert any("correct must name choice letters" in str(p) for p in parsed.problems)

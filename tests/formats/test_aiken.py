"""Aiken reader: the format's rules, tolerance where Moodle is tolerant, and exact error lines."""

from __future__ import annotations

import pytest

from mht_desktop.core.banks import QuestionType
from mht_desktop.core.validation import has_errors, validate_bank
from mht_desktop.formats.aiken import looks_like_aiken, read_aiken
from mht_desktop.formats.base import ParsedBank

GOOD = """\
What is a normal resting pulse for an adult?
A. 40–60 beats per minute
B. 60–100 beats per minute
C. 100–140 beats per minute
ANSWER: B

After caring for a patient with C. difficile, how should you clean your hands?
A) Alcohol-based hand rub
B) Soap and water
ANSWER: B
"""


def parse(text: str, file: str = "Vital Signs.txt") -> ParsedBank:
    return read_aiken(text, file=file)


def test_reads_questions_with_both_option_styles() -> None:
    result = parse(GOOD)
    assert result.problems == []
    bank = result.bank
    assert bank is not None
    assert bank.info.id == "vital-signs"
    assert [(t.id, t.title) for t in bank.topics] == [("vital-signs", "Vital Signs")]
    first, second = bank.questions
    assert (first.id, first.line, first.type) == ("q0001", 1, QuestionType.SINGLE)
    assert first.stem == "What is a normal resting pulse for an adult?"
    assert [(c.text, c.correct) for c in first.choices] == [
        ("40–60 beats per minute", False), ("60–100 beats per minute", True),
        ("100–140 beats per minute", False)]
    assert (second.id, second.line, second.topic) == ("q0002", 7, "vital-signs")
    assert [c.correct for c in second.choices] == [False, True]
    assert all(c.feedback == "" for c in first.choices)


def test_no_blank_line_needed_between_questions_and_blank_lines_tolerated_inside() -> None:
    result = parse("Q one\nA. a\nB. b\nANSWER: A\nQ two\n\nA. a\n\nB. b\nANSWER: b\n")
    assert result.problems == []
    assert result.bank is not None
    assert [(q.stem, q.line, [c.correct for c in q.choices]) for q in result.bank.questions] == [
        ("Q one", 1, [True, False]), ("Q two", 5, [False, True])]


def test_question_text_may_span_lines() -> None:
    result = parse("A patient is pacing.\nWhat should you do first?\nA. Approach calmly\n"
                   "B. Shout\nANSWER: A\n")
    assert result.bank is not None
    assert result.bank.questions[0].stem == "A patient is pacing.\nWhat should you do first?"


def test_unicode_and_windows_line_endings() -> None:
    text = "¿Presión normal? 血压 😀\r\nA. 120/80\r\nB. 200/120\r\nANSWER: A\r\n"
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    q = result.bank.questions[0]
    assert q.stem == "¿Presión normal? 血压 😀"
    assert [c.text for c in q.choices] == ["120/80", "200/120"]


@pytest.mark.parametrize(("text", "line", "words"), [
    # the ANSWER line is missing: the next question starts after the options
    ("Q1\nA. a\nB. b\n\nQ2\nA. a\nB. b\nANSWER: A\n", 1, "no 'ANSWER: X' line"),
    # … or the file ends
    ("Q1\nA. a\nB. b\nANSWER: A\n\nQ2\nA. a\nB. b\n", 6, "no 'ANSWER: X' line"),
    ("Q1\nA. a\nB. b\nC. c\nANSWER: E\n", 5, "ANSWER E names no option (the options are A–C)"),
    ("Q1\nA. only one\nANSWER: A\n", 1, "1 option(s); at least 2"),
    ("Q1\nA. a\nC. c\nANSWER: A\n", 3, "option C should be B"),
    ("Q1\nA. a\nB. b\nANSWER: B because\n", 4, "text after the ANSWER letter"),
    ("Q1\nA. a\nB. b\nANSWER: B\nC. late\n", 5, "after the ANSWER line"),
    ("\nANSWER: B\n", 2, "without a question"),
    ("Q1\nA. a\nB. b\nANSWER:\n", 4, "gives no letter"),
])
def test_errors_name_their_line(text: str, line: int, words: str) -> None:
    result = parse(text)
    errors = result.errors
    assert len(errors) == 1, errors
    assert errors[0].line == line
    assert words in errors[0].message


def test_a_bad_question_does_not_hide_the_good_ones() -> None:
    result = parse("Q1\nA. a\nB. b\nANSWER: Z\n\nQ2\nA. a\nB. b\nANSWER: A\n")
    assert [e.line for e in result.errors] == [4]
    assert result.bank is not None
    assert [(q.id, q.stem) for q in result.bank.questions] == [("q0002", "Q2")]


def test_validates_clean() -> None:
    result = parse(GOOD)
    assert result.bank is not None
    problems = validate_bank(result.bank, file="Vital Signs.txt")
    assert not has_errors(problems)


def test_looks_like_aiken() -> None:
    assert looks_like_aiken(GOOD)
    assert looks_like_aiken("Q\nA) a\nB) b\nANSWER: A\nQ2\nA) a\nB) b\nANSWER: B")
    assert not looks_like_aiken("::Q1:: What? {=a ~b}\n")
    assert not looks_like_aiken("front\tback\n")
    assert not looks_like_aiken("A. lonely option\n\nno answers here\n\nnor here\n")


def test_large_file_parses() -> None:
    text = "\n".join(f"Question {i}?\nA. one\nB. two\nC. three\nD. four\nANSWER: C\n"
                     for i in range(5000))
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None and len(result.bank.questions) == 5000
    assert result.bank.questions[-1].line == 4999 * 7 + 1

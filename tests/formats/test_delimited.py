"""CSV/TSV: the questions template, Anki and Quizlet flashcard exports, and their errors' lines."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from mht_desktop.core.banks import Bank, BankInfo, Choice, Flashcard, Question, QuestionType, Topic
from mht_desktop.core.validation import has_errors, validate_bank
from mht_desktop.formats.base import ParsedBank
from mht_desktop.formats.delimited import (
    TEMPLATE_COLUMNS,
    read_delimited,
    write_flashcards_tsv,
    write_questions_csv,
)

TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "resources/templates/questions-template.csv"

HEADER = ("id,type,topic,difficulty,stem,choice_a,choice_b,choice_c,choice_d,correct,"
          "rationale,source,tags,reviewed,feedback_a,feedback_b\n")


def parse(text: str, file: str = "Unit 2 questions.csv") -> ParsedBank:
    return read_delimited(text, file=file)


# --- questions template ---------------------------------------------------------------------

def test_template_rows() -> None:
    text = HEADER + (
        'vs-q001,,Vital signs,1,"What is a normal resting pulse for an adult?",'
        '40–60 bpm,60–100 bpm,100–140 bpm,,B,"Adults at rest: 60–100 bpm.",'
        'AHA,vitals;adult,2026-11-22,"Too slow ""for most""",Right\n'
        ',,Vital signs,,"Which are vital signs?\nSelect all.",Pulse,Respirations,Hair colour,'
        ',A;B,,,,,,\n'
        ',truefalse,infection-control,3,Alcohol rub kills C. difficile spores.,,,,,B,'
        'Use soap and water.,CDC,,,,\n'
    )
    result = parse(text)
    assert result.problems == []
    bank = result.bank
    assert bank is not None
    q1, q2, q3 = bank.questions
    assert (q1.id, q1.type, q1.topic, q1.difficulty, q1.line) == (
        "vs-q001", QuestionType.SINGLE, "vital-signs", 1, 2)
    assert [(c.text, c.correct, c.feedback) for c in q1.choices] == [
        ("40–60 bpm", False, 'Too slow "for most"'), ("60–100 bpm", True, "Right"),
        ("100–140 bpm", False, "")]
    assert (q1.rationale, q1.source, q1.tags, q1.reviewed) == (
        "Adults at rest: 60–100 bpm.", "AHA", ("vitals", "adult"), date(2026, 11, 22))
    assert (q2.id, q2.type, q2.difficulty, q2.line) == ("q0002", QuestionType.MULTIPLE, 2, 3)
    assert q2.stem == "Which are vital signs?\nSelect all."
    assert [c.correct for c in q2.choices] == [True, True, False]
    assert (q3.id, q3.type, q3.topic, q3.line) == ("q0003", QuestionType.TRUE_FALSE,
                                                   "infection-control", 5)
    assert [(c.text, c.correct) for c in q3.choices] == [("True", False), ("False", True)]
    assert [(t.id, t.title) for t in bank.topics] == [
        ("vital-signs", "Vital signs"), ("infection-control", "Infection control")]
    assert not has_errors(validate_bank(bank, file="x.csv"))


def test_semicolon_template_with_excel_separator_line_and_minimal_columns() -> None:
    text = "sep=;\nStem;Choice_A;Choice_B;Correct\nPulse?;60–100;20–40;a\n"
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    (q,) = result.bank.questions
    assert (q.id, q.topic, q.line, q.difficulty) == ("q0001", "unit-2-questions", 3, 2)
    assert [c.correct for c in q.choices] == [True, False]


@pytest.mark.parametrize(("correct", "choices", "answer"), [
    ("A", ",,", True), ("b", ",,", False), ("True", ",,", True), ("F", ",,", False),
    ("A", ",False,True", False),  # choice_a says False: A means False
])
def test_true_false_variants(correct: str, choices: str, answer: bool) -> None:
    text = f"type,stem,choice_a,choice_b,correct\ntruefalse,Statement{choices},{correct}\n"
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    (q,) = result.bank.questions
    assert [(c.text, c.correct) for c in q.choices] == [("True", answer), ("False", not answer)]


def test_generated_ids_avoid_explicit_ones() -> None:
    text = "id,stem,choice_a,choice_b,correct\n,First,a,b,A\nq0001,Second,a,b,A\n"
    result = parse(text)
    assert result.bank is not None
    assert [q.id for q in result.bank.questions] == ["q0001-2", "q0001"]


@pytest.mark.parametrize(("rows", "line", "words"), [
    # the first row spans lines 2–3; the bad row starts on line 4
    ('"multi\nline",a,b,A\nonly,two\n', 4, "the row has 2 columns but the header has 4"),
    ("Pulse?,a,,B\n", 2, "correct names choice B, but choice_b is empty"),
    ("Pulse?,a,b,\n", 2, "correct is empty"),
    ("Pulse?,a,b,Z\n", 2, "correct must name choice letters"),
    ("ok,a,b,A\n\nPulse?,a,b,A,extra\n", 4, "the row has 5 columns"),
])
def test_template_errors_name_their_line(rows: str, line: int, words: str) -> None:
    result = parse("stem,choice_a,choice_b,correct\n" + rows)
    errors = result.errors
    assert len(errors) == 1, errors
    assert (errors[0].line, words in errors[0].message) == (line, True), errors[0]


@pytest.mark.parametrize(("column", "value", "words"), [
    ("difficulty", "4", "difficulty must be 1, 2 or 3, not '4'"),
    ("difficulty", "hard", "difficulty must be 1, 2 or 3"),
    ("reviewed", "11/22/2026", "reviewed must be a date written YYYY-MM-DD"),
    ("type", "essay", "type 'essay' is not single, multiple or truefalse"),
])
def test_bad_cells_name_their_line(column: str, value: str, words: str) -> None:
    text = (f"stem,choice_a,choice_b,correct,{column}\nok,a,b,A,\n"
            f'"two\nlines",a,b,A,{value}\n')
    result = parse(text)
    assert [(e.line, words in e.message) for e in result.errors] == [(3, True)]
    assert result.bank is not None
    assert len(result.bank.questions) == 1


def test_missing_required_column_and_unknown_column() -> None:
    result = parse("stem,choice_a,choice_b\nQ,a,b\n")
    assert result.bank is None
    assert [(e.line, "missing: correct" in e.message) for e in result.errors] == [(1, True)]
    result = parse("stem,choice_a,choice_b,correct,notes\nQ,a,b,A,hello\n")
    assert result.errors == []
    assert [(w.line, "'notes'" in w.message) for w in result.warnings] == [(1, True)]


def test_write_questions_csv_round_trip() -> None:
    bank = Bank(
        info=BankInfo("b1", "B1"),
        topics=(Topic("vital-signs", "Vital signs"), Topic("infection", "Infection")),
        questions=(
            Question("vs-q001", QuestionType.SINGLE, "vital-signs", 'Pulse, "resting"?\nAdult.',
                     (Choice("60–100", True, "Yes"), Choice("20–40", False, "Too low")),
                     rationale="Range 60–100.", difficulty=1, tags=("vitals", "adult"),
                     source="AHA", reviewed=date(2026, 11, 22)),
            Question("inf-q001", QuestionType.MULTIPLE, "infection", "Pick",
                     tuple(Choice(chr(65 + i), i % 2 == 0) for i in range(8)), difficulty=3),
            Question("inf-q002", QuestionType.TRUE_FALSE, "infection", "TF",
                     (Choice("True", False, "No"), Choice("False", True, "Yes"))),
        ),
        flashcards=(Flashcard("f1", "infection", "F", "B"),),
    )
    text = write_questions_csv(bank)
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == TEMPLATE_COLUMNS
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    assert [t.id for t in result.bank.topics] == ["vital-signs", "infection"]
    for original, copy in zip(bank.questions, result.bank.questions, strict=True):
        for name in ("id", "type", "topic", "stem", "rationale", "difficulty", "tags", "source",
                     "reviewed"):
            assert getattr(copy, name) == getattr(original, name), name
        assert [(c.text, c.correct, c.feedback) for c in copy.choices] == [
            (c.text, c.correct, c.feedback) for c in original.choices]
    assert result.bank.flashcards == ()


def test_shipped_template_is_valid() -> None:
    # The template starts with a UTF-8 BOM so that Excel shows accents and dashes right.
    assert TEMPLATE_FILE.read_bytes().startswith(b"\xef\xbb\xbf")
    result = parse(TEMPLATE_FILE.read_text(encoding="utf-8-sig"), file=TEMPLATE_FILE.name)
    assert result.problems == []
    assert result.bank is not None
    assert 3 <= len(result.bank.questions) <= 4
    assert validate_bank(result.bank, file=TEMPLATE_FILE.name) == []


# --- flashcards -----------------------------------------------------------------------------

ANKI_EXPORT = (
    "#separator:tab\n"
    "#html:true\n"
    "#notetype:Basic\n"
    "#deck:Nursing::Vital signs\n"
    "#tags:imported\n"
    "#columns:Front\tBack\tTags\n"
    "Normal adult<br>resting pulse?\t60&ndash;100 beats per minute\tvitals cardio\n"
    '"Hand hygiene after\nC. diff care?"\t<b>Soap</b> and water [sound:wash.mp3]\t\n'
)


def test_anki_export_with_headers() -> None:
    result = parse(ANKI_EXPORT, file="anki.txt")
    assert [w.message for w in result.warnings] == [
        "sound references ([sound:…]) were dropped: MHT Desktop shows text only"]
    assert result.errors == []
    bank = result.bank
    assert bank is not None
    first, second = bank.flashcards
    assert (first.id, first.line, first.topic) == ("f0001", 7, "vital-signs")
    assert (first.front, first.back) == ("Normal adult\nresting pulse?", "60–100 beats per minute")
    assert first.tags == ("imported", "vitals", "cardio")
    assert (second.id, second.line) == ("f0002", 8)
    assert (second.front, second.back, second.tags) == (
        "Hand hygiene after\nC. diff care?", "Soap and water", ("imported",))
    assert [(t.id, t.title) for t in bank.topics] == [("vital-signs", "Vital signs")]
    assert bank.questions == ()
    assert not has_errors(validate_bank(bank, file="anki.txt"))


def test_anki_export_with_special_columns() -> None:
    text = ("#separator:Pipe\n#html:false\n#guid column:1\n#notetype column:2\n"
            "#deck column:3\n#tags column:6\n"
            "abc|Basic|Psych::De-escalation|Front <b>1</b>|Back 1|calm verbal\n"
            "def|Basic||Front 2|Back 2|\n")
    result = parse(text, file="deck.txt")
    assert result.problems == []
    assert result.bank is not None
    one, two = result.bank.flashcards
    assert (one.front, one.back, one.topic, one.tags) == (
        "Front <b>1</b>", "Back 1", "de-escalation", ("calm", "verbal"))
    assert (two.topic, two.line) == ("deck", 8)


def test_anki_plain_text_export_three_columns() -> None:
    text = "Pulse\t60–100\tvitals\nRespirations\t12–20\tvitals adult\n"
    result = parse(text, file="Basic.txt")
    assert result.problems == []
    assert result.bank is not None
    assert [(c.front, c.back, c.tags, c.topic) for c in result.bank.flashcards] == [
        ("Pulse", "60–100", ("vitals",), "basic"),
        ("Respirations", "12–20", ("vitals", "adult"), "basic")]


@pytest.mark.parametrize("separator", ["\t", ",", ";", "|", ":"])
def test_separator_is_detected(separator: str) -> None:
    rows = [("HIPAA", "A US privacy law"), ("PRN", "As needed"), ("NPO", "Nothing by mouth")]
    text = "\n".join(separator.join(row) for row in rows) + "\n"
    result = parse(text, file="quizlet.txt")
    assert result.problems == []
    assert result.bank is not None
    assert [(c.front, c.back) for c in result.bank.flashcards] == rows


def test_explicit_single_character_separator() -> None:
    result = parse("#separator:!\nPulse!60–100\n")
    assert result.bank is not None
    assert [(c.front, c.back) for c in result.bank.flashcards] == [("Pulse", "60–100")]


def test_quizlet_comma_export_with_quotes_and_a_header_row() -> None:
    text = ('Term,Definition\nPRN,"As needed, when required"\n'
            '"Say ""no""","Refuse, politely"\n')
    result = parse(text, file="quizlet.csv")
    assert result.problems == []
    assert result.bank is not None
    assert [(c.id, c.front, c.back, c.line) for c in result.bank.flashcards] == [
        ("f0001", "PRN", "As needed, when required", 2),
        ("f0002", 'Say "no"', "Refuse, politely", 3)]


def test_flashcard_row_errors_name_their_line() -> None:
    text = ('Pulse\t60–100\n"Multi\nline"\tback\nno separator here\nBP\t120/80\n'
            "a\tb\tc\td\n")
    result = parse(text)
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (4, "the row has 1 columns, not 2"), (6, "the row has 4 columns, not 2")]
    assert result.bank is not None
    assert [c.id for c in result.bank.flashcards] == ["f0001", "f0002", "f0004"]


def test_space_separated_word_pairs() -> None:
    result = parse("pulse Puls\nbreath Atem\n", file="words.txt")
    assert result.bank is not None
    assert [(c.front, c.back) for c in result.bank.flashcards] == [
        ("pulse", "Puls"), ("breath", "Atem")]


def test_unsplittable_file_is_an_error() -> None:
    result = parse("just one column\nand another line\n")
    assert result.bank is None
    assert result.errors[0].line == 1
    assert "cannot tell the columns apart" in result.errors[0].message


def test_unicode_and_windows_line_endings() -> None:
    text = "Presión arterial\t120/80 mmHg\r\n血压\t😀\r\n"
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    assert [(c.front, c.back, c.line) for c in result.bank.flashcards] == [
        ("Presión arterial", "120/80 mmHg", 1), ("血压", "😀", 2)]


def test_write_flashcards_tsv_is_anki_importable_and_round_trips() -> None:
    cards = (Flashcard("f1", "t", "Pulse\tat rest", 'Say "60–100"\nbpm', ("vital signs", "x")),
             Flashcard("f2", "t", "Plain", "Back"))
    bank = Bank(BankInfo("b", "B"), (Topic("t", "T"),), flashcards=cards)
    text = write_flashcards_tsv(bank)
    assert text.startswith("#separator:Tab\n#html:false\n#columns:Front\tBack\tTags\n")
    result = parse(text, file="cards.txt")
    assert result.problems == []
    assert result.bank is not None
    assert [(c.front, c.back, c.tags) for c in result.bank.flashcards] == [
        ("Pulse\tat rest", 'Say "60–100"\nbpm', ("vital_signs", "x")), ("Plain", "Back", ())]


def test_large_files_parse() -> None:
    cards = "".join(f"Front {i}\tBack {i}, with a comma\ttag{i % 7}\n" for i in range(5000))
    questions = "stem,choice_a,choice_b,choice_c,correct,rationale\n" + "".join(
        f'"Question {i}: pulse?",60–100,20–40,140–180,A,Because\n' for i in range(5000))
    card_result, question_result = parse(cards), parse(questions)
    assert card_result.problems == [] and question_result.problems == []
    assert card_result.bank is not None and len(card_result.bank.flashcards) == 5000
    assert question_result.bank is not None and len(question_result.bank.questions) == 5000
    assert question_result.bank.questions[-1].line == 5001


def test_repeated_cell_values_are_read_alike_and_each_bad_one_is_reported() -> None:
    # The reader remembers what a cell value read as (a bank repeats the same few): a good
    # value must give the same result on every row, a bad one an error on every row.
    text = ("stem,choice_a,choice_b,choice_c,correct,tags,reviewed\n"
            "One,a,b,c,A;C,x; y ;,2026-11-22\n"
            "Two,a,b,c,Z,x; y ;,2026-13-01\n"
            "Three,a,b,c,A;C,x; y ;,2026-11-22\n"
            "Four,a,b,c,Z,,2026-13-01\n"
            "Five,a,b,,C,,\n"
            "Six,a,b,,C,,\n")
    result = parse(text)
    assert [(e.line, e.message.split(" ")[0]) for e in result.errors] == [
        (3, "reviewed"), (3, "correct"), (5, "reviewed"), (5, "correct"), (6, "correct"),
        (7, "correct")]
    assert result.bank is not None
    one, three = result.bank.questions
    assert (one.line, three.line) == (2, 4)
    for q in (one, three):
        assert [c.correct for c in q.choices] == [True, False, True]
        assert (q.tags, q.reviewed) == (("x", "y"), date(2026, 11, 22))

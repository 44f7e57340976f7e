"""Format detection, decoding through ``read_bank``, and round trips from our native format."""

from __future__ import annotations

import codecs
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mht_desktop.core.banks import (
    Bank,
    BankFormat,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.core.validation import has_errors, validate_bank
from mht_desktop.formats.native import read_native, write_native
from mht_desktop.formats.registry import detect_format, read_bank, write_bank

GIFT = ("// exported\n\n::q1::Normal adult pulse? {=60–100 ~20–40}\n\n"
        "::q2::Soap after C. diff? {T}\n")
AIKEN = "Normal adult pulse?\nA. 60–100\nB. 20–40\nANSWER: A\n\nSecond?\nA) x\nB) y\nANSWER: B\n"
ANKI_TSV = ("#separator:tab\n#html:true\n#tags column:3\n"
            "Pulse<br>at rest\t60–100 bpm\tvitals\nRespirations\t12–20 per minute\tvitals\n")
ANKI_PLAIN = "Pulse\t60–100 bpm\nRespirations\t12–20 per minute\n"
QUIZLET_COMMA = 'HIPAA,"A US privacy law, 1996"\nPRN,As needed\nNPO,Nothing by mouth\n'
TEMPLATE = "stem,choice_a,choice_b,correct\nNormal adult pulse?,60–100,20–40,A\n"
XML = ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz><question type="truefalse">'
       "<name><text>tf</text></name><questiontext><text>Soap and water for C. diff.</text>"
       '</questiontext><answer fraction="100"><text>true</text></answer>'
       '<answer fraction="0"><text>false</text></answer></question></quiz>\n')


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("quiz.txt", GIFT, BankFormat.GIFT),
    ("quiz.txt", AIKEN, BankFormat.AIKEN),
    ("deck.txt", ANKI_TSV, BankFormat.CSV),
    ("deck.txt", ANKI_PLAIN, BankFormat.CSV),
    ("quizlet.txt", QUIZLET_COMMA, BankFormat.CSV),
    ("questions.txt", TEMPLATE, BankFormat.CSV),
    ("export.txt", XML, BankFormat.MOODLE_XML),
    ("aiken.csv", AIKEN, BankFormat.AIKEN),
    ("quiz.gift", AIKEN, BankFormat.GIFT),  # a clear extension wins
    ("x.mhtbank.toml", GIFT, BankFormat.NATIVE),
])
def test_detect_format(name: str, text: str, expected: BankFormat) -> None:
    assert detect_format(name, text) is expected


@pytest.mark.parametrize(("name", "text", "questions", "cards"), [
    ("quiz.txt", GIFT, 2, 0), ("quiz.txt", AIKEN, 2, 0), ("deck.txt", ANKI_TSV, 0, 2),
    ("deck.txt", ANKI_PLAIN, 0, 2), ("quizlet.txt", QUIZLET_COMMA, 0, 3),
    ("questions.txt", TEMPLATE, 1, 0), ("export.txt", XML, 1, 0),
])
def test_txt_files_are_read_by_content(name: str, text: str, questions: int,
                                       cards: int) -> None:
    result = read_bank(text.encode(), file_name=name)
    assert result.errors == []
    assert result.bank is not None
    assert (len(result.bank.questions), len(result.bank.flashcards)) == (questions, cards)
    assert not has_errors(validate_bank(result.bank, file=name))


def test_anki_html_export_is_flattened() -> None:
    result = read_bank(ANKI_TSV.encode(), file_name="deck.txt")
    assert result.bank is not None
    assert result.bank.flashcards[0].front == "Pulse\nat rest"
    assert result.bank.flashcards[0].tags == ("vitals",)


def test_forced_format_wins() -> None:
    result = read_bank(b"a;b\nc;d\n", file_name="x.gift", fmt=BankFormat.CSV)
    assert result.bank is not None
    assert [(c.front, c.back) for c in result.bank.flashcards] == [("a", "b"), ("c", "d")]


@pytest.mark.parametrize("encode", [
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),  # Python writes the BOM
    lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
])
@pytest.mark.parametrize(("name", "text"), [
    ("quiz.gift", GIFT), ("quiz.txt", AIKEN), ("deck.tsv", ANKI_TSV),
    ("questions.csv", TEMPLATE), ("export.xml", XML),
])
def test_bom_utf16_and_windows_line_endings(encode: object, name: str, text: str) -> None:
    assert callable(encode)
    result = read_bank(encode(text), file_name=name)
    assert result.errors == []
    assert result.bank is not None
    items = [*result.bank.questions, *result.bank.flashcards]
    assert items
    first = items[0]
    words = first.stem if isinstance(first, Question) else first.front
    assert "\ufeff" not in words and "\r" not in words
    assert words.startswith(("Normal adult pulse?", "Pulse", "Soap and water"))


def test_bad_utf8_names_the_line() -> None:
    result = read_bank(b"Pulse\t60\nBP\t120/80 \xe9\n", file_name="deck.txt")
    assert result.bank is None
    assert result.errors[0].line == 2


# --- round trips from the native format -----------------------------------------------------

def native_bank() -> Bank:
    return Bank(
        info=BankInfo("mht-basics", "MHT basics", "1.2.0", "Instructors", "Basics", "CC-BY-4.0"),
        topics=(Topic("vital-signs", "Vital signs"), Topic("infection-control",
                                                           "Infection control")),
        questions=(
            Question("vital-signs-q001", QuestionType.SINGLE, "vital-signs",
                     "What is a normal resting pulse for an adult?\nChoose one: {#=~}",
                     (Choice("40–60 bpm", False, "Too slow for most adults."),
                      Choice("60–100 bpm", True, "Right."),
                      Choice("100–140 bpm", False, "That is tachycardia."),
                      Choice("None of the above", False, fixed=True)),
                     rationale="Adults at rest: 60–100 beats per minute.", difficulty=1,
                     tags=("vitals",), source="AHA", reviewed=date(2026, 11, 22)),
            Question("vital-signs-q002", QuestionType.MULTIPLE, "vital-signs",
                     "Which are vital signs? 血压 😀",
                     (Choice("Pulse", True), Choice("Respirations", True),
                      Choice("Blood pressure", True), Choice("Hair colour", False, "No."))),
            Question("infection-control-q001", QuestionType.TRUE_FALSE, "infection-control",
                     "Alcohol-based rub kills C. difficile spores.",
                     (Choice("True", False, "Spores survive alcohol."),
                      Choice("False", True, "Right: wash with soap and water.")),
                     rationale="Use soap and water after C. diff care.", difficulty=3,
                     source="CDC"),
        ),
        flashcards=(Flashcard("vital-signs-f001", "vital-signs", "Bradycardia",
                              "Resting pulse under 60", ("vitals",), "AHA"),),
    )


def from_native() -> Bank:
    parsed = read_native(write_native(native_bank()), file="basics.mhtbank.toml")
    assert parsed.problems == [] and parsed.bank is not None
    return parsed.bank


def common_fields(q: Question) -> tuple[object, ...]:
    return (q.id, q.type, q.topic, q.stem,
            tuple((c.text, c.correct, c.feedback) for c in q.choices))


@pytest.mark.parametrize(("fmt", "name"), [
    (BankFormat.GIFT, "basics.gift"), (BankFormat.MOODLE_XML, "basics.xml"),
    (BankFormat.CSV, "basics.csv"),
])
def test_round_trip_keeps_what_the_format_carries(fmt: BankFormat, name: str) -> None:
    bank = from_native()
    result = read_bank(write_bank(bank, fmt).encode(), file_name=name)
    assert result.problems == []
    copy = result.bank
    assert copy is not None
    assert [common_fields(q) for q in copy.questions] == [common_fields(q)
                                                          for q in bank.questions]
    assert [q.rationale for q in copy.questions] == [q.rationale for q in bank.questions]
    assert [(t.id, t.title) for t in copy.topics] == [(t.id, t.title) for t in bank.topics]
    if fmt is BankFormat.CSV:  # the template carries every question field but the title
        assert [(q.difficulty, q.tags, q.source, q.reviewed) for q in copy.questions] == [
            (q.difficulty, q.tags, q.source, q.reviewed) for q in bank.questions]
    if fmt is BankFormat.MOODLE_XML:
        assert [q.tags for q in copy.questions] == [q.tags for q in bank.questions]
    assert copy.flashcards == ()  # none of these formats holds flashcards
    assert not has_errors(validate_bank(copy, file=name))


def test_aiken_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="aiken"):
        write_bank(native_bank(), BankFormat.AIKEN)


@pytest.mark.parametrize(("fmt", "name"), [
    (BankFormat.GIFT, "big.gift"), (BankFormat.MOODLE_XML, "big.xml"),
    (BankFormat.CSV, "big.csv"),
])
def test_five_thousand_questions_through_read_bank(fmt: BankFormat, name: str) -> None:
    questions = tuple(
        Question(f"q{i:05d}", QuestionType.SINGLE, "vital-signs", f"Question {i}: pulse?",
                 (Choice("60–100", True, "ok"), Choice("20–40", False, "low"),
                  Choice("140–180", False)), rationale="Normal range.", source="AHA")
        for i in range(5000))
    bank = Bank(BankInfo("big", "Big"), (Topic("vital-signs", "Vital signs"),), questions)
    data = write_bank(bank, fmt).encode()
    result = read_bank(data, file_name=name)
    assert result.problems == []
    assert result.bank is not None and len(result.bank.questions) == 5000


# --- property: any text survives a round trip -----------------------------------------------

_TOKEN = st.one_of(
    # U+FFFE and U+FFFF cannot be written in XML at all (the Moodle XML writer drops them).
    st.characters(blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters="\ufffe\uffff"),
    st.sampled_from([*"\n{}=~#:\\%[]<>&\"',;|/_- ", "->", "####", "[html]", "%50%", "::",
                     "//", "$CATEGORY:", "&amp;", "]]>", "\\n", "<b>"]),
)
_TEXT = st.lists(_TOKEN, min_size=1, max_size=12).map(lambda t: "".join(t).strip()).filter(bool)


@st.composite
def questions(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(list(QuestionType)))
    if kind is QuestionType.TRUE_FALSE:
        answer = draw(st.booleans())
        choices = (Choice("True", answer, draw(st.just("") | _TEXT)),
                   Choice("False", not answer, draw(st.just("") | _TEXT)))
    else:
        texts = draw(st.lists(_TEXT, min_size=2, max_size=8, unique=True))
        if kind is QuestionType.SINGLE:
            right = {draw(st.integers(0, len(texts) - 1))}
        else:
            right = set(draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, unique=True)))
        choices = tuple(Choice(t, i in right, draw(st.just("") | _TEXT))
                        for i, t in enumerate(texts))
    return Question("placeholder", kind, "vital-signs", draw(_TEXT), choices,
                    rationale=draw(st.just("") | _TEXT))


@settings(max_examples=60, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=5))
@pytest.mark.parametrize(("fmt", "name"), [
    (BankFormat.GIFT, "p.gift"), (BankFormat.MOODLE_XML, "p.xml"), (BankFormat.CSV, "p.csv")])
def test_any_text_round_trips(fmt: BankFormat, name: str, drawn: list[Question]) -> None:
    bank = Bank(BankInfo("prop", "Prop"), (Topic("vital-signs", "Vital signs"),), tuple(
        Question(f"q-{i}", q.type, q.topic, q.stem, q.choices, q.rationale)
        for i, q in enumerate(drawn)))
    result = read_bank(write_bank(bank, fmt).encode(), file_name=name, fmt=fmt)
    assert result.problems == []
    assert result.bank is not None
    assert [(*common_fields(q), q.rationale) for q in result.bank.questions] == [
        (*common_fields(q), q.rationale) for q in bank.questions]

"""One reader per format: what reading our own exports and other layouts must keep.

Each format has one general reader (the laid-out fast paths are gone). These tests keep the
checks that still mean something: a bank written by us reads back as it was, a file laid out
the way Moodle or a person writes it reads the same as ours, and the small exact helpers
(header search, GIFT escapes, the model's hand-written constructors) do what they claim.
"""


from __future__ import annotations

import dataclasses
import inspect
import itertools
import json
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mht_desktop.core.banks import (
    Bank,
    BankInfo,
    Choice,
    Flashcard,
    Question,
    QuestionType,
    Topic,
)
from mht_desktop.core.errors import Problem
from mht_desktop.formats import gift, gift_text, native
from mht_desktop.formats.moodle_xml import read_moodle_xml
from mht_desktop.formats.moodle_xml_writer import write_moodle_xml
from mht_desktop.formats.native import read_native, write_native
from mht_desktop.storage import banks as banks_repo

_TOKEN = st.one_of(
    st.characters(blacklist_categories=("Cs",)),  # control characters and U+FFFE included
    st.sampled_from([
        '"', "'", '"""', "\\", "\\n", "\n", "\n\n", "\t", " ", "  ", "#", "[[questions]]",
        "[bank]", "=", ",", "{", "}", "[", "]", "&", "&amp;", "&#65;", "<", ">", "<b>x</b>",
        "]]>", "<![CDATA[", "-->", "@@PLUGINFILE@@/a.png", "![alt](x.png)", "<img src=a>",
        "\u00a0", "é", "—", "😀", "\r", "\r\n", "$course$/top/", "//", "true", "1.5",
    ]),
)
_TEXT = st.lists(_TOKEN, max_size=6).map("".join)
_ID = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9._-]{1,12}", fullmatch=True), _TEXT)
_WEIGHT = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 100.0, 50.0, -50.0, 33.33333,
                                               1e-05, 12.5]),
                    st.floats(-100, 100, allow_nan=False))


@st.composite
def _choices(draw: st.DrawFn, kind: QuestionType) -> tuple[Choice, ...]:
    if kind is QuestionType.TRUE_FALSE and draw(st.booleans()):
        answer = draw(st.booleans())
        return (Choice("True", answer, draw(_TEXT)), Choice("False", not answer, draw(_TEXT)))
    return tuple(draw(st.lists(st.builds(
        Choice, _TEXT, st.booleans(), _TEXT, st.booleans(), _WEIGHT), max_size=9)))


@st.composite
def _questions(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(list(QuestionType)))
    return Question(
        id=draw(_ID), type=kind, topic=draw(st.sampled_from(["t1", "t2", "Other topic"])),
        stem=draw(_TEXT), choices=draw(_choices(kind)), rationale=draw(_TEXT),
        difficulty=draw(st.integers(-1, 4)), tags=tuple(draw(st.lists(_TEXT, max_size=3))),
        source=draw(_TEXT), reviewed=draw(st.none() | st.dates(date(1990, 1, 1))),
        jurisdiction=tuple(draw(st.lists(_TEXT, max_size=2))),
        setting=tuple(draw(st.lists(_TEXT, max_size=2))), title=draw(_TEXT))


@st.composite
def _banks(draw: st.DrawFn) -> Bank:
    topics = (Topic("t1", "Topic one", draw(_TEXT)), Topic("t2", draw(_TEXT) or "T2"))
    cards = tuple(Flashcard(f"f{i}", "t1", draw(_TEXT), draw(_TEXT))
                  for i in range(draw(st.integers(0, 2))))
    return Bank(BankInfo("bank", draw(_TEXT) or "Bank", description=draw(_TEXT)), topics,
                tuple(draw(st.lists(_questions(), min_size=1, max_size=6))), cards)


# Plausible banks: every one of these must take the fast paths (the wild ones above mostly
# exercise the way out of them).
_TAME_TOKEN = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    st.sampled_from(['"', "'", "\\", "\t", "\x7f", "\x01", "#", "[", "]", "&", "<", ">",
                     "]]>", "é", "—", " "]),
)
_TAME_LINE = st.lists(_TAME_TOKEN, min_size=1, max_size=8).map("".join).filter(str.strip)
_TAME_TEXT = st.one_of(_TAME_LINE, st.lists(_TAME_LINE, min_size=1, max_size=3).map("\n".join))


@st.composite
def _tame_questions(draw: st.DrawFn, number: int) -> Question:
    kind = draw(st.sampled_from(list(QuestionType)))
    if kind is QuestionType.TRUE_FALSE:
        answer = draw(st.booleans())
        choices = (Choice("True", answer, draw(st.just("") | _TAME_TEXT)),
                   Choice("False", not answer, draw(st.just("") | _TAME_TEXT)))
    else:
        choices = tuple(draw(st.lists(st.builds(
            Choice, _TAME_TEXT, st.booleans(), st.just("") | _TAME_TEXT, st.booleans(),
            st.none() | st.sampled_from([0.0, -0.0, 100.0, 50.0, -50.0, 33.33333, 12.5])),
            min_size=2, max_size=8)))
    return Question(
        id=f"q-{number}", type=kind, topic=draw(st.sampled_from(["t1", "t2"])),
        stem=draw(_TAME_TEXT), choices=choices, rationale=draw(st.just("") | _TAME_TEXT),
        difficulty=draw(st.integers(1, 3)), tags=tuple(draw(st.lists(_TAME_LINE, max_size=3))),
        source=draw(st.just("") | _TAME_TEXT), reviewed=draw(st.none() | st.dates()),
        jurisdiction=tuple(draw(st.lists(_TAME_LINE, max_size=2))),
        setting=tuple(draw(st.lists(_TAME_LINE, max_size=2))),
        title=draw(st.just("") | _TAME_LINE))


@st.composite
def _tame_banks(draw: st.DrawFn) -> Bank:
    count = draw(st.integers(1, 5))
    return Bank(BankInfo("bank", "Bank"), (Topic("t1", "Topic one", draw(_TAME_LINE)),
                                           Topic("t2", draw(_TAME_LINE))),
                tuple(draw(_tame_questions(i)) for i in range(count)))


_EXAMPLE = Bank(
    BankInfo("bank", "Bank", author="Tests"),
    (Topic("t1", "Topic one", "About one"), Topic("t2", "Topic two")),
    (
        Question("q-1", QuestionType.SINGLE, "t1", "Which?\nSecond line with \"quotes\"",
                 (Choice("A & B", True, "Right.", weight=100.0),
                  Choice("<b>C</b>", False, "", fixed=True, weight=-0.0)),
                 rationale="Because.", difficulty=1, tags=("x", "y z"), source="Src",
                 reviewed=date(2026, 11, 1), jurisdiction=("US",), setting=("inpatient",),
                 title="First"),
        Question("q-2", QuestionType.MULTIPLE, "t2", "Pick two",
                 tuple(Choice(f"Option {i} " + "long " * 30, i < 2, f"Note {i}")
                       for i in range(4)), rationale="Two are right."),
        Question("q-3", QuestionType.TRUE_FALSE, "t1", "Soap for C. diff?",
                 (Choice("True", True, "Yes"), Choice("False", False))),
    ),
)




# --- one reader, every layout ---------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tame_banks())
def test_written_native_banks_read_back_as_written(bank: Bank) -> None:
    """Reading our own export and writing it again changes nothing (texts come back stripped)."""
    first = read_native(write_native(bank), file="bank.mhtbank.toml")
    assert first.bank is not None and not first.errors
    second = read_native(write_native(first.bank), file="bank.mhtbank.toml")
    assert second.bank is not None
    unplaced = [dataclasses.replace(q, line=None) for q in first.bank.questions]
    assert [dataclasses.replace(q, line=None) for q in second.bank.questions] == unplaced
    assert [q.id for q in first.bank.questions] == [q.id.strip() for q in bank.questions]


def test_hand_edited_native_reads_like_ours() -> None:
    ours = write_native(_EXAMPLE)
    hand = ours.replace("[[questions]]\n", "[[questions]]  # checked by the instructor\n")
    a, b = read_native(ours, file="b.toml"), read_native(hand, file="b.toml")
    assert a.bank == b.bank and a.problems == b.problems


def test_tag_lists_have_one_meaning() -> None:
    text = re.sub(r"tags = \[[^\]]*\]", 'tags = ["a", " ", "b "]', write_native(_EXAMPLE), count=1)
    parsed = read_native(text, file="b.toml")
    assert parsed.bank is not None and parsed.bank.questions[0].tags == ("a", "b")


def test_moodle_style_cdata_reads_like_our_layout() -> None:
    ours = write_moodle_xml(_EXAMPLE)
    moodle = re.sub(r"<text>(.*?)</text>", r"<text><![CDATA[\1]]></text>", ours)
    a = read_moodle_xml(ours.encode(), file="q.xml")
    b = read_moodle_xml(moodle.encode(), file="q.xml")
    assert a.bank is not None and b.bank is not None and a.problems == b.problems
    # (The naive CDATA rewrite keeps our escapes literally, so only the structure is compared.)
    assert [(q.id, q.topic, q.line) for q in a.bank.questions] == [
        (q.id, q.topic, q.line) for q in b.bank.questions]
    assert [q.line for q in a.bank.questions] == [
        i + 1 for i, line in enumerate(ours.split("\n")) if "<question type=\"multichoice\"" in
        line or "<question type=\"truefalse\"" in line]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[[questions]]", "[[ questions\t]]", "[[[questions]]", " ", "\t",
                                 "\n", "x", "[[questions.choices]]", "[[flashcards]]"]),
                max_size=12).map("".join))
def test_header_starts_are_the_anchored_pattern_matches(text: str) -> None:
    for body, name in ((native._QUESTION_HEADER_BODY, "questions"),
                       (native._FLASHCARD_HEADER_BODY, "flashcards")):
        anchored = re.compile(rf"^[ \t]*\[\[[ \t]*{name}[ \t]*\]\]", re.MULTILINE)
        assert native._header_starts(text, body) == [m.start() for m in anchored.finditer(text)]


def test_gift_escapes_in_one_pass_match_replacing_each_in_turn() -> None:
    table = gift_text.ESCAPED
    for size in range(6):
        for parts in itertools.product(["\\", "~", "=", "#", "{", "}", ":", "n", "a"],
                                       repeat=size):
            text = "".join(parts)
            in_turn = text
            for old, new in table.items():
                in_turn = in_turn.replace(old, new)
            assert gift_text.ESCAPE.sub(gift_text.placeholder, text) == in_turn, text


# --- the model's own constructors -----------------------------------------------------------


@pytest.mark.parametrize("cls", [Question, Problem])
def test_hand_written_init_takes_exactly_the_dataclass_fields(cls: type) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert [p.default for p in parameters] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        for f in fields]
    values = {f.name: object() for f in fields}
    made = cls(**values)
    assert all(getattr(made, name) is value for name, value in values.items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, fields[0].name, 3)  # still frozen


def test_a_choice_is_an_immutable_value_in_the_stored_array_order() -> None:
    choice = Choice("Yes", True, weight=50.0)
    assert choice == Choice(text="Yes", correct=True, feedback="", fixed=False, weight=50.0)
    assert hash(choice) == hash(Choice("Yes", True, "", False, 50.0))
    assert repr(choice) == ("Choice(text='Yes', correct=True, feedback='', fixed=False, "
                            "weight=50.0)")
    with pytest.raises(AttributeError):
        choice.text = "No"  # type: ignore[misc]
    # The JSON encoder writes the tuple of choices as the stored [[text, correct, …]] arrays.
    stored = json.loads(banks_repo._encode_json((choice, Choice("No", False, "Not this"))))
    assert stored == banks_repo.choices_to_json((choice, Choice("No", False, "Not this")))
    assert stored == [["Yes", True, "", False, 50.0], ["No", False, "Not this", False, None]]


_GIFT_PIECES = st.lists(st.sampled_from(
    [*"=~#%.-05 \t\n\r\x0b\u2028ab\\]:[", "id", "tag", "[id:", "[tag:", "\\]", "%50%", "~%", "=%"]),
    max_size=30).map("".join)


@settings(max_examples=2000, deadline=None)
@given(_GIFT_PIECES)
def test_gift_patterns_match_as_their_plain_forms(text: str) -> None:
    # The reader's patterns are written for speed; these are the forms they must equal.
    plain = {
        gift._ANSWER: r"([=~])(?:(?<=~)\s*%(-?\d+(?:\.\d+)?)%)?([^=~#]*)(?:#([^=~]*))?",
        gift._MOODLE_COMMENT: r"\[(id|tag):((?:\\.|[^\]\\])*)\]",
        gift._RUN: r"[^\S\n]*\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*",
    }
    for fast, reference in plain.items():
        assert ([(m.span(), m.groups()) for m in fast.finditer(text)]
                == [(m.span(), m.groups()) for m in re.finditer(reference, text)])

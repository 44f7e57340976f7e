"""The fast readers for files laid out as we write them give exactly what the general ones give.

Native TOML and Moodle XML files that match our own layout are read with one pattern match
per question instead of a full parser (see ``native._parse_laid_out`` and
``moodle_xml._laid_out_items``). These tests read the same text both ways and require the
same bank, the same problems and the same FILE:LINE locations, for written banks with
awkward text and for hand-made variations the fast path must either read identically or
leave to the general reader.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
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
from mht_desktop.core.validation import validate_bank
from mht_desktop.formats import gift, moodle_xml, native
from mht_desktop.formats.base import ParsedBank
from mht_desktop.formats.moodle_xml import read_moodle_xml, write_moodle_xml
from mht_desktop.formats.native import read_native, write_native
from mht_desktop.formats.registry import read_bank

# --- helpers --------------------------------------------------------------------------------


@contextmanager
def _general_readers() -> Iterator[None]:
    """Turn both fast paths off: every file goes through the TOML parser or ElementTree."""
    with patch.object(native, "_parse_laid_out", return_value=(None, None)), \
            patch.object(moodle_xml, "_laid_out_items", return_value=None):
        yield


def _same(fast: ParsedBank, slow: ParsedBank) -> None:
    assert fast.problems == slow.problems
    assert fast.bank == slow.bank
    # Equality cannot tell 0.0 from -0.0 (a weight) nor True from 1: the text can.
    assert repr(fast.bank) == repr(slow.bank)
    if fast.bank is not None and slow.bank is not None:
        assert validate_bank(fast.bank, file="f") == validate_bank(slow.bank, file="f")


def _native_both(text: str) -> ParsedBank:
    fast = read_native(text, file="bank.mhtbank.toml")
    with _general_readers():
        slow = read_native(text, file="bank.mhtbank.toml")
    _same(fast, slow)
    # And through the registry, which decodes first (line ends rewritten).
    data = text.encode()
    _same(read_bank(data, file_name="bank.mhtbank.toml", fmt=BankFormat.NATIVE), slow
          if "\r" not in text else _general(data, "bank.mhtbank.toml", BankFormat.NATIVE))
    return fast


def _general(data: bytes, name: str, fmt: BankFormat) -> ParsedBank:
    with _general_readers():
        return read_bank(data, file_name=name, fmt=fmt)


def _native_is_fast(text: str) -> bool:
    starts = native._header_starts(text, native._QUESTION_HEADER_BODY)
    return native._parse_laid_out(text, starts, native._lines_at(text, starts))[0] is not None


def _xml_both(data: bytes) -> ParsedBank:
    fast = read_moodle_xml(data, file="quiz.xml")
    with _general_readers():
        slow = read_moodle_xml(data, file="quiz.xml")
    _same(fast, slow)
    # And through the registry, which hands over the text it decoded (line ends rewritten).
    _same(read_bank(data, file_name="quiz.xml", fmt=BankFormat.MOODLE_XML),
          _general(data, "quiz.xml", BankFormat.MOODLE_XML))
    return fast


def _xml_is_fast(data: bytes) -> bool:
    return moodle_xml._laid_out_items(data) is not None


# --- strategies -----------------------------------------------------------------------------

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


# --- native TOML ----------------------------------------------------------------------------


def test_written_native_banks_take_the_fast_path() -> None:
    text = write_native(_EXAMPLE)
    assert _native_is_fast(text)
    parsed = _native_both(text)
    assert parsed.bank is not None and [q.line for q in parsed.bank.questions] == [
        i + 1 for i, line in enumerate(text.split("\n")) if line == "[[questions]]"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_banks())
def test_native_fast_path_reads_what_the_toml_parser_reads(bank: Bank) -> None:
    _native_both(write_native(bank))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tame_banks())
def test_plausible_native_banks_all_take_the_fast_path(bank: Bank) -> None:
    text = write_native(bank)
    assert _native_is_fast(text)
    _native_both(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["[[questions]]", "[[ questions\t]]", "[[[questions]]", " ", "\t",
                                 "\n", "x", "[[questions.choices]]", "[[flashcards]]"]),
                max_size=12).map("".join))
def test_header_starts_are_the_anchored_pattern_matches(text: str) -> None:
    for body, name in ((native._QUESTION_HEADER_BODY, "questions"),
                       (native._FLASHCARD_HEADER_BODY, "flashcards")):
        anchored = re.compile(rf"^[ \t]*\[\[[ \t]*{name}[ \t]*\]\]", re.MULTILINE)
        assert native._header_starts(text, body) == [m.start() for m in anchored.finditer(text)]


def _replace_once(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


_NATIVE_VARIANTS: list[Callable[[str], str]] = [
    lambda text: text.replace("\n", "\r\n"),
    _replace_once('id = "q-1"', 'id = "q-1"  # a trailing comment'),
    _replace_once('id = "q-1"', '  id = "q-1"'),
    _replace_once('id = "q-1"', 'id="q-1"'),
    _replace_once('id = "q-1"\n', 'id = "q-1"\nid = "again"\n'),
    _replace_once('id = "q-1"\n', 'id = "q-1"\nunknown = 1\n'),
    _replace_once("difficulty = 1", "difficulty = 01"),
    _replace_once("difficulty = 1", "difficulty = 99999999999999999999"),
    _replace_once("difficulty = 1", 'difficulty = "1"'),
    _replace_once("reviewed = 2026-11-01", "reviewed = 2026-02-30"),
    _replace_once("reviewed = 2026-11-01", "reviewed = 2026-11-01 10:00:00"),
    _replace_once('type = "single"', 'type = "essay"'),
    _replace_once('stem = "Pick two"', 'stem = "  "'),
    _replace_once('stem = "Pick two"', 'stem = "Pick \\ud800 two"'),
    _replace_once('stem = "Pick two"', 'stem = "Pick \\u00e9 \\U0001F600 two"'),
    _replace_once('stem = "Pick two"', "stem = 'Pick two'"),
    _replace_once("weight = 100.0", "weight = 100"),
    _replace_once("weight = 100.0", "weight = -0"),
    _replace_once("weight = 100.0", "weight = 1e2"),
    _replace_once("weight = -0.0", "weight = -0"),
    _replace_once("[[questions]]", "# a comment before\n\n[[questions]]"),
    _replace_once("[[questions]]", "[[ questions ]]"),
    lambda text: text + '\n[questions.extra]\nx = 1\n',
    lambda text: text + '\n[[questions.choices]]\ntext = "late"\ncorrect = true\n',
    lambda text: text.replace('[bank]\n', '[bank]\nnote = """\n[[questions]]\nid = "x"\n"""\n'),
    lambda text: text.replace("[[questions]]", '[[questions]]\nchoices = []', 1),
    lambda text: text.rstrip("\n"),
    lambda text: text.replace('title = "Bank"', 'title = "Bank"\nquestions = 3'),
]


@pytest.mark.parametrize("variant", range(len(_NATIVE_VARIANTS)))
def test_native_variations_read_alike(variant: int) -> None:
    _native_both(_NATIVE_VARIANTS[variant](write_native(_EXAMPLE)))


def test_native_hand_written_layout_is_fast_and_alike() -> None:
    text = """format = 1

[bank]
id = "hand"
title = "Hand written"

[[topics]]
id = "t1"
title = "One"

# --- a banner between questions ---

[[questions]]
id = "h-q1"
type = "single"
topic = "t1"
difficulty = 2
tags = ["a", "b"]
source = "Somewhere"
reviewed = 2026-01-02
stem = \"\"\"
Line one "quoted" and ""two""
line two\\twith a tab escape
\"\"\"
rationale = "Why."

[[questions.choices]]
text = "Right"
correct = true
feedback = "Yes."

[[questions.choices]]
text = "Wrong"
correct = false
fixed = true
weight = -25.5

[[questions]]
id = "h-q2"
topic = "nope"
stem = "No type, unknown topic"

[[questions.choices]]
text = "Only one"
"""
    assert _native_is_fast(text)
    parsed = _native_both(text)
    assert parsed.bank is not None
    assert parsed.bank.questions[0].stem == (
        'Line one "quoted" and ""two""\nline two\twith a tab escape')
    line = text.split("\n").index('id = "h-q2"')  # the header is the line above
    assert [str(p) for p in validate_bank(parsed.bank, file="hand.toml")
            if "unknown topic" in p.message] == [
        f"hand.toml:{line}: question 'h-q2' uses unknown topic 'nope'"]


# --- Moodle XML -----------------------------------------------------------------------------


def test_written_moodle_xml_takes_the_fast_path() -> None:
    data = write_moodle_xml(_EXAMPLE).encode()
    assert _xml_is_fast(data)
    _xml_both(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_banks())
def test_moodle_xml_fast_path_reads_what_elementtree_reads(bank: Bank) -> None:
    _xml_both(write_moodle_xml(bank).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tame_banks())
def test_plausible_moodle_xml_banks_all_take_the_fast_path(bank: Bank) -> None:
    data = write_moodle_xml(bank).encode()
    assert _xml_is_fast(data)
    _xml_both(data)


_XML_VARIANTS: list[Callable[[str], str]] = [
    lambda text: text.replace("\n", "\r\n"),
    _replace_once("exported", "exported\r"),  # a lone CR: expat and decode_text make it a line
    lambda text: "\ufeff" + text,
    lambda text: text.replace('<?xml version="1.0" encoding="UTF-8"?>\n', ""),
    lambda text: text.replace("UTF-8", "ISO-8859-1"),
    _replace_once("<quiz>", '<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>'),
    _replace_once("<quiz>", '<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<quiz>'),
    _replace_once("exported", "exported <!ENTITY x 'y'>"),
    _replace_once("exported", "exported <![CDATA[ x ]]>"),
    _replace_once("<text>Which?", "<text><![CDATA[<p>Which?</p>]]>"),
    _replace_once("<text>Which?", "<text>&#1;Which?"),
    _replace_once("<text>Which?", "<text>&#x1F600;&#233;&#xe9;&quot;&apos;Which?"),
    _replace_once("<text>Which?", "<text>]]>Which?"),
    _replace_once("<text>Which?", "<text>&nbsp;Which?"),
    _replace_once("Right.</text>", "Right. &gt;\n      </text>"),
    _replace_once("Right.</text>", "\n   \n</text>"),
    _replace_once("<text>Right.</text>", "<text />"),
    _replace_once('format="markdown"', 'format="html"'),
    _replace_once('format="markdown"', 'format="moodle_auto_format"'),
    _replace_once('format="markdown"', 'format="mark&amp;down"'),
    _replace_once(' format="markdown">\n      <text>A &amp; B', '>\n      <text>A &amp; B'),
    _replace_once('fraction="100"', 'fraction="abc"'),
    _replace_once('fraction="100"', 'fraction=" 100 "'),
    _replace_once('type="multichoice"', 'type="shortanswer"'),
    _replace_once('type="multichoice"', 'type=" Category "'),
    _replace_once('type="multichoice"', 'type="MultiChoice"'),
    _replace_once("<single>true</single>", "<single>false</single>"),
    _replace_once("<single>true</single>", "<single />"),
    _replace_once("<idnumber>q-1</idnumber>", "<idnumber>Not an id!</idnumber>"),
    _replace_once("<idnumber>q-1</idnumber>", "<idnumber>q-2</idnumber>"),
    _replace_once("<hidden>0</hidden>", "<hidden>0</hidden>\n    <hint><text>h</text></hint>"),
    _replace_once("    <answer ", "    <!-- a note -->\n    <answer "),
    _replace_once("</question>", "</question>\n  <question type=\"description\"></question>"),
    _replace_once("</quiz>", "</quiz>\n<!-- after -->"),
    _replace_once("  <question", "\t<question"),
    lambda text: text.replace("$course$/top/Topic one", "$course$/top"),
    lambda text: text.replace("Topic one", "Parent//Child / Topic"),
    lambda text: text.replace("<tags>", "<tags>\n      <tag>\n        <text />\n      </tag>"),
    lambda text: text.replace("</quiz>", ""),
    lambda text: text.replace("<quiz>", "<bank>").replace("</quiz>", "</bank>"),
]


@pytest.mark.parametrize("variant", range(len(_XML_VARIANTS)))
def test_moodle_xml_variations_read_alike(variant: int) -> None:
    _xml_both(_XML_VARIANTS[variant](write_moodle_xml(_EXAMPLE)).encode())


def test_more_answers_than_slots_go_to_elementtree() -> None:
    question = Question("big", QuestionType.MULTIPLE, "t1", "Nine?",
                        tuple(Choice(f"c{i}", i == 0) for i in range(9)))
    data = write_moodle_xml(dataclasses.replace(_EXAMPLE, questions=(question,))).encode()
    assert not _xml_is_fast(data)
    parsed = _xml_both(data)
    assert parsed.bank is not None and len(parsed.bank.questions[0].choices) == 9


def test_fast_xml_problems_name_the_same_file_and_line() -> None:
    text = write_moodle_xml(_EXAMPLE).replace('fraction="100"', 'fraction="lots"', 1)
    parsed = _xml_both(text.encode())
    line = text.split("\n").index('  <question type="multichoice">') + 1
    assert [str(p) for p in parsed.problems] == [
        f"quiz.xml:{line}: question 'First': answer fraction 'lots' is not a number"]


def test_fast_xml_still_refuses_bombs_and_external_entities() -> None:
    bomb = write_moodle_xml(_EXAMPLE).replace(
        "<quiz>", '<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n<quiz>',
        1).replace("Which?", "&b;", 1)
    parsed = read_moodle_xml(bomb.encode(), file="bomb.xml")
    assert parsed.bank is None and "refused" in parsed.problems[0].message
    assert parsed.problems[0].line == 2
    xxe = write_moodle_xml(_EXAMPLE).replace(
        "<quiz>", '<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<quiz>', 1
    ).replace("Which?", "&x;", 1)
    parsed = read_moodle_xml(xxe.encode(), file="xxe.xml")
    assert parsed.bank is None and "external entity" in parsed.problems[0].message


def test_malformed_fast_layout_names_the_line_like_elementtree() -> None:
    text = write_moodle_xml(_EXAMPLE).replace("</name>", "</nam>", 1)
    parsed = _xml_both(text.encode())
    assert parsed.bank is None and parsed.problems[0].line == text.split("\n").index(
        "    </nam>") + 1


_ONE_SCAN = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<question(?=[\s>/])", re.DOTALL)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<question ", "<question>", "<questiontext>", "<!--", "-->",
                                 "<![CDATA[", "]]>", "\n", "x", "<!", "<question/"]),
                max_size=14).map("".join))
def test_question_lines_match_one_left_to_right_scan(text: str) -> None:
    lines, line, last = [], 1, 0
    for match in _ONE_SCAN.finditer(text):
        if match.group().startswith("<question"):
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
    assert moodle_xml._question_lines(text.encode()) == lines


def test_gift_escapes_in_one_pass_match_replacing_each_in_turn() -> None:
    table = gift._ESCAPED
    for size in range(6):
        for parts in itertools.product(["\\", "~", "=", "#", "{", "}", ":", "n", "a"],
                                       repeat=size):
            text = "".join(parts)
            in_turn = text
            for old, new in table.items():
                in_turn = in_turn.replace(old, new)
            assert gift._ESCAPE.sub(gift._placeholder, text) == in_turn, text


# --- the model's own constructors -----------------------------------------------------------


@pytest.mark.parametrize("cls", [Choice, Question])
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

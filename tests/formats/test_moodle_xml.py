"""Moodle XML: reading real-looking exports, refusing XML tricks, and writing what Moodle takes."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as SafeET

from mht_desktop.core.banks import Bank, BankInfo, Choice, Flashcard, Question, QuestionType, Topic
from mht_desktop.core.validation import has_errors, validate_bank
from mht_desktop.formats.base import ParsedBank
from mht_desktop.formats.moodle_xml import read_moodle_xml
from mht_desktop.formats.moodle_xml_writer import write_moodle_xml
from mht_desktop.formats.text import (
    MOODLE_FRACTIONS,
    format_percent,
    html_to_text,
    moodle_fractions,
    nearest_moodle_fraction,
)

EXPORT = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- a comment that mentions <question type="essay"> must not shift the lines -->
  <question type="category">
    <category>
      <text>$course$/top/Safety &amp; Infection</text>
    </category>
    <info format="html">
      <text><![CDATA[<p>Standard precautions</p>]]></text>
    </info>
  </question>
  <question type="multichoice">
    <name>
      <text>Hand hygiene</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>After caring for a patient with <i>C. difficile</i>, clean your hands
      with:</p><p><img src="@@PLUGINFILE@@/hands.png" alt="hands"></p>]]></text>
      <file name="hands.png" path="/" encoding="base64">iVBORw0KGgo=</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Soap &amp; water removes spores; alcohol does not.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>hh-001</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html"><text>Your answer is correct.</text></correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Soap and water</p>]]></text>
      <feedback format="html"><text>Yes.</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>Alcohol-based rub</text>
      <feedback format="html"><text><![CDATA[Spores <b>survive</b> it.]]></text></feedback>
    </answer>
    <tags>
      <tag><text>infection</text></tag>
      <tag><text>c-diff</text></tag>
    </tags>
  </question>
  <question type="essay">
    <name><text>Describe</text></name>
    <questiontext format="html"><text><![CDATA[<question type="fake">]]></text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>Vital signs</text></name>
    <questiontext format="markdown"><text>Which are **vital signs**?</text></questiontext>
    <idnumber>not a valid id!</idnumber>
    <single>false</single>
    <shuffleanswers>0</shuffleanswers>
    <answer fraction="33.33333"><text>Pulse</text></answer>
    <answer fraction="33.33333"><text>Respirations</text></answer>
    <answer fraction="33.33334"><text>Blood pressure</text></answer>
    <answer fraction="-100"><text>Hair colour</text></answer>
  </question>
  <question type="category">
    <category><text>$course$/top</text></category>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="moodle_auto_format"><text>A resting adult pulse of 60–100 is normal.
Answer true or false.</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>Right.</text></feedback></answer>
    <answer fraction="0"><text>false</text>
      <feedback><text>Check the range.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>Short</text></name>
  </question>
</quiz>
"""


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.index(marker, at + 1)
    return text.count("\n", 0, at) + 1


def parse(text: str | bytes, file: str = "moodle-export.xml") -> ParsedBank:
    return read_moodle_xml(text.encode() if isinstance(text, str) else text, file=file)


def test_reads_a_moodle_export() -> None:
    result = parse(EXPORT)
    bank = result.bank
    assert bank is not None
    assert result.errors == []
    hands, vitals, tf = bank.questions
    assert [(t.id, t.title, t.description) for t in bank.topics] == [
        ("safety-infection", "Safety & Infection", "Standard precautions"),
        ("moodle-export", "Moodle export", "")]

    assert (hands.id, hands.title, hands.type) == ("hh-001", "Hand hygiene", QuestionType.SINGLE)
    assert hands.stem == ("After caring for a patient with C. difficile, clean your hands "
                          "with:")
    assert hands.rationale == "Soap & water removes spores; alcohol does not."
    assert [(c.text, c.correct, c.feedback) for c in hands.choices] == [
        ("Soap and water", True, "Yes."), ("Alcohol-based rub", False, "Spores survive it.")]
    assert hands.tags == ("infection", "c-diff")
    assert hands.topic == "safety-infection"
    assert hands.line == 12

    assert vitals.id == "vital-signs"  # the idnumber is not a valid id: the name is used
    assert vitals.type is QuestionType.MULTIPLE
    assert vitals.stem == "Which are **vital signs**?"
    assert [(c.correct, c.weight, c.fixed) for c in vitals.choices] == [
        (True, 33.33333, True), (True, 33.33333, True), (True, 33.33334, True),
        (False, -100.0, True)]

    assert tf.type is QuestionType.TRUE_FALSE
    assert tf.stem == "A resting adult pulse of 60–100 is normal.\nAnswer true or false."
    assert [(c.text, c.correct, c.feedback) for c in tf.choices] == [
        ("True", True, "Right."), ("False", False, "Check the range.")]
    assert tf.topic == "moodle-export"  # "$course$/top" is the default category


def test_warnings_name_their_lines() -> None:
    result = parse(EXPORT)
    messages = [(p.line, p.message) for p in result.warnings]
    assert messages == [
        (line_of(EXPORT, '<question type="multichoice">'),
         "question 'Hand hygiene': an embedded image or file was dropped (MHT Desktop shows "
         "text only)"),
        (line_of(EXPORT, '<question type="essay">', 2),
         "question 'Describe': type 'essay' is not supported (only multichoice and truefalse "
         "are); skipped"),
        (line_of(EXPORT, '<question type="shortanswer">'),
         "question 'Short': type 'shortanswer' is not supported (only multichoice and "
         "truefalse are); skipped"),
    ]
    assert messages[1][0] == 45


def test_single_choice_partial_credit() -> None:
    result = parse('<quiz><question type="multichoice"><name><text>P1</text></name>'
                   '<questiontext><text>Q</text></questiontext>'
                   '<answer fraction="100"><text>a</text></answer>'
                   '<answer fraction="50"><text>b</text></answer>'
                   '<answer fraction="0"><text>c</text></answer></question></quiz>')
    assert result.bank is not None
    (q,) = result.bank.questions
    assert [(c.correct, c.weight) for c in q.choices] == [(True, None), (False, 50.0),
                                                           (False, None)]


def test_duplicate_names_and_ids_get_numbered_ids() -> None:
    question = ('<question type="truefalse"><name><text>Same</text></name>'
                '<idnumber>dup-id</idnumber><questiontext><text>Q</text></questiontext>'
                '<answer fraction="100"><text>true</text></answer>'
                '<answer fraction="0"><text>false</text></answer></question>')
    result = parse(f"<quiz>{question * 3}</quiz>")
    assert result.bank is not None
    assert [q.id for q in result.bank.questions] == ["dup-id", "same", "q0003"]


@pytest.mark.parametrize(("body", "words"), [
    ('<question type="multichoice"><questiontext><text>Q</text></questiontext></question>',
     "no <answer>"),
    ('<question type="truefalse"><answer fraction="100"><text>yes</text></answer></question>',
     "needs the answers 'true' and 'false'"),
    ('<question type="multichoice"><answer fraction="lots"><text>a</text></answer></question>',
     "is not a number"),
])
def test_question_errors_name_their_line(body: str, words: str) -> None:
    result = parse(f'<?xml version="1.0"?>\n<quiz>\n\n{body}\n</quiz>\n')
    assert [(e.line, words in e.message) for e in result.errors] == [(4, True)]


def test_malformed_xml_names_the_line() -> None:
    text = ("<?xml version=\"1.0\"?>\n<quiz>\n  <question type=\"multichoice\">\n"
            "    <name><text>x</text>\n  </question>\n</quiz>\n")
    result = parse(text)
    assert result.bank is None
    (error,) = result.errors
    assert error.line == 5
    assert "not well-formed XML (Opening and ending tag mismatch" in error.message


def test_not_a_quiz() -> None:
    result = parse("<html><body/></html>")
    assert result.bank is None
    assert "root element is <html>" in result.errors[0].message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="category"><category><text>&lol4;</text></category></question></quiz>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [
<!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<quiz><question type="multichoice"><name><text>&xxe;</text></name></question></quiz>
"""


def test_xml_bomb_is_refused() -> None:
    result = parse(BILLION_LAUGHS)
    assert result.bank is None
    (error,) = result.errors
    assert error.line == 3
    assert error.message.startswith("refused: the file declares entities (possible XML bomb)")


def test_external_entity_is_refused() -> None:
    result = parse(EXTERNAL_ENTITY)
    assert result.bank is None
    (error,) = result.errors
    assert error.line == 3
    assert "refused" in error.message and "external entity" in error.message
    assert "root:" not in str(result.problems)  # nothing of /etc/passwd leaked


def test_entity_in_utf16_file_is_refused_too() -> None:
    result = parse(BILLION_LAUGHS.replace('<?xml version="1.0"?>', "").encode("utf-16"))
    assert result.bank is None
    assert "possible XML bomb" in result.errors[0].message


def test_windows_line_endings_keep_line_numbers() -> None:
    text = EXPORT.replace("\n", "\r\n")
    result = parse(text)
    assert [w.line for w in result.warnings] == [12, 45, line_of(EXPORT, "shortanswer")]


def test_html_to_text() -> None:
    assert html_to_text("plain & simple") == "plain & simple"
    assert html_to_text("a &lt;b&gt; &amp;amp;") == "a <b> &amp;"
    assert html_to_text("<p>One</p>\n\n<p>Two<br/>three</p>") == "One\n\nTwo\nthree"
    assert html_to_text("<ul><li>a</li><li>b</li></ul>") == "- a\n- b"
    assert html_to_text('<a href="x>y" onclick=\'1>0\'>link</a> text') == "link text"
    assert html_to_text("<script>alert('x')</script><style>p{}</style>ok") == "ok"
    assert html_to_text("<!-- hidden <b> -->shown") == "shown"
    assert html_to_text("x < y and 5<6") == "x < y and 5<6"
    assert html_to_text("<b>Pulse</b>\n<i>rate</i>&nbsp;60") == "Pulse rate 60"


# --- writing --------------------------------------------------------------------------------

def sample_bank() -> Bank:
    return Bank(
        info=BankInfo("safety", "Safety -- basics"),
        topics=(Topic("infection", "Infection / control", "Hand hygiene and PPE"),
                Topic("vitals", "Vitals")),
        questions=(
            Question("inf-q001", QuestionType.SINGLE, "infection",
                     "After C. diff care use <soap> & water?\x0b",
                     (Choice("Soap and water", True, "Removes spores"),
                      Choice("Alcohol rub", False, "Spores survive"),
                      Choice("None of the above", False, fixed=True)),
                     rationale="**Spores** need friction.", tags=("infection", "c-diff")),
            Question("vit-q001", QuestionType.MULTIPLE, "vitals", "Which are vital signs?",
                     (*(Choice(t, True) for t in ("Pulse", "BP", "Respirations")),
                      Choice("Hair colour", False, "No"))),
            Question("vit-q002", QuestionType.TRUE_FALSE, "vitals", "60–100 is normal.",
                     (Choice("True", True, "Yes"), Choice("False", False, "No")),
                     title="Pulse range"),
        ),
        flashcards=(Flashcard("f1", "vitals", "Front", "Back"),),
    )


def test_written_xml_is_what_moodle_expects() -> None:
    text = write_moodle_xml(sample_bank())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    root = SafeET.fromstring(text.encode())
    categories = [q.findtext("category/text") for q in root.iter("question")
                  if q.get("type") == "category"]
    assert categories == ["$course$/top/Infection // control", "$course$/top/Vitals"]
    fractions = [float(a.get("fraction")) for a in root.iter("answer")]
    allowed = set(MOODLE_FRACTIONS) | {-f for f in MOODLE_FRACTIONS}
    assert all(f in allowed for f in fractions)
    multi = next(q for q in root.iter("question") if q.findtext("idnumber") == "vit-q001")
    assert multi.findtext("single") == "false"
    assert [a.get("fraction") for a in multi.iter("answer")] == [
        "33.33333", "33.33333", "33.33333", "-33.33333"]
    single = next(q for q in root.iter("question") if q.findtext("idnumber") == "inf-q001")
    assert single.findtext("questiontext/text") == "After C. diff care use <soap> & water?"
    assert single.find("questiontext").get("format") == "markdown"
    assert single.findtext("generalfeedback/text") == "**Spores** need friction."
    assert single.findtext("shuffleanswers") == "1"
    assert [t.findtext("text") for t in single.iter("tag")] == ["infection", "c-diff"]
    tf = next(q for q in root.iter("question") if q.get("type") == "truefalse")
    assert tf.findtext("name/text") == "Pulse range"
    assert [(a.findtext("text"), a.get("fraction")) for a in tf.iter("answer")] == [
        ("true", "100"), ("false", "0")]
    assert "Front" not in text


def test_write_then_read_round_trip() -> None:
    bank = sample_bank()
    result = read_moodle_xml(write_moodle_xml(bank).encode(), file="safety.xml")
    assert result.problems == []
    assert result.bank is not None
    assert [(t.title, t.description) for t in result.bank.topics] == [
        ("Infection / control", "Hand hygiene and PPE"), ("Vitals", "")]
    for original, copy in zip(bank.questions, result.bank.questions, strict=True):
        assert (copy.id, copy.type, copy.stem.rstrip("\x0b"), copy.rationale, copy.tags,
                copy.title) == (original.id, original.type, original.stem.rstrip("\x0b"),
                                original.rationale, original.tags, original.title)
        assert [(c.text, c.correct, c.feedback) for c in copy.choices] == [
            (c.text, c.correct, c.feedback) for c in original.choices]
    assert not has_errors(validate_bank(result.bank, file="safety.xml"))


@pytest.mark.parametrize(("right", "share"), [
    (1, "100"), (2, "50"), (3, "33.33333"), (4, "25"), (5, "20"), (6, "16.66667"),
    (7, "14.28571"), (8, "12.5")])
def test_multiple_response_shares(right: int, share: str) -> None:
    choices = tuple(Choice(str(i), i < right) for i in range(max(right, 2)))
    q = Question("q1", QuestionType.MULTIPLE, "t", "s", choices)
    fractions = moodle_fractions(q)
    assert format_percent(fractions[0]) == share
    if right < len(choices):
        assert format_percent(fractions[-1]) == f"-{share}"


def test_kept_weights_win_when_consistent() -> None:
    q = Question("q1", QuestionType.MULTIPLE, "t", "s", (
        Choice("a", True, weight=70), Choice("b", True, weight=30),
        Choice("c", False, weight=-50), Choice("d", False, weight=20)))
    assert moodle_fractions(q) == [70.0, 30.0, -50.0, -50.0]


def test_nearest_moodle_fraction() -> None:
    assert nearest_moodle_fraction(33.3) == 33.33333
    assert nearest_moodle_fraction(-34) == -33.33333
    assert nearest_moodle_fraction(99) == 100
    assert nearest_moodle_fraction(1) == 0
    assert format_percent(-12.5) == "-12.5" and format_percent(0.0) == "0"


def test_large_export_parses() -> None:
    questions = tuple(
        Question(f"q{i:05d}", QuestionType.SINGLE, "vitals", f"Question {i}: pulse?",
                 (Choice("60–100", True, "ok"), Choice("20–40", False, "low")),
                 rationale="Normal range.")
        for i in range(5000))
    bank = Bank(BankInfo("big", "Big"), (Topic("vitals", "Vitals"),), questions)
    data = write_moodle_xml(bank).encode()
    result = read_moodle_xml(data, file="big.xml")
    assert result.problems == []
    assert result.bank is not None and len(result.bank.questions) == 5000
    assert result.bank.questions[-1].line == line_of(data.decode(), "<question type=\"multi",
                                                     5000)

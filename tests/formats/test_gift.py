"""GIFT reader and writer: every supported feature, every skipped kind, every error's line."""

from __future__ import annotations

import pytest

from mht_desktop.core.banks import Bank, BankInfo, Choice, Flashcard, Question, QuestionType, Topic
from mht_desktop.core.errors import Severity
from mht_desktop.core.validation import has_errors, validate_bank
from mht_desktop.formats.base import ParsedBank
from mht_desktop.formats.gift import looks_like_gift, read_gift
from mht_desktop.formats.gift_writer import write_gift


def parse(text: str, file: str = "unit-3 vitals.gift") -> ParsedBank:
    return read_gift(text, file=file)


def only_question(text: str) -> Question:
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    assert len(result.bank.questions) == 1
    return result.bank.questions[0]


def texts(question: Question) -> list[tuple[str, bool]]:
    return [(c.text, c.correct) for c in question.choices]


# --- multiple choice ------------------------------------------------------------------------

def test_multiple_choice_with_title_feedback_and_general_feedback() -> None:
    q = only_question(
        "::Resting pulse::What is a normal resting pulse for an adult? {\n"
        "  ~40–60 beats per minute#Too slow for most adults.\n"
        "  =60–100 beats per minute#Right.\n"
        "  ~100–140 beats per minute\n"
        "  ####Adults at rest usually have a pulse between 60 and 100.\n"
        "}\n"
    )
    assert q.id == "resting-pulse"
    assert q.title == "Resting pulse"
    assert q.type is QuestionType.SINGLE
    assert q.stem == "What is a normal resting pulse for an adult?"
    assert texts(q) == [("40–60 beats per minute", False), ("60–100 beats per minute", True),
                        ("100–140 beats per minute", False)]
    assert [c.feedback for c in q.choices] == ["Too slow for most adults.", "Right.", ""]
    assert q.rationale == "Adults at rest usually have a pulse between 60 and 100."
    assert q.difficulty == 2
    assert q.line == 1


def test_answers_on_one_line() -> None:
    q = only_question("Which hand hygiene after C. difficile care? {=Soap and water ~Alcohol rub}")
    assert texts(q) == [("Soap and water", True), ("Alcohol rub", False)]


def test_single_choice_keeps_partial_credit_weights() -> None:
    q = only_question("Where? {=Nazareth ~%50%Galilee#Close ~%-25%Rome ~Athens}")
    assert q.type is QuestionType.SINGLE
    assert [(c.text, c.correct, c.weight) for c in q.choices] == [
        ("Nazareth", True, None), ("Galilee", False, 50.0), ("Rome", False, -25.0),
        ("Athens", False, None)]
    assert q.choices[1].feedback == "Close"


def test_multiple_response_uses_weights() -> None:
    q = only_question(
        "::vitals::Which are vital signs? {\n"
        "  ~%33.33333%Pulse\n  ~%33.33333%Respirations#Yes\n  ~%33.33334%Blood pressure\n"
        "  ~%-100%Hair colour#No\n}"
    )
    assert q.type is QuestionType.MULTIPLE
    assert texts(q) == [("Pulse", True), ("Respirations", True), ("Blood pressure", True),
                        ("Hair colour", False)]
    assert [c.weight for c in q.choices] == [33.33333, 33.33333, 33.33334, -100.0]
    assert q.choices[3].feedback == "No"


def test_missing_word_puts_a_blank_in_the_stem() -> None:
    q = only_question("A resting adult pulse above {~60 =100 ~140} beats per minute is "
                      "called tachycardia.")
    assert q.stem == "A resting adult pulse above _____ beats per minute is called tachycardia."
    assert texts(q) == [("60", False), ("100", True), ("140", False)]


@pytest.mark.parametrize(("block", "answer"), [
    ("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ true }", True)])
def test_true_false(block: str, answer: bool) -> None:
    q = only_question(f"Staff should wash hands with soap and water after C. diff care. {block}")
    assert q.type is QuestionType.TRUE_FALSE
    assert texts(q) == [("True", answer), ("False", not answer)]
    assert q.stem == "Staff should wash hands with soap and water after C. diff care."


def test_true_false_feedback_goes_to_the_choice_the_learner_picks() -> None:
    q = only_question("Alcohol rub kills C. difficile spores. {F#Spores survive alcohol.#Right: "
                      "use soap and water.####Spores need mechanical removal.}")
    true, false = q.choices
    assert (true.correct, true.feedback) == (False, "Spores survive alcohol.")
    assert (false.correct, false.feedback) == (True, "Right: use soap and water.")
    assert q.rationale == "Spores need mechanical removal."
    q = only_question("Pulse 60–100 is normal. {TRUE#Check the range again.#Correct.}")
    assert [c.feedback for c in q.choices] == ["Correct.", "Check the range again."]


# --- text handling --------------------------------------------------------------------------

def test_escapes() -> None:
    q = only_question(
        r"::a\:b::Use \{braces\}, \~tilde, \=equals, \#hash and a \\ backslash\nnew line "
        r"{=right\~ish#fb \= ok ~wrong\: no}"
    )
    assert q.title == "a:b"
    assert q.stem == "Use {braces}, ~tilde, =equals, #hash and a \\ backslash\nnew line"
    assert texts(q) == [("right~ish", True), ("wrong: no", False)]
    assert q.choices[0].feedback == "fb = ok"


def test_escaped_backslash_does_not_escape_the_next_character() -> None:
    q = only_question(r"Path C:\\ {=yes\\ ~no}")
    assert q.stem == "Path C:\\"
    assert texts(q) == [("yes\\", True), ("no", False)]


@pytest.mark.parametrize("prefix", ["[html]", "[moodle]", ""])
def test_html_is_flattened_to_plain_text(prefix: str) -> None:
    q = only_question(
        f"{prefix}<p>Check the <b>pulse</b> &amp; respirations.</p><p>Then report.</p>"
        "<script>alert(1)</script>{=<i>Right</i> ~Wrong &lt;b&gt;}"
    )
    assert q.stem == "Check the pulse & respirations.\n\nThen report."
    assert texts(q) == [("Right", True), ("Wrong <b>", False)]


@pytest.mark.parametrize("prefix", ["[plain]", "[markdown]", "[MARKDOWN]"])
def test_plain_and_markdown_text_is_kept(prefix: str) -> None:
    q = only_question(f"::t1::{prefix}**Bold** <b>literal</b> &amp; {{=a ~b}}")
    assert q.stem == "**Bold** <b>literal</b> &amp;"


def test_images_are_dropped_with_a_warning() -> None:
    result = parse('::img::[html]Look <img src="@@PLUGINFILE@@/chart.png"> here {=a ~b}')
    assert result.bank is not None
    assert result.bank.questions[0].stem == "Look here"
    (warning,) = result.warnings
    assert warning.line == 1 and "image" in warning.message


def test_comments_are_ignored_and_do_not_split_questions() -> None:
    result = parse(
        "// a comment at the top\n"
        "\n"
        "::q1::Line one\n"
        "// a comment inside the question\n"
        "{=a\n"
        "~b}\n"
        "\n"
        "// only comments here\n"
        "\n"
        "::q2::See http://example.org/x // not a comment {=a ~b}\n"
    )
    assert result.problems == []
    assert result.bank is not None
    q1, q2 = result.bank.questions
    assert (q1.id, q1.stem, q1.line) == ("q1", "Line one", 3)
    assert q2.stem == "See http://example.org/x // not a comment"
    assert q2.line == 10


def test_unicode_text_and_titles() -> None:
    result = parse(
        "::Presión arterial::¿Cuál es la presión normal? 血压 😀 {=120/80 mmHg ~200/120}\n\n"
        "::血压::CJK title {=a ~b}\n\n"
        "::😀::Emoji title {=a ~b}\n"
    )
    assert result.problems == []
    assert result.bank is not None
    ids = [q.id for q in result.bank.questions]
    assert ids == ["presion-arterial", "q0002", "q0003"]
    assert result.bank.questions[0].stem == "¿Cuál es la presión normal? 血压 😀"
    assert result.bank.questions[1].title == "血压"


def test_lines_starting_with_unicode_spaces_stay_in_their_question() -> None:
    result = parse("::nb::Line one\n\u00a0continued {=a ~b}\n\u3000\n::nb2::Next {T}\n")
    assert result.problems == []
    assert result.bank is not None
    assert [(q.id, q.stem, q.line) for q in result.bank.questions] == [
        ("nb", "Line one\n\u00a0continued", 1), ("nb2", "Next", 4)]


def test_windows_line_endings() -> None:
    text = "::a1::First {\r\n=yes\r\n~no\r\n}\r\n\r\n::a2::Second {T}\r\n"
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None
    assert [(q.id, q.line) for q in result.bank.questions] == [("a1", 1), ("a2", 6)]
    assert texts(result.bank.questions[0]) == [("yes", True), ("no", False)]


# --- ids, topics, bank info -----------------------------------------------------------------

def test_ids_from_titles_else_numbered_and_unique() -> None:
    result = parse(
        "::Pulse::A {=a ~b}\n\n"      # pulse
        "B {=a ~b}\n\n"               # q0002
        "::Pulse::C {=a ~b}\n\n"      # duplicate title → q0003
        "::!!::D {=a ~b}\n\n"         # nothing usable → q0004
        "::deesc_q001::E {=a ~b}\n\n"  # already a valid id: kept verbatim
        "::q0002::F {=a ~b}\n"         # taken by the second question → q0006
    )
    assert result.bank is not None
    assert [q.id for q in result.bank.questions] == [
        "pulse", "q0002", "q0003", "q0004", "deesc_q001", "q0006"]
    assert [q.title for q in result.bank.questions] == ["Pulse", "", "Pulse", "!!", "", "q0002"]


def test_categories_set_topics_in_order_and_default_topic_when_used() -> None:
    result = parse(
        "Before any category {=a ~b}\n\n"
        "$CATEGORY: $course$/top/Safety/Infection control\n\n"
        "In infection {=a ~b}\n\n"
        "$CATEGORY: Vital signs\n"
        "Right under the category line {=a ~b}\n\n"
        "$CATEGORY: $course$/top\n\n"
        "Back in the default {=a ~b}\n",
        file="Unit 3 – Basics.gift",
    )
    assert result.problems == []
    bank = result.bank
    assert bank is not None
    assert bank.info.id == "unit-3-basics"
    assert bank.info.title == "Unit 3 – Basics"
    assert [(t.id, t.title) for t in bank.topics] == [
        ("unit-3-basics", "Unit 3 – Basics"), ("infection-control", "Infection control"),
        ("vital-signs", "Vital signs")]
    assert [q.topic for q in bank.questions] == [
        "unit-3-basics", "infection-control", "vital-signs", "unit-3-basics"]
    assert bank.questions[2].line == 8


def test_unused_default_topic_is_not_declared() -> None:
    result = parse("$CATEGORY: Vitals\n\nQ {=a ~b}\n")
    assert result.bank is not None
    assert [t.id for t in result.bank.topics] == ["vitals"]


# --- skipped kinds and errors ---------------------------------------------------------------

@pytest.mark.parametrize(("question", "what"), [
    ("Describe de-escalation. {}", "essay"),
    ("Match. {=pulse -> heart =breaths -> lungs}", "matching"),
    ("Normal temperature in °C? {#37:0.5}", "numerical"),
    ("Two plus two? {=four =4}", "short-answer"),
    ("Read the chapter before starting.", "descriptions"),
])
def test_unsupported_kinds_are_skipped_with_a_warning_naming_their_line(
        question: str, what: str) -> None:
    result = parse(f"::ok1::Kept {{=a ~b}}\n\n// comment\n{question}\n\n::ok2::Kept {{T}}\n")
    assert result.errors == []
    (warning,) = result.warnings
    assert warning.severity is Severity.WARNING
    assert warning.line == 4
    assert what in warning.message
    assert result.bank is not None
    assert [q.id for q in result.bank.questions] == ["ok1", "ok2"]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("::a::ok {=a ~b}\n\n::b::Stem\nmore {\n=a\n~b\n", 4, "never closed"),
    ("Stem } {=a ~b}", 1, "comes before"),
    ("::s::Stray\nbrace } here", 2, "without an opening"),
    ("Stem {\n=a {\n~b}", 2, "inside an answer block"),
    ("Stem {=a ~b} and {=c ~d}", 1, "only one answer block"),
    ("Stem {\n=a\n~\n~c\n}", 3, "answer 2 is empty"),
    ("Stem {\nfirst\n=a ~b}", 2, "text before the first answer"),
    ("Stem {~%0%a ~b ~%-50%c}", 1, "no answer is right"),
    ("Stem {\n~%150%a\n~b}", 2, "is not a grade Moodle accepts"),
    ("\n\n::unclosed title\nStem {=a ~b}", 3, "never closed with '::'"),
])
def test_errors_name_their_line(text: str, line: int, words: str) -> None:
    result = parse(text)
    errors = result.errors
    assert len(errors) == 1, errors
    assert errors[0].line == line
    assert words in errors[0].message
    assert str(errors[0]).startswith(f"unit-3 vitals.gift:{line}: ")


def test_an_error_skips_only_its_question() -> None:
    result = parse("::aa::ok {=a ~b}\n\n::bb::bad {=a\n\n::cc::ok {T}\n")
    assert [e.line for e in result.errors] == [3]
    assert result.bank is not None
    assert [q.id for q in result.bank.questions] == ["aa", "cc"]


def test_parsed_bank_passes_validation_with_warnings_only() -> None:
    result = parse("$CATEGORY: Vitals\n\n::p1::Pulse? {=60–100 ~20–40####Normal range.}\n\n"
                   "::p2::Checkbox {~%50%a ~%50%b ~%-100%c}\n\n::p3::TF {F}\n")
    assert result.bank is not None
    problems = validate_bank(result.bank, file="x.gift")
    assert not has_errors(problems)
    assert {p.message.split()[-1] for p in problems} == {"source", "rationale"}


# --- detection ------------------------------------------------------------------------------

def test_looks_like_gift() -> None:
    assert looks_like_gift("// quiz\n\n::Q1::What? {=a ~b}\n\nWhy? {T}\n")
    assert looks_like_gift("$CATEGORY: x\n\nQ {\n=a\n~b\n}\n")
    assert not looks_like_gift("front\tback\nfront2\tback2\n")
    assert not looks_like_gift("What is X?\nA. one\nB. two\nANSWER: A\n")
    assert not looks_like_gift("id,stem,choice_a,choice_b,correct\n1,a {=x},b,c,A\n"
                               + "2,plain,b,c,A\n" * 40)
    assert not looks_like_gift("{{c1::Cloze}} deletion\tback\n")
    assert not looks_like_gift("")


# --- writing --------------------------------------------------------------------------------

def sample_bank() -> Bank:
    return Bank(
        info=BankInfo("vitals", "Vital signs"),
        topics=(Topic("vital-signs", "Vital signs"), Topic("infection", "Infection")),
        questions=(
            Question("vs-q001", QuestionType.SINGLE, "vital-signs",
                     "Normal adult resting pulse (bpm)?\nPick one: {any} = ~ # \\ :",
                     (Choice("60–100", True, "Yes: 60 to 100."),
                      Choice("100–140 # fast", False, "That is tachycardia.")),
                     rationale="Normal adult range is 60–100 bpm.\nSecond line."),
            Question("inf-q001", QuestionType.MULTIPLE, "infection", "Pick all that apply",
                     (Choice("A", True), Choice("B", True), Choice("C", True),
                      Choice("D", False, "No"))),
            Question("inf-q002", QuestionType.TRUE_FALSE, "infection", "Alcohol kills spores.",
                     (Choice("True", False, "Spores survive."), Choice("False", True, "Yes."))),
            Question("vs-q002", QuestionType.SINGLE, "vital-signs", "Partial credit kept",
                     (Choice("a", True), Choice("b", False, weight=50.0), Choice("c", False))),
        ),
        flashcards=(Flashcard("f1", "vital-signs", "Front", "Back"),),
    )


def test_write_gift_output() -> None:
    text = write_gift(sample_bank())
    assert "$CATEGORY: $course$/top/Vital signs" in text
    assert ("::vs-q001::[markdown]Normal adult resting pulse (bpm)?\\nPick one\\: \\{any\\} "
            "\\= \\~ \\# \\\\ \\: {") in text
    assert "\t~%33.33333%A" in text and "\t~%-33.33333%D#No" in text
    assert "\tFALSE#Spores survive.#Yes." in text
    assert "\t~%50%b" in text
    assert "Front" not in text  # flashcards cannot be expressed in GIFT
    two_line_title = Bank(BankInfo("x1", "Line one\nLine two"), sample_bank().topics,
                          sample_bank().questions)
    assert read_gift(write_gift(two_line_title), file="x.gift").problems == []


def test_write_then_read_keeps_what_gift_carries() -> None:
    bank = sample_bank()
    result = read_gift(write_gift(bank), file="vitals.gift")
    assert result.problems == []
    assert result.bank is not None
    back = {q.id: q for q in result.bank.questions}
    for original in bank.questions:
        copy = back[original.id]
        assert copy.type is original.type
        assert copy.stem == original.stem
        assert copy.rationale == original.rationale
        assert [(c.text, c.correct, c.feedback) for c in copy.choices] == [
            (c.text, c.correct, c.feedback) for c in original.choices]
        assert copy.topic == original.topic
    assert [t.title for t in result.bank.topics] == ["Vital signs", "Infection"]


def test_large_file_parses() -> None:
    text = "\n\n".join(
        f"::big-{i}::Question {i}\\: normal pulse? {{\n=60–100#ok\n~20–40\n~140–180\n"
        f"####Because.\n}}" for i in range(5000))
    result = parse(text)
    assert result.problems == []
    assert result.bank is not None and len(result.bank.questions) == 5000
    assert result.bank.questions[-1].line == 5000 * 7 - 6

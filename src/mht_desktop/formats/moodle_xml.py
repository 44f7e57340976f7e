"""Moodle XML: the richest format Moodle exports, and the one it imports most faithfully.

This module reads it; ``moodle_xml_writer`` writes it.

Instructors who keep their banks in Moodle can move them here without retyping, and we can
hand banks back to Moodle with categories, feedback, rationales and ids intact.

The files come from strangers. They are parsed with lxml (libxml2), chosen because it reads a
Moodle export — every text in CDATA — about five times as fast as ElementTree, with every
dangerous feature switched off: entities are never expanded (``resolve_entities=False``), no
DTD is loaded and nothing is fetched (``no_network=True``), and libxml2's limits on depth and
text size stay on (``huge_tree=False``). On top of that a file that declares any entity — the
"billion laughs" bomb, or an external entity that could read files from this computer — is
refused before parsing, with a message: Moodle never writes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from mht_desktop.core.banks import Bank, Choice, Question, QuestionType, Topic
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank, info_from_file_name
from mht_desktop.formats.sniff import XmlEncodingError, xml_as_utf8
from mht_desktop.formats.text import (
    GRADE_LIST,
    ItemIds,
    TopicSet,
    drop_markdown_media,
    format_percent,
    has_embedded_media,
    html_to_text,
    is_top_category,
    moodle_grade,
    topic_for_path,
)

# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_TRUE_WORDS = frozenset({"true", "1", "yes"})
_SUPPORTED = ("multichoice", "truefalse")
_QUESTION_TAG = re.compile(rb"<question[ \t\n\r>/]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s+(?:%\s*)?[^\s>]+\s+(SYSTEM|PUBLIC)?")


def _parser() -> Any:
    """A libxml2 parser that expands nothing, fetches nothing and keeps its size limits."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False, remove_comments=True,
                           remove_pis=True, remove_blank_text=True)


def _refusal(data: bytes, file: str) -> Problem | None:
    """A clear message for a file that declares entities, or None when it declares none."""
    if b"<!ENTITY" not in data:
        return None
    match = _ENTITY_DECLARATION.search(data)
    at = data.find(b"<!ENTITY")
    line = data.count(b"\n", 0, at) + 1
    if match is not None and match.group(1):
        message = ("refused: the file declares an external entity, which could read files "
                   "from this computer; Moodle exports never do this")
    else:
        message = ("refused: the file declares entities (possible XML bomb); Moodle exports "
                   "never do this")
    return Problem(file, line, message)


def read_moodle_xml(data: bytes, *, file: str) -> ParsedBank:
    """Parse a Moodle XML question export.

    Multiple-choice (single and multiple response) and true/false questions are read;
    category pseudo-questions set the topic of what follows. Other question types are
    skipped with a warning naming their line.

    Args:
        data: The raw file (XML carries its own encoding declaration, which is honoured).
        file: The name used in messages and for the bank's id and title.

    Returns:
        The bank and its problems; ``bank`` is None when the XML cannot be read at all.
    """
    try:
        data = xml_as_utf8(data, file=file)
    except XmlEncodingError as exc:
        return ParsedBank(None, [exc.problem])
    refused = _refusal(data, file)
    if refused is not None:
        return ParsedBank(None, [refused])
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        reason = exc.msg.split(",")[0].split(":")[0].strip() or "syntax error"
        return ParsedBank(None, [Problem(
            file, line, f"not well-formed XML ({reason}, column {column + 1})")])
    if root is None or root.tag != "quiz":
        tag = "?" if root is None else root.tag
        return ParsedBank(None, [Problem(
            file, 1, f"not a Moodle XML quiz: the root element is <{tag}>, not <quiz>")])
    info, default_topic = info_from_file_name(file)
    reader = _XmlReader(file=file, topics=TopicSet(default_topic))
    lines = _QuestionLines(data)
    for element in root.iter("question"):
        reader.read(element, lines.of(element))
    bank = Bank(info=info, topics=reader.topics.topics(), questions=tuple(reader.questions))
    return ParsedBank(bank, reader.problems)


class _QuestionLines:
    """The line of each ``<question>``, in document order.

    libxml2 keeps an element's line in 16 bits: past line 65,535 its ``sourceline`` is only
    a guess. From there on the start tags are found in the bytes instead, counting from the
    last question whose line libxml2 knew.
    """

    _LIMIT = 65_535

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._known = 0  # the line of the last question libxml2 placed
        self._offset = -1  # where the last tag found by searching starts (-1: none yet)
        self._line = 0

    def of(self, element: Any) -> int | None:
        line: int | None = element.sourceline
        if line is not None and line < self._LIMIT and self._offset < 0:
            self._known = line
            return line
        data = self._data
        if self._offset < 0:  # first question past the limit: start at the last known one
            offset = -1
            for _ in range(self._known):
                offset = data.find(b"\n", offset + 1)
            self._offset, self._line = max(offset, 0), self._known
        # One search, not one per ``<questiontext`` on the way.
        found = _QUESTION_TAG.search(data, self._offset + 1)
        if found is None:
            return None
        at = found.start()
        self._line += data.count(b"\n", self._offset, at)
        self._offset = at
        return self._line


# What the reader needs from a ``<questiontext>``, ``<answer>``… element: the text of its
# ``<text>`` child ('' when there is none) and its ``format`` attribute ("html" by default).
_Holder = tuple[str, str]
# An ``<answer>``: its ``fraction`` attribute ("0" by default), itself as a holder, and its
# ``<feedback>`` child as a holder (None when it has none).
_Answer = tuple[str, _Holder, _Holder | None]


@dataclass(slots=True)
class _XmlReader:
    """Reads question elements in order, tracking the current category.

    ``read`` takes an lxml element apart; ``question`` and ``category`` apply every rule to
    the strings found.
    """

    file: str
    topics: TopicSet
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ids: ItemIds = field(default_factory=lambda: ItemIds("q"))
    current_topic: str | None = None
    position: int = 0

    def problem(self, line: int | None, message: str, *,
                severity: Severity = Severity.ERROR, item: str | None = None) -> None:
        self.problems.append(Problem(self.file, line, message, severity, item))

    def read(self, element: Any, line: int | None) -> None:
        """Handle one ``<question>`` element found at ``line``."""
        kind = (element.get("type") or "").strip().lower()
        # One pass over the children, and over each answer's: every lxml path lookup
        # (``find``, ``findtext``) goes through its path machinery, a plain loop over the
        # children in C does not, and a question has some thirty elements.
        fields: dict[Any, Any] = {}
        answers: list[_Answer] = []
        for child in element:
            tag = child.tag
            if tag == "answer":
                answers.append(_answer(child))
            elif tag not in fields:
                fields[tag] = child
        if kind == "category":
            self.category(_inner(fields.get("category")), _holder(fields.get("info")))
            return
        tags = fields.get("tags")
        self.question(
            kind, line, _inner(fields.get("name")), _holder(fields.get("questiontext")),
            _holder(fields.get("generalfeedback")), answers,
            single=_leaf_text(fields.get("single")),
            shuffle=_leaf_text(fields.get("shuffleanswers")),
            idnumber=_leaf_text(fields.get("idnumber")),
            tags=None if tags is None else [_inner(tag) for tag in tags])

    def question(self, kind: str, line: int | None, name_text: str,
                 questiontext: _Holder | None, generalfeedback: _Holder | None,
                 answers: list[_Answer], *, single: str, shuffle: str, idnumber: str,
                 tags: list[str] | None) -> None:
        """Handle a question of type ``kind`` (already stripped and lowercased).

        Args:
            kind: The ``type`` attribute.
            line: Where the question starts.
            name_text: The text of ``<name>``.
            questiontext: ``<questiontext>``, if there is one.
            generalfeedback: ``<generalfeedback>``, if there is one.
            answers: Every ``<answer>``, in order.
            single: The stripped text of ``<single>`` ('' without one); so are
                ``shuffle`` (``<shuffleanswers>``) and ``idnumber``.
            shuffle: See ``single``.
            idnumber: See ``single``.
            tags: The text of each child of ``<tags>`` (None without ``<tags>``).
        """
        self.position += 1
        name = _plain(name_text)
        label = _label(name)
        if kind not in _SUPPORTED:
            shown = kind or "(none)"
            self.problem(line, f"{label}: type '{shown}' is not supported (only multichoice "
                         "and truefalse are); skipped", severity=Severity.WARNING)
            return
        before = len(self.problems)
        stem = self._text(questiontext, line, label)
        rationale = self._text(generalfeedback, line, label)
        parsed = self._answers(answers, line, label)
        if kind == "truefalse":
            choices = self._true_false(parsed, line, name)
            qtype = QuestionType.TRUE_FALSE
        else:
            choices, qtype = self._multichoice(single, shuffle, parsed, bool(answers), line,
                                               name)
        if len(self.problems) > before and any(
                p.severity is Severity.ERROR for p in self.problems[before:]):
            return
        question_id = self.ids.take(self.position, exact=idnumber, title=name)
        kept = () if tags is None else tuple([t for t in map(str.strip, tags) if t])
        # Positional: Question(id, type, topic, stem, choices, rationale, difficulty, tags,
        # source, reviewed, jurisdiction, setting, title, line), a call 10,000 times over.
        self.questions.append(Question(
            question_id, qtype, self.topics.use(self.current_topic), stem, tuple(choices),
            rationale, 2, kept, "", None, (), (), name if name != question_id else "", line))

    def category(self, path_text: str, info: _Holder | None) -> None:
        """Handle a category pseudo-question: its path text and its ``<info>``."""
        path = path_text.strip()
        if is_top_category(path):  # Moodle's root category: the file's default topic
            self.current_topic = None
            return
        topic = topic_for_path(path)
        description = self._text(info, None, "category")
        if description:
            topic = Topic(topic.id, topic.title, description)
        self.current_topic = self.topics.register(topic)

    def _text(self, holder: _Holder | None, line: int | None, label: str) -> str:
        """Plain text of a ``<… format=…><text>`` element, warning about dropped media."""
        if holder is None:
            return ""
        raw, fmt = holder
        if fmt == "markdown" and "<" not in raw and "@@" not in raw and "![" not in raw:
            return raw.strip()  # the usual case, what the rest would do, in one test
        if ("<" in raw or "@@" in raw) and has_embedded_media(raw):
            self.problem(line, f"{label}: an embedded image or file was dropped (MHT Desktop "
                         "shows text only)", severity=Severity.WARNING)
        if fmt in ("markdown", "plain_text"):
            return drop_markdown_media(raw).strip()
        if fmt == "moodle_auto_format":  # Moodle turns its line breaks into <br>
            raw = raw.replace("\n", "<br>")
        return html_to_text(raw).strip()

    def _answers(self, answers: list[_Answer], line: int | None,
                 label: str) -> list[tuple[str, float, str]]:
        """(text, fraction, feedback) for every ``<answer>``."""
        parsed = []
        text_of = self._text
        for raw_fraction, text, feedback in answers:
            try:
                fraction = float(raw_fraction)
            except ValueError:
                self.problem(line, f"{label}: answer fraction {raw_fraction!r} is not a number")
                continue
            if moodle_grade(fraction) is None:
                self.problem(line, f"{label}: the grade {raw_fraction} % is not one Moodle "
                             f"accepts (its list: {GRADE_LIST})")
                continue
            parsed.append((text_of(text, line, label), fraction, text_of(feedback, line, label)))
        return parsed

    def _multichoice(self, single_text: str, shuffle_text: str,
                     answers: list[tuple[str, float, str]], had_answers: bool,
                     line: int | None, name: str) -> tuple[list[Choice], QuestionType]:
        if not answers:  # none at all, or each already reported
            if not had_answers:
                self.problem(line, f"{_label(name)}: the multichoice question has no <answer>")
            return [], QuestionType.SINGLE
        single = (single_text or "true").lower() in _TRUE_WORDS
        # Without <shuffleanswers> Moodle does not shuffle (its importer's default is false).
        fixed = (shuffle_text or "0").lower() in ("0", "false", "no")
        positive = [fraction for _, fraction, _ in answers if fraction > 0]
        if single:
            # Moodle gives the best answer 100% and may give others partial credit; only the
            # full-credit answer is "the" right one. It refuses a best answer below 100 %.
            best = max([fraction for _, fraction, _ in answers])
            if abs(best - 100) > 1e-3:
                self.problem(line, f"{_label(name)}: the best answer is worth "
                             f"{format_percent(best)} %; a single-answer question needs one "
                             "worth 100 % (Moodle refuses it too)")
                return [], QuestionType.SINGLE
            threshold = 99.99
            return [
                Choice(text, best > 0 and fraction >= threshold, feedback, fixed,
                       None if fraction in (0.0, 100.0) else fraction)
                for text, fraction, feedback in answers
            ], QuestionType.SINGLE
        if round(sum(positive), 2) != 100:
            self.problem(line, f"{_label(name)}: the positive grades add up to "
                         f"{format_percent(round(sum(positive), 5))} %, not 100 % (Moodle "
                         "refuses a multiple-answer question whose right answers do not)")
            return [], QuestionType.MULTIPLE
        return [
            Choice(text, fraction > 0, feedback, fixed, fraction)
            for text, fraction, feedback in answers
        ], QuestionType.MULTIPLE

    def _true_false(self, answers: list[tuple[str, float, str]], line: int | None,
                    name: str) -> list[Choice]:
        by_word = {text.strip().lower(): (fraction, feedback)
                   for text, fraction, feedback in answers}
        if set(by_word) != {"true", "false"} and len(answers) == 2:
            # Moodle reads answers in other words ("vrai"/"faux", "Wahr"/"Falsch") by order:
            # the first is true, the second false.
            self.problem(line, f"{_label(name)}: the answers are not 'true' and 'false'; "
                         f"read in order as True ({answers[0][0]!r}) and False "
                         f"({answers[1][0]!r}), as Moodle does", severity=Severity.WARNING)
            by_word = {"true": answers[0][1:], "false": answers[1][1:]}
        if set(by_word) != {"true", "false"}:
            self.problem(line, f"{_label(name)}: a truefalse question needs the answers 'true' "
                         "and 'false'")
            return []
        true_fraction, true_feedback = by_word["true"]
        false_fraction, false_feedback = by_word["false"]
        right_is_true = true_fraction >= false_fraction
        return [Choice("True", right_is_true, true_feedback),
                Choice("False", not right_is_true, false_feedback)]


def _label(name: str) -> str:
    """How messages name a question."""
    return f"question {name!r}" if name else "question"


def _text_child(element: Any) -> str:
    """The text of the first ``<text>`` child of ``element`` ('' when there is none).

    What ``element.findtext("text") or ""`` gives, without lxml's path machinery.
    """
    for child in element:
        if child.tag == "text":
            return child.text or ""
    return ""


def _inner(holder: Any) -> str:
    """The ``<text>`` inside ``holder`` (``<name><text>…</text></name>``), or ''."""
    return "" if holder is None else _text_child(holder)


def _holder(element: Any) -> _Holder | None:
    """``element`` as a holder (None when there is no element)."""
    return None if element is None else (_text_child(element), element.get("format", "html"))


def _answer(element: Any) -> _Answer:
    """An ``<answer>``: its fraction, itself as a holder, and its first ``<feedback>``."""
    text: str | None = None
    feedback: Any = None
    for child in element:
        tag = child.tag
        if tag == "text":
            if text is None:
                text = child.text or ""
        elif tag == "feedback" and feedback is None:
            feedback = child
    return (element.get("fraction", "0"), (text or "", element.get("format", "html")),
            None if feedback is None else (_text_child(feedback),
                                           feedback.get("format", "html")))


def _leaf_text(element: Any) -> str:
    """The stripped text of a leaf element such as ``<single>``, or ''."""
    return "" if element is None or element.text is None else element.text.strip()


def _plain(text: str) -> str:
    return html_to_text(text).strip()

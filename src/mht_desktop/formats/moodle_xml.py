"""Moodle XML: the richest format Moodle exports, and the one it imports most faithfully.

Instructors who keep their banks in Moodle can move them here without retyping, and we can
hand banks back to Moodle with categories, feedback, rationales and ids intact. The files
come from strangers: any file with a document type declaration is parsed with
``defusedxml``, so one that declares entities (the "billion laughs" bomb) or points at an
external entity (which could read files from this computer) is refused with a message rather
than expanded. Files without one cannot declare anything and take the faster standard parser.

This module also holds the few helpers every text format shares (HTML to plain text, Moodle's
grade fractions, id and topic bookkeeping). They live here because this is the lowest module
the other readers may import without a cycle.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET

from mht_desktop.core.banks import (
    ID_PATTERN,
    Bank,
    Choice,
    Question,
    QuestionType,
    Topic,
    slugify,
)
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank, info_from_file_name, topic_from_category

# --------------------------------------------------------------------------------------------
# Shared by the text formats
# --------------------------------------------------------------------------------------------

# One pass over the markup: comments and script/style bodies vanish whole (they are code,
# never text); every other tag is matched with quoted attribute values so that a '>' inside
# an attribute cannot end the tag early.
_HTML_TOKEN = re.compile(
    r"<!--.*?(?:-->|$)"
    r"|<(script|style)\b.*?(?:</\1\s*>|$)"
    r"|<(/?)([A-Za-z][A-Za-z0-9]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.DOTALL | re.IGNORECASE,
)
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")
_DOUBLE_SPACE = re.compile(r" {2,}")
_TEXT_NEWLINES = re.compile(r"[ \t]*\n[ \t\n]*")
_BLOCK_TAGS = frozenset({
    "p", "div", "ul", "ol", "table", "tr", "blockquote", "pre", "section", "article",
    "header", "footer", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd",
})
_MEDIA = re.compile(r"@@PLUGINFILE@@|<img\b|<audio\b|<video\b|<object\b|<embed\b", re.IGNORECASE)
_MARKDOWN_MEDIA = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def _tag_replacement(match: re.Match[str]) -> str:
    name = match.group(3)
    if name is None:  # a comment or a script/style element
        return ""
    name = name.lower()
    if name == "br":
        return "\n"
    if name == "li":
        return "" if match.group(2) else "\n- "
    if name in _BLOCK_TAGS:
        return "\n\n"
    return " " if name in ("td", "th") else ""


def _paragraph_breaks(match: re.Match[str]) -> str:
    return "\n\n" if match.group().count("\n") > 1 else "\n"


def html_to_text(text: str) -> str:
    """Turn HTML (or text that may hold some) into plain text.

    Tags are removed, not interpreted: nothing in the result can run or load anything, and
    the app shows bank text as plain text or Markdown with HTML disabled anyway. Paragraphs,
    line breaks and list items become line breaks so the text stays readable; entities are
    decoded once, after the tags are gone, so ``&lt;b&gt;`` stays the literal text ``<b>``.

    Args:
        text: HTML, or plain text that may contain entities.

    Returns:
        The plain text, stripped of surrounding white space when it held markup.
    """
    if "<" not in text:
        # Most answer texts are plain words: skip the regexes entirely.
        return html.unescape(text).replace("\xa0", " ") if "&" in text else text
    if "\n" in text or "\t" in text or "  " in text or "\r" in text:
        text = _HTML_SPACE.sub(" ", text)  # browsers collapse runs of white space
    text = _HTML_TOKEN.sub(_tag_replacement, text)
    if "  " in text:  # a removed tag between two spaces
        text = _DOUBLE_SPACE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\xa0", " ").strip()
    if "\n" in text:
        text = _TEXT_NEWLINES.sub(_paragraph_breaks, text)
    return text


def has_embedded_media(text: str) -> bool:
    """True when ``text`` shows an image, sound or embedded file we will drop."""
    return _MEDIA.search(text) is not None


def drop_markdown_media(text: str) -> str:
    """Remove Markdown image references (``![alt](@@PLUGINFILE@@/x.png)``)."""
    return _MARKDOWN_MEDIA.sub("", text) if "![" in text else text


# Moodle accepts only these grades for an answer (question/format.php keeps the same list);
# anything else is rejected on import, so exports snap to the nearest one.
MOODLE_FRACTIONS: tuple[float, ...] = (
    100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0,
    25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0,
)
_SIGNED_FRACTIONS = MOODLE_FRACTIONS + tuple(-f for f in MOODLE_FRACTIONS if f)


def nearest_moodle_fraction(value: float) -> float:
    """The grade from Moodle's list (-100…100) closest to ``value``."""
    return min(_SIGNED_FRACTIONS, key=lambda allowed: abs(allowed - value))


def format_percent(value: float) -> str:
    """A percentage as Moodle writes it: up to five decimals, no trailing zeros."""
    if value == 0:
        return "0"
    return f"{value:.5f}".rstrip("0").rstrip(".")


def moodle_fractions(question: Question) -> list[float]:
    """The credit, in Moodle's percentages, each choice of ``question`` gives.

    Single choice: the right answer is worth 100, wrong ones 0 unless they carry a partial
    credit weight. Multiple response: the right answers share 100 equally and each wrong one
    takes the same share away, so ticking every box scores nothing. A ``Choice.weight``
    (kept from an imported file) wins when it agrees with the choice's correctness: positive
    for a right answer, zero or negative for a wrong one (partial credit, below 100, for a
    wrong answer of a single-choice question).

    Args:
        question: Any question (true/false questions get 100 and 0).

    Returns:
        One grade per choice, each in :data:`MOODLE_FRACTIONS` or its negatives.
    """
    multiple = question.type is QuestionType.MULTIPLE
    right = sum(1 for c in question.choices if c.correct)
    share = 100.0
    if multiple:
        share = nearest_moodle_fraction(100 / right) if right else 0.0
    fractions = []
    for choice in question.choices:
        weight = choice.weight
        if choice.correct and multiple and weight is not None and weight > 0:
            fractions.append(nearest_moodle_fraction(weight))
        elif choice.correct:
            fractions.append(share)  # single choice: Moodle wants the right answer at 100
        elif weight is not None and (weight <= 0 if multiple else weight < 100):
            fractions.append(nearest_moodle_fraction(weight))  # kept partial credit/penalty
        else:
            fractions.append(-share if multiple else 0.0)
    return fractions


class ItemIds:
    """Hands out unique item ids while a file is read.

    A preferred id (Moodle's ``<idnumber>``, a GIFT title…) is used when it is valid and not
    taken yet; otherwise the item gets ``prefix`` plus its position in the file (``q0003`` is
    the third question), so ids stay put when an instructor fixes an earlier item.
    """

    def __init__(self, prefix: str, reserved: Iterable[str] = ()) -> None:
        """Start with ``reserved`` ids already taken (explicit ids read elsewhere)."""
        self._prefix = prefix
        self._used: set[str] = set(reserved)

    def take(self, position: int, *, exact: str = "", title: str = "") -> str:
        """Return a fresh id for the item at ``position`` (1-based).

        Args:
            position: The item's position among items of its kind in the file.
            exact: An id to use verbatim when it is valid and free.
            title: Text to use when it is already a valid id, or once slugified.

        Returns:
            The id, recorded as taken.
        """
        candidates = [exact] if exact and ID_PATTERN.match(exact) else []
        if title:
            candidates.append(title if ID_PATTERN.match(title) else slugify(title, fallback=""))
        for candidate in candidates:
            if candidate and ID_PATTERN.match(candidate) and candidate not in self._used:
                self._used.add(candidate)
                return candidate
        base = f"{self._prefix}{position:04d}"
        candidate, suffix = base, 2
        while candidate in self._used:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        self._used.add(candidate)
        return candidate


@dataclass(slots=True)
class TopicSet:
    """The topics a file uses, in order of first use; only used topics are declared."""

    default: Topic
    _known: dict[str, Topic] = field(default_factory=dict)
    _used: dict[str, None] = field(default_factory=dict)

    def register(self, topic: Topic) -> str:
        """Make ``topic`` known (the first title seen for an id wins) and return its id."""
        known = self._known.setdefault(topic.id, topic)
        if topic.description and not known.description:
            self._known[topic.id] = Topic(known.id, known.title, topic.description)
        return topic.id

    def use(self, topic_id: str | None = None) -> str:
        """Record that an item sits in ``topic_id`` (the default topic when None)."""
        if topic_id is None:
            topic_id = self.default.id
            if topic_id not in self._used:
                self.register(self.default)
        self._used[topic_id] = None
        return topic_id

    def topics(self) -> tuple[Topic, ...]:
        """The used topics, in order of first use."""
        return tuple(self._known[topic_id] for topic_id in self._used)


_CONTEXT = re.compile(r"\$\w+\$")  # $course$, $system$, $module$…: where, not what


def is_top_category(path: str) -> bool:
    """True for a category path that names no category of its own (``$course$/top``, '')."""
    parts = [p.strip() for p in _CONTEXT.sub("", path).split("/") if p.strip()]
    return parts in ([], ["top"])


def topic_for_path(path: str) -> Topic:
    """A topic for a Moodle category path, honouring Moodle's ``//`` escape for a slash."""
    if "//" not in path:
        return topic_from_category(path)
    parts = [p for p in path.replace("//", "\0").split("/") if p.strip()]
    name = parts[-1].replace("\0", "/").strip() if parts else ""
    return Topic(id=slugify(name, fallback="general"), title=name or "General")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

# Outside CDATA and comments, every "<question" start tag is one question element, in the
# same document order ElementTree's iter() walks: that gives each question its line.
_QUESTION_START = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<question(?=[\s>/])", re.DOTALL)
_TRUE_WORDS = frozenset({"true", "1", "yes"})
_SUPPORTED = ("multichoice", "truefalse")


def _question_lines(data: bytes) -> list[int]:
    """1-based line of each ``<question`` start tag, in document order."""
    text = data.decode("utf-8", errors="replace")  # UTF-16 was re-encoded already
    lines: list[int] = []
    line, last = 1, 0
    for match in _QUESTION_START.finditer(text):
        if match.group().startswith("<question"):
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
    return lines


def _refusal(exc: DefusedXmlException, data: bytes, file: str) -> Problem:
    """A clear message for an XML trick that defusedxml stopped."""
    at = data.find(b"<!ENTITY")
    line = data.count(b"\n", 0, at) + 1 if at >= 0 else None
    if isinstance(exc, EntitiesForbidden) and not (exc.sysid or exc.pubid):
        message = ("refused: the file declares entities (possible XML bomb); Moodle exports "
                   "never do this")
    elif isinstance(exc, EntitiesForbidden | ExternalReferenceForbidden):
        message = ("refused: the file declares an external entity, which could read files "
                   "from this computer; Moodle exports never do this")
    else:
        message = f"refused: the file uses an XML feature we do not accept ({exc})"
    return Problem(file, line, message)


_CDATA_SECTION = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_LAYOUT = re.compile(rb">[ \t\r]*\n[ \t\r\n]*<")


def _without_layout(data: bytes) -> bytes:
    """Drop the line breaks and indentation between tags, leaving CDATA sections alone.

    Expat hands every line break to ElementTree as a separate piece of character data, so
    an indented export takes about three times as long to parse with its layout as without.
    In Moodle XML the layout carries nothing: text lives in ``<text>`` leaves and CDATA.
    """
    if b"<![CDATA[" not in data:
        return _LAYOUT.sub(b"><", data)
    parts = _CDATA_SECTION.split(data)
    parts[::2] = [_LAYOUT.sub(b"><", part) for part in parts[::2]]
    return b"".join(parts)


def _end_events(data: bytes) -> Iterator[tuple[str, ET.Element]]:
    """Stream the "end" events of untrusted XML without expanding or fetching anything.

    Entities (the "billion laughs" bomb) and external references (which could read local
    files) can only be declared in a document type declaration. A file that has one goes
    through defusedxml, which refuses those declarations with an exception. A file with no
    ``<!DOCTYPE`` has nothing to expand or fetch, so it goes through the standard C parser,
    several times faster than defusedxml's (which calls Python for every element). The test
    is made on the bytes: expat only accepts encodings that spell ``<!DOCTYPE`` in ASCII
    bytes, except UTF-16. Files with a UTF-16 BOM were re-encoded as UTF-8 before we get
    here; any other file holding NUL bytes takes the defused path.

    Raises:
        DefusedXmlException: the file declares entities or refers to external ones.
        ET.ParseError: the file is not well-formed (the position may be in the file with
            its layout removed: see :func:`_original_error`).
    """
    if _needs_defusing(data):
        events: Iterator[tuple[str, ET.Element]] = SafeET.iterparse(io.BytesIO(data),
                                                                     events=("end",))
        return events
    return ET.iterparse(io.BytesIO(_without_layout(data)), events=("end",))


def _needs_defusing(data: bytes) -> bool:
    """Whether ``data`` could declare entities (see :func:`_end_events`)."""
    return b"<!DOCTYPE" in data or b"<!ENTITY" in data or b"\x00" in data


_DECLARED_ENCODING = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def _utf16_to_utf8(data: bytes) -> bytes:
    """Re-encode a UTF-16 file (with its BOM) as UTF-8, declaration included.

    A Moodle export re-saved as "Unicode" by a Windows editor keeps ``encoding="UTF-8"`` in
    its declaration, which expat rejects as a lie; the text itself is fine.
    """
    text = data.decode("utf-16")
    return _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")


def _original_error(data: bytes, error: ET.ParseError) -> ET.ParseError:
    """The parse error with its position in the file as the user has it."""
    if _needs_defusing(data):
        return error  # parsed as is: the position is already right
    try:
        ET.fromstring(data)  # no DOCTYPE: nothing to expand or fetch
    except ET.ParseError as original:
        return original
    return error


def read_moodle_xml(data: bytes, *, file: str) -> ParsedBank:
    """Parse a Moodle XML question export.

    Multiple-choice (single and multiple response) and true/false questions are read;
    category pseudo-questions set the topic of what follows. Other question types are
    skipped with a warning naming their line.

    Args:
        data: The raw file (XML carries its own encoding declaration).
        file: The name used in messages and for the bank's id and title.

    Returns:
        The bank and its problems; ``bank`` is None when the XML cannot be read at all.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = _utf16_to_utf8(data)
        except UnicodeDecodeError as exc:
            return ParsedBank(None, [Problem(file, None, f"not valid UTF-16 ({exc.reason})")])
    info, default_topic = info_from_file_name(file)
    reader = _XmlReader(file=file, topics=TopicSet(default_topic))
    lines = _question_lines(data)
    index, last = 0, None
    try:
        # Questions are read as the parser reaches their end tag, then emptied: the whole
        # tree never sits in memory, and the garbage collector has little to walk.
        for _, element in _end_events(data):
            last = element
            if element.tag == "question":
                reader.read(element, lines[index] if index < len(lines) else None)
                index += 1
                element.clear()
    except DefusedXmlException as exc:
        return ParsedBank(None, [_refusal(exc, data, file)])
    except ET.ParseError as exc:
        line, column = _original_error(data, exc).position
        reason = str(exc).split(":")[0]
        return ParsedBank(None, [Problem(
            file, line, f"not well-formed XML ({reason}, column {column + 1})")])
    if last is None or last.tag != "quiz":  # the root element ends last
        tag = "?" if last is None else last.tag
        return ParsedBank(None, [Problem(
            file, 1, f"not a Moodle XML quiz: the root element is <{tag}>, not <quiz>")])
    bank = Bank(info=info, topics=reader.topics.topics(), questions=tuple(reader.questions))
    return ParsedBank(bank, reader.problems)


@dataclass(slots=True)
class _XmlReader:
    """Walks question elements in order, tracking the current category."""

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

    def read(self, element: ET.Element, line: int | None) -> None:
        """Handle one ``<question>`` element found at ``line``."""
        kind = (element.get("type") or "").strip().lower()
        # One pass over the children: ElementTree's path lookups ("name/text") run in
        # Python, direct children and single-tag finds run in C.
        fields: dict[str, ET.Element] = {}
        answers: list[ET.Element] = []
        for child in element:
            if child.tag == "answer":
                answers.append(child)
            else:
                fields.setdefault(child.tag, child)
        if kind == "category":
            self._category(fields)
            return
        self.position += 1
        name = _plain(_inner(fields.get("name")))
        label = f"question {name!r}" if name else "question"
        if kind not in _SUPPORTED:
            shown = kind or "(none)"
            self.problem(line, f"{label}: type '{shown}' is not supported (only multichoice "
                         "and truefalse are); skipped", severity=Severity.WARNING)
            return
        before = len(self.problems)
        stem = self._text(fields.get("questiontext"), line, label)
        rationale = self._text(fields.get("generalfeedback"), line, label)
        if kind == "truefalse":
            choices = self._true_false(answers, line, label)
            qtype = QuestionType.TRUE_FALSE
        else:
            choices, qtype = self._multichoice(fields, answers, line, label)
        if len(self.problems) > before and any(
                p.severity is Severity.ERROR for p in self.problems[before:]):
            return
        question_id = self.ids.take(self.position, exact=_leaf_text(fields.get("idnumber")),
                                    title=name)
        tags_holder = fields.get("tags")
        tags = () if tags_holder is None else tuple(
            t for t in (_inner(tag).strip() for tag in tags_holder) if t)
        self.questions.append(Question(
            id=question_id, type=qtype, topic=self.topics.use(self.current_topic),
            stem=stem, choices=tuple(choices), rationale=rationale, tags=tags,
            title=name if name != question_id else "", line=line,
        ))

    def _category(self, fields: dict[str, ET.Element]) -> None:
        path = _inner(fields.get("category")).strip()
        if is_top_category(path):  # Moodle's root category: the file's default topic
            self.current_topic = None
            return
        topic = topic_for_path(path)
        description = self._text(fields.get("info"), None, "category")
        if description:
            topic = Topic(topic.id, topic.title, description)
        self.current_topic = self.topics.register(topic)

    def _text(self, holder: ET.Element | None, line: int | None, label: str) -> str:
        """Plain text of a ``<… format=…><text>`` element, warning about dropped media."""
        if holder is None:
            return ""
        raw = holder.findtext("text") or ""
        if ("<" in raw or "@@" in raw) and has_embedded_media(raw):
            self.problem(line, f"{label}: an embedded image or file was dropped (MHT Desktop "
                         "shows text only)", severity=Severity.WARNING)
        fmt = holder.get("format", "html")
        if fmt in ("markdown", "plain_text"):
            return drop_markdown_media(raw).strip()
        if fmt == "moodle_auto_format":  # Moodle turns its line breaks into <br>
            raw = raw.replace("\n", "<br>")
        return html_to_text(raw).strip()

    def _answers(self, answers: list[ET.Element], line: int | None,
                 label: str) -> list[tuple[str, float, str]]:
        """(text, fraction, feedback) for every ``<answer>``."""
        parsed = []
        for answer in answers:
            raw_fraction = answer.get("fraction", "0")
            try:
                fraction = float(raw_fraction)
            except ValueError:
                self.problem(line, f"{label}: answer fraction {raw_fraction!r} is not a number")
                continue
            parsed.append((self._text(answer, line, label), fraction,
                           self._text(answer.find("feedback"), line, label)))
        return parsed

    def _multichoice(self, fields: dict[str, ET.Element], elements: list[ET.Element],
                     line: int | None, label: str) -> tuple[list[Choice], QuestionType]:
        answers = self._answers(elements, line, label)
        if not answers:  # none at all, or each already reported
            if not elements:
                self.problem(line, f"{label}: the multichoice question has no <answer>")
            return [], QuestionType.SINGLE
        single = (_leaf_text(fields.get("single")) or "true").lower() in _TRUE_WORDS
        shuffle = (_leaf_text(fields.get("shuffleanswers")) or "1").lower() not in (
            "0", "false", "no")
        if single:
            # Moodle gives the best answer 100% and may give others partial credit; only the
            # full-credit answer is "the" right one.
            best = max(fraction for _, fraction, _ in answers)
            threshold = 99.99 if best >= 99.99 else best
            return [
                Choice(text, correct=best > 0 and fraction >= threshold, feedback=feedback,
                       fixed=not shuffle,
                       weight=None if fraction in (0.0, 100.0) else fraction)
                for text, fraction, feedback in answers
            ], QuestionType.SINGLE
        return [
            Choice(text, correct=fraction > 0, feedback=feedback, fixed=not shuffle,
                   weight=fraction)
            for text, fraction, feedback in answers
        ], QuestionType.MULTIPLE

    def _true_false(self, elements: list[ET.Element], line: int | None,
                    label: str) -> list[Choice]:
        by_word = {text.strip().lower(): (fraction, feedback)
                   for text, fraction, feedback in self._answers(elements, line, label)}
        if set(by_word) != {"true", "false"}:
            self.problem(line, f"{label}: a truefalse question needs the answers 'true' and "
                         "'false'")
            return []
        true_fraction, true_feedback = by_word["true"]
        false_fraction, false_feedback = by_word["false"]
        right_is_true = true_fraction >= false_fraction
        return [Choice("True", right_is_true, true_feedback),
                Choice("False", not right_is_true, false_feedback)]


def _inner(holder: ET.Element | None) -> str:
    """The ``<text>`` inside ``holder`` (``<name><text>…</text></name>``), or ''."""
    return "" if holder is None else holder.findtext("text") or ""


def _leaf_text(element: ET.Element | None) -> str:
    """The stripped text of a leaf element such as ``<single>``, or ''."""
    return "" if element is None or element.text is None else element.text.strip()


def _plain(text: str) -> str:
    return html_to_text(text).strip()


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

# XML 1.0 cannot hold these control characters at all, not even escaped.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _add_text(parent: ET.Element, tag: str, text: str, *, fmt: str | None = "markdown",
              **attributes: str) -> ET.Element:
    """Append ``<tag format=…><text>text</text></tag>``."""
    holder = ET.SubElement(parent, tag, attributes)
    if fmt is not None:
        holder.set("format", fmt)
    ET.SubElement(holder, "text").text = _xml_safe(text)
    return holder


def _leaf(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = _xml_safe(value)


def category_path(topic: Topic) -> str:
    """Moodle's path for a topic: under the course's top category, '/' escaped as '//'."""
    return "$course$/top/" + topic.title.replace("/", "//")


def write_moodle_xml(bank: Bank) -> str:
    """Serialise the questions of ``bank`` as a Moodle XML quiz.

    Each topic with questions becomes a category (``$course$/top/<title>``) followed by its
    questions; the question id goes into ``<idnumber>`` and the rationale into
    ``<generalfeedback>``. Text is written with ``format="markdown"``. Flashcards have no
    Moodle question type and are left out. Choices are shuffled in Moodle unless every
    choice of the question is fixed.

    Args:
        bank: The bank to export.

    Returns:
        The XML document, UTF-8 declared, indented.
    """
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" {_xml_safe(bank.info.title).replace('--', '- -')} — exported "
                           "from MHT Desktop; flashcards are not included "))
    topics = {t.id: t for t in bank.topics}
    by_topic: dict[str, list[Question]] = {}
    for question in bank.questions:
        by_topic.setdefault(question.topic, []).append(question)
    for topic_id, questions in by_topic.items():
        topic = topics.get(topic_id, Topic(topic_id, topic_id))
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _add_text(category, "category", category_path(topic), fmt=None)
        if topic.description:
            _add_text(category, "info", topic.description)
        for question in questions:
            _write_question(quiz, question)
    ET.indent(quiz, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(quiz, encoding="unicode") + "\n")


def _write_question(quiz: ET.Element, question: Question) -> None:
    kind = "truefalse" if question.type is QuestionType.TRUE_FALSE else "multichoice"
    element = ET.SubElement(quiz, "question", {"type": kind})
    _add_text(element, "name", question.title or question.id, fmt=None)
    _add_text(element, "questiontext", question.stem)
    _add_text(element, "generalfeedback", question.rationale)
    _leaf(element, "defaultgrade", "1")
    _leaf(element, "penalty", "0.3333333" if kind == "multichoice" else "1")
    _leaf(element, "hidden", "0")
    _leaf(element, "idnumber", question.id)
    if kind == "multichoice":
        _leaf(element, "single", "true" if question.type is QuestionType.SINGLE else "false")
        every_fixed = bool(question.choices) and all(c.fixed for c in question.choices)
        _leaf(element, "shuffleanswers", "0" if every_fixed else "1")
        _leaf(element, "answernumbering", "abc")
        for choice, fraction in zip(question.choices, moodle_fractions(question), strict=True):
            answer = _add_text(element, "answer", choice.text,
                               fraction=format_percent(fraction))
            _add_text(answer, "feedback", choice.feedback)
    else:
        for choice in question.choices:
            answer = _add_text(element, "answer", choice.text.lower(),
                               fmt="moodle_auto_format",
                               fraction="100" if choice.correct else "0")
            _add_text(answer, "feedback", choice.feedback)
    if question.tags:
        tags = ET.SubElement(element, "tags")
        for tag in question.tags:
            _leaf(ET.SubElement(tags, "tag"), "text", tag)

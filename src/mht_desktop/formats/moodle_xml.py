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

import functools
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
from mht_desktop.formats.sniff import XmlEncodingError, xml_as_utf8

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
    pre = "<pre" in text or "<PRE" in text or "<Pre" in text
    if pre:
        text = _PRE_BLOCK.sub(_keep_layout, text)
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
    if pre:
        text = text.replace(_PRE_NEWLINE, "\n").replace(_PRE_SPACE, " ").replace(_PRE_TAB, "\t")
        text = text.rstrip().lstrip("\n")  # a <pre> that starts the text keeps its indent
    return text


# Inside <pre> line breaks and spaces are content: they are swapped for private-use
# characters before white space is collapsed, and put back at the end.
_PRE_BLOCK = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre\s*>|$)", re.DOTALL | re.IGNORECASE)
_PRE_NEWLINE, _PRE_SPACE, _PRE_TAB = "\ue010", "\ue011", "\ue012"


def _keep_layout(match: re.Match[str]) -> str:
    body = match.group(2).replace("\r\n", "\n").replace("\r", "\n")
    if body.startswith("\n"):
        body = body[1:]  # HTML drops a line break right after <pre>
    body = body.replace("\n", _PRE_NEWLINE).replace(" ", _PRE_SPACE).replace("\t", _PRE_TAB)
    # <br> inside <pre> is a line break too; the tag pass turns it into one.
    return f"{match.group(1)}{body}{match.group(3)}"


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
        used, valid = self._used, ID_PATTERN.match
        if exact and exact not in used and valid(exact):
            used.add(exact)
            return exact
        if title:
            candidate = title if valid(title) else slugify(title, fallback="")
            if candidate and candidate not in used and (candidate is title or valid(candidate)):
                used.add(candidate)
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
_SKIPPED = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)
_QUESTION_TAG = re.compile(r"<question(?=[\s>/])")
_TRUE_WORDS = frozenset({"true", "1", "yes"})
_SUPPORTED = ("multichoice", "truefalse")


def _question_lines(data: bytes) -> list[int]:
    """1-based line of each ``<question`` start tag outside CDATA and comments, in order.

    Both patterns start with a literal ("<!", "<question"), so the search jumps between
    candidates instead of trying an alternation at every '<' of a large file. Neither
    literal can occur inside the other, so scanning them separately finds the same tags as
    one left-to-right scan for all three.
    """
    text = data.decode("utf-8", errors="replace")  # UTF-16 was re-encoded already
    skipped = [match.span() for match in _SKIPPED.finditer(text)] if "!" in text else []
    lines: list[int] = []
    line, last, span = 1, 0, 0
    for match in _QUESTION_TAG.finditer(text):
        start = match.start()
        while span < len(skipped) and skipped[span][1] <= start:
            span += 1
        if span < len(skipped) and skipped[span][0] <= start:
            continue  # inside a comment or a CDATA section
        line += text.count("\n", last, start)
        last = start
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


def _original_error(data: bytes, error: ET.ParseError) -> ET.ParseError:
    """The parse error with its position in the file as the user has it."""
    if _needs_defusing(data):
        return error  # parsed as is: the position is already right
    try:
        ET.fromstring(data)  # no DOCTYPE: nothing to expand or fetch
    except ET.ParseError as original:
        return original
    return error


def read_moodle_xml(data: bytes, *, file: str, text: str | None = None) -> ParsedBank:
    """Parse a Moodle XML question export.

    Multiple-choice (single and multiple response) and true/false questions are read;
    category pseudo-questions set the topic of what follows. Other question types are
    skipped with a warning naming their line.

    Args:
        data: The raw file (XML carries its own encoding declaration).
        file: The name used in messages and for the bank's id and title.
        text: ``data`` decoded as UTF-8 (``decode_text``), when the caller has it already:
            it spares decoding a large file twice.

    Returns:
        The bank and its problems; ``bank`` is None when the XML cannot be read at all.
    """
    try:
        utf8 = xml_as_utf8(data, file=file)
    except XmlEncodingError as exc:
        return ParsedBank(None, [exc.problem])
    if utf8 is not data:
        data, text = utf8, None
    info, default_topic = info_from_file_name(file)
    reader = _XmlReader(file=file, topics=TopicSet(default_topic))
    laid_out = _laid_out_items(data, text)
    if laid_out is not None:
        _read_laid_out(reader, laid_out)
    else:
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


# What the reader needs from a ``<questiontext>``, ``<answer>``… element: the text of its
# ``<text>`` child ('' when there is none) and its ``format`` attribute ("html" by default).
_Holder = tuple[str, str]
# An ``<answer>``: its ``fraction`` attribute ("0" by default), itself as a holder, and its
# ``<feedback>`` child as a holder (None when it has none).
_Answer = tuple[str, _Holder, _Holder | None]


@dataclass(slots=True)
class _XmlReader:
    """Reads question elements in order, tracking the current category.

    ``read`` takes an ElementTree element apart; ``question`` and ``category`` apply every
    rule to the strings found, so that the fast reader for our own layout (see
    ``_laid_out_items``) goes through exactly the same rules.
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
            self.category(_inner(fields.get("category")), _holder(fields.get("info")))
            return
        tags = fields.get("tags")
        self.question(
            kind, line, _inner(fields.get("name")), _holder(fields.get("questiontext")),
            _holder(fields.get("generalfeedback")),
            [(a.get("fraction", "0"), _as_holder(a), _holder(a.find("feedback")))
             for a in answers],
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
        self.finish_question(kind, line, name, stem, rationale, self._answers(answers, line, label),
                             had_answers=bool(answers), single=single, shuffle=shuffle,
                             idnumber=idnumber, tags=tags, before=before)

    def plain_question(self, kind: str, line: int | None, name: str, stem: str,
                       rationale: str, answers: list[tuple[str, float, str]], *, single: str,
                       shuffle: str, idnumber: str, tags: list[str] | None) -> None:
        """``question`` for a supported ``kind`` whose texts need nothing done but stripping.

        The caller has checked that ``question`` would find no markup, no reference, no media
        and only numeric fractions: the name, the texts and the fractions are given final.
        """
        self.position += 1
        self.finish_question(kind, line, name, stem, rationale, answers,
                             had_answers=bool(answers), single=single, shuffle=shuffle,
                             idnumber=idnumber, tags=tags, before=len(self.problems))

    def finish_question(self, kind: str, line: int | None, name: str, stem: str,
                        rationale: str, answers: list[tuple[str, float, str]], *,
                        had_answers: bool, single: str, shuffle: str, idnumber: str,
                        tags: list[str] | None, before: int) -> None:
        """The rest of ``question`` once its texts are final.

        Args:
            kind: "multichoice" or "truefalse".
            line: Where the question starts.
            name: The question's name as plain text.
            stem: The question text.
            rationale: The general feedback.
            answers: (text, fraction, feedback) of each answer whose fraction is a number.
            had_answers: Whether the question had any ``<answer>`` at all.
            single: See ``question``.
            shuffle: See ``question``.
            idnumber: See ``question``.
            tags: See ``question``.
            before: How many problems there were before this question.
        """
        if kind == "truefalse":
            choices = self._true_false(answers, line, name)
            qtype = QuestionType.TRUE_FALSE
        else:
            choices, qtype = self._multichoice(single, shuffle, answers, had_answers, line, name)
        if len(self.problems) > before and any(
                p.severity is Severity.ERROR for p in self.problems[before:]):
            return
        question_id = self.ids.take(self.position, exact=idnumber, title=name)
        kept = () if tags is None else tuple([t for t in map(str.strip, tags) if t])
        self.questions.append(Question(
            question_id, qtype, self.topics.use(self.current_topic), stem, tuple(choices),
            rationale, tags=kept, title=name if name != question_id else "", line=line,
        ))

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
        fixed = (shuffle_text or "1").lower() in ("0", "false", "no")
        if single:
            # Moodle gives the best answer 100% and may give others partial credit; only the
            # full-credit answer is "the" right one.
            best = max([fraction for _, fraction, _ in answers])
            threshold = 99.99 if best >= 99.99 else best
            return [
                Choice(text, best > 0 and fraction >= threshold, feedback, fixed,
                       None if fraction in (0.0, 100.0) else fraction)
                for text, fraction, feedback in answers
            ], QuestionType.SINGLE
        return [
            Choice(text, fraction > 0, feedback, fixed, fraction)
            for text, fraction, feedback in answers
        ], QuestionType.MULTIPLE

    def _true_false(self, answers: list[tuple[str, float, str]], line: int | None,
                    name: str) -> list[Choice]:
        by_word = {text.strip().lower(): (fraction, feedback)
                   for text, fraction, feedback in answers}
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


# --------------------------------------------------------------------------------------------
# The fast path: files laid out as we write them
# --------------------------------------------------------------------------------------------
#
# Building an ElementTree for a big export (30 elements a question, plus the indentation)
# took most of its import time. A file laid out exactly as ``write_moodle_xml`` writes it is
# read instead with one regular-expression match per question over the decoded text. The
# patterns, with a few checks on the whole file, admit only well-formed XML with an
# unambiguous meaning: no DOCTYPE (so nothing to expand or fetch), no CDATA, no carriage
# returns (which expat would rewrite), only the predefined entities and character
# references, attributes without white space to normalise. A file that matches from its first
# byte to its last is therefore XML that ElementTree would parse into exactly the elements
# matched; anything else, however small the difference, goes through ElementTree as before.
# The strings found go through the same ``_XmlReader`` rules.

# Characters XML forbids, and \r (XML allows it, but expat rewrites it).
_NOT_XML = r"\x00-\x08\x0b\x0c\x0e-\x1f\r"
# Everything but those, as bytes: deleting these from a file leaves only the forbidden ones.
_XML_BYTES = bytes(b for b in range(256) if b in (0x09, 0x0A) or b >= 0x20)
# An '&' that does not start one of the references XML has without a DTD (the character
# references must also name characters XML allows: ``_valid_references``).
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")
# Character data and attribute values. What else XML forbids in them (the characters above,
# U+FFFE and U+FFFF, an '&' that starts no reference, "]]>" in text) is looked for once in
# the whole file by ``_laid_out_items``: a one-character class lets the matcher run through
# text much faster.
_CHARS = r"[^<]*+"
_ATTRIBUTE = r'"([^"<\t\n]*+)"'  # tab and newline would be normalised to spaces
_SPACE = r"[ \t\n]*+"
_TEXT = rf"(?:<text>({_CHARS})</text>|<text ?/>)"  # group: the text (None: empty element)
_UNKEPT_TEXT = rf"(?:<text>{_CHARS}</text>|<text ?/>)"
# A format attribute; its group is None for "markdown" (what we write: no string to make).
_FORMAT = rf'format=(?:"markdown"|{_ATTRIBUTE})'


def _holder_pattern(tag: str, *, formatted: bool = True, kept: bool = True,
                    marked: bool = False) -> str:
    """``<tag format="…"><text>…</text></tag>``.

    Groups: the format (when ``formatted``), an empty one that only says the element is
    there (when ``marked``), the text (when ``kept``).
    """
    start = f"<{tag} {_FORMAT}>" if formatted else f"<{tag}>"
    text = _TEXT if kept else _UNKEPT_TEXT
    return rf"{start}{'()' if marked else ''}{_SPACE}{text}{_SPACE}</{tag}>{_SPACE}"


def _leaf_pattern(tag: str, *, kept: bool = True) -> str:
    """An optional ``<tag>text</tag>`` (group: the text, when ``kept``)."""
    chars = f"({_CHARS})" if kept else _CHARS
    return rf"(?:(?:<{tag}>{chars}</{tag}>|<{tag} ?/>){_SPACE})?+"


# An answer slot: possessive, so that a question with more answers than slots fails at once
# instead of trying every way to skip some.
_LAID_OUT_ANSWER = (rf"(?:<answer fraction={_ATTRIBUTE} {_FORMAT}>{_SPACE}{_TEXT}{_SPACE}"
                    rf"(?:{_holder_pattern('feedback', marked=True)})?+</answer>{_SPACE})?+")
# Where each part sits in the groups of a question match.
_G_TYPE, _G_NAME, _G_STEM, _G_RATIONALE = 0, 1, 2, 4  # stem and rationale: format, text
_G_IDNUMBER, _G_SINGLE, _G_SHUFFLE, _G_ANSWERS = 6, 7, 8, 9
# An answer's groups: fraction, format, text, feedback format, feedback there, feedback text.
_ANSWER_SLOTS, _ANSWER_WIDTH = 8, 6
_G_TAGS = _G_ANSWERS + _ANSWER_SLOTS * _ANSWER_WIDTH
_LAID_OUT_QUESTION = (
    rf"<question type={_ATTRIBUTE}>{_SPACE}{_holder_pattern('name', formatted=False)}"
    rf"{_holder_pattern('questiontext')}{_holder_pattern('generalfeedback')}"
    rf"{_leaf_pattern('defaultgrade', kept=False)}{_leaf_pattern('penalty', kept=False)}"
    rf"{_leaf_pattern('hidden', kept=False)}{_leaf_pattern('idnumber')}{_leaf_pattern('single')}"
    rf"{_leaf_pattern('shuffleanswers')}{_leaf_pattern('answernumbering', kept=False)}"
    + _LAID_OUT_ANSWER * _ANSWER_SLOTS
    + rf"(?:<tags>{_SPACE}((?:{_holder_pattern('tag', formatted=False, kept=False)})*+)</tags>"
    rf"{_SPACE})?+</question>{_SPACE}")
_LAID_OUT_CATEGORY = re.compile(
    rf'<question type="category">{_SPACE}{_holder_pattern("category", formatted=False)}'
    rf"(?:{_holder_pattern('info', marked=True)})?+</question>{_SPACE}")
_LAID_OUT_START = re.compile(
    rf'\ufeff?(?:<\?xml version="1\.0" encoding="(?:UTF-8|utf-8)"\?>)?{_SPACE}<quiz>{_SPACE}'
    rf"(?:<!--((?:[^-{_NOT_XML}]|-(?!-))*+)-->{_SPACE})?")
_LAID_OUT_END = re.compile(rf"</quiz>{_SPACE}\Z")
_NOT_IN_COMMENT = ("<!DOCTYPE", "<!ENTITY", "<![CDATA[")
_TAG_TEXT = re.compile(_TEXT)
_CHARACTER_REFERENCE = re.compile(r"&#(x?)([0-9a-fA-F]+);")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# What ``_without_layout`` removes from character data that ends at a tag: white space with
# a line break, right after a '>' (the tag's own, or one in the text).
_LAYOUT_TAIL = re.compile(r"(?:\A|(?<=>))[ \t]*\n[ \t\n]*\Z")

# (line, is a category, needs nothing but stripping, the match's groups)
_LaidOut = tuple[int, bool, bool, tuple[str | None, ...]]


@functools.cache
def _laid_out_pattern() -> re.Pattern[str]:
    """``_LAID_OUT_QUESTION``, compiled on first use.

    Compiling it takes as long as reading a few hundred questions, which no one who only
    opens the window should wait for.
    """
    return re.compile(_LAID_OUT_QUESTION)


def _laid_out_items(data: bytes, text: str | None = None) -> list[_LaidOut] | None:
    """Match a whole file laid out as ``write_moodle_xml`` writes it, question by question.

    Args:
        data: The file.
        text: ``data`` decoded as UTF-8 already, if the caller has it (line ends rewritten
            or not: a file with a carriage return is left to ElementTree).

    Returns:
        The groups of each question and category match with the line it starts on, or None
        when any part of the file is laid out differently (ElementTree must read it).
    """
    # On the bytes: ``decode_text`` has rewritten the line ends of ``text``.
    if data.translate(None, _XML_BYTES) or (b"]" in data and b"]]>" in data):
        return None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if "\ufffe" in text or "\uffff" in text or ("&" in text and (
            _BAD_AMPERSAND.search(text) or not _valid_references(text))):
        return None
    start = _LAID_OUT_START.match(text)
    # Outside its one comment, the patterns admit no "<!" at all (no DOCTYPE, no CDATA). In
    # the comment such text changes nothing for expat, but ElementTree's path would take the
    # defused parser or leave a "CDATA section" alone: leave such files to it.
    if start is None or any(word in (start.group(1) or "") for word in _NOT_IN_COMMENT):
        return None
    # A question whose texts hold no reference (so no markup either: '<' is always escaped)
    # and no media needs nothing done to its texts but stripping (see ``_read_laid_out``).
    special = [mark for mark in ("&", "@@", "![") if _contains(text, mark)]
    items: list[_LaidOut] = []
    question, category = _laid_out_pattern().match, _LAID_OUT_CATEGORY.match
    pos, line, last = start.end(), 1, 0
    while not text.startswith("</quiz>", pos):
        is_category = text.startswith('<question type="category">', pos)
        match = (category if is_category else question)(text, pos)
        if match is None:
            return None
        line += text.count("\n", last, pos)
        last = pos
        end = match.end()
        groups = match.groups()
        if not is_category and groups[0] not in _SUPPORTED and (
                _attribute(groups[0], "").strip().lower() == "category"):
            return None  # ElementTree's reader would take it for a category
        plain = not special or not any(text.find(mark, pos, end) >= 0 for mark in special)
        items.append((line, is_category, plain, groups))
        pos = end
    if _LAID_OUT_END.match(text, pos) is None:
        return None
    return items


def _contains(text: str, mark: str) -> bool:
    """``mark in text``, for a mark whose first character is rare, on a large text.

    Looking for a single character is a fast memory scan; looking for two takes a general
    substring search about twenty times as long over a large export.
    """
    first = mark[0]
    at = text.find(first)
    while at >= 0:
        if text.startswith(mark, at):
            return True
        at = text.find(first, at + 1)
    return False


def _valid_references(xml: str) -> bool:
    """Whether every character reference in ``xml`` names a character XML allows."""
    for match in _CHARACTER_REFERENCE.finditer(xml):
        code = int(match.group(2), 16 if match.group(1) else 10)
        if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF
                or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF):
            return False
    return True


def _xml_text(raw: str | None) -> str:
    """The text ElementTree would give for the character data ``raw`` ('' for None)."""
    if not raw:
        return ""
    if "\n" in raw:
        raw = _LAYOUT_TAIL.sub("", raw)
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _entity(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name is not None:
        return _ENTITIES[name]
    return chr(int(decimal) if decimal is not None else int(hexadecimal, 16))


def _attribute(raw: str | None, default: str) -> str:
    """An attribute's value as ElementTree gives it (``default`` when absent)."""
    if raw is None:
        return default
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _format(raw: str | None) -> str:
    """A ``_FORMAT`` group's value as ElementTree gives it."""
    return "markdown" if raw is None else _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _read_laid_out(reader: _XmlReader, items: list[_LaidOut]) -> None:
    """Give every matched question and category to ``reader``, in file order."""
    tag_lists: dict[str, list[str]] = {}  # tags repeat: read each distinct <tags> once
    text, attribute = _xml_text, _attribute
    for line, is_category, plain, g in items:
        if is_category:  # groups: path text, info format, info there, info text
            info = None if g[2] is None else (text(g[3]), _format(g[1]))
            reader.category(text(g[0]), info)
            continue
        tags_xml = g[_G_TAGS]
        tags = None
        if tags_xml is not None:
            tags = tag_lists.get(tags_xml)
            if tags is None:
                tags = tag_lists[tags_xml] = [text(raw) for raw in _TAG_TEXT.findall(tags_xml)]
        single, shuffle = text(g[_G_SINGLE]).strip(), text(g[_G_SHUFFLE]).strip()
        idnumber = text(g[_G_IDNUMBER]).strip()
        kind = g[_G_TYPE]
        if plain and kind in _SUPPORTED and g[_G_STEM] is None and g[_G_RATIONALE] is None and (
                answers := _plain_answers(g)) is not None:
            # What ``question`` would make of it: every text is markdown without markup,
            # references or media, so it only needs stripping (a trailing layout line break
            # included), and so does the name, which is plain text.
            reader.plain_question(
                kind, line, (g[_G_NAME] or "").strip(), (g[_G_STEM + 1] or "").strip(),
                (g[_G_RATIONALE + 1] or "").strip(), answers, single=single, shuffle=shuffle,
                idnumber=idnumber, tags=tags)
            continue
        answers_xml: list[_Answer] = []
        for k in range(_G_ANSWERS, _G_TAGS, _ANSWER_WIDTH):
            if g[k] is None:
                break  # the answer slots fill in order: the rest are empty too
            answers_xml.append((
                attribute(g[k], "0"), (text(g[k + 2]), _format(g[k + 1])),
                None if g[k + 4] is None else (text(g[k + 5]), _format(g[k + 3]))))
        reader.question(
            attribute(g[_G_TYPE], "").strip().lower(), line, text(g[_G_NAME]),
            (text(g[_G_STEM + 1]), _format(g[_G_STEM])),
            (text(g[_G_RATIONALE + 1]), _format(g[_G_RATIONALE])), answers_xml,
            single=single, shuffle=shuffle, idnumber=idnumber, tags=tags)


def _plain_answers(g: tuple[str | None, ...]) -> list[tuple[str, float, str]] | None:
    """(text, fraction, feedback) of each answer of a plain question match.

    As ``question`` would read them; None when one is not markdown or its fraction is not a
    number (``question`` must then explain it).
    """
    answers = []
    for k in range(_G_ANSWERS, _G_TAGS, _ANSWER_WIDTH):
        fraction = g[k]
        if fraction is None:
            break  # the answer slots fill in order: the rest are empty too
        if g[k + 1] is not None or g[k + 3] is not None:  # not markdown
            return None
        try:
            value = float(fraction)
        except ValueError:
            return None
        answers.append(((g[k + 2] or "").strip(), value, (g[k + 5] or "").strip()))
    return answers


def _inner(holder: ET.Element | None) -> str:
    """The ``<text>`` inside ``holder`` (``<name><text>…</text></name>``), or ''."""
    return "" if holder is None else holder.findtext("text") or ""


def _holder(element: ET.Element | None) -> _Holder | None:
    """``element`` as a holder (None when there is no element)."""
    return None if element is None else _as_holder(element)


def _as_holder(element: ET.Element) -> _Holder:
    return element.findtext("text") or "", element.get("format", "html")


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

"""Text helpers every format reader and writer shares.

HTML to plain text, Moodle's grade fractions, and the id and topic bookkeeping of a file
being read. GIFT, Moodle XML and the delimited formats all use them; they live in a module
of their own so that no reader has to import another.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from mht_desktop.core.banks import ID_PATTERN, Question, QuestionType, Topic, slugify
from mht_desktop.formats.base import topic_from_category

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
# Nearly every grade in a file is exactly one of the list (0, 100…): one lookup, not 41
# comparisons, for each of a big bank's 40,000 answers. -0.0 finds 0.0, as the loop does.
_EXACT_GRADES = {allowed: allowed for allowed in _SIGNED_FRACTIONS}


def moodle_grade(percent: float) -> float | None:
    """The grade of Moodle's list (or its negative) that ``percent`` is, or None.

    Moodle's importers accept a grade only within 0.001 % of one on its list, so 33.33333
    is a grade and 33 is not, and nothing above 100 % or below −100 % is.
    """
    exact = _EXACT_GRADES.get(percent)
    if exact is not None:
        return exact
    for allowed in _SIGNED_FRACTIONS:
        if abs(allowed - percent) < 1e-3:
            return allowed
    return None


def nearest_moodle_fraction(value: float) -> float:
    """The grade from Moodle's list (-100…100) closest to ``value``."""
    return min(_SIGNED_FRACTIONS, key=lambda allowed: abs(allowed - value))


def format_percent(value: float) -> str:
    """A percentage as Moodle writes it: up to five decimals, no trailing zeros."""
    if value == 0:
        return "0"
    return f"{value:.5f}".rstrip("0").rstrip(".")


GRADE_LIST = ", ".join(format_percent(f) for f in MOODLE_FRACTIONS)


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


def category_path(topic: Topic) -> str:
    """Moodle's path for a topic: under the course's top category, '/' escaped as '//'."""
    return "$course$/top/" + topic.title.replace("/", "//")

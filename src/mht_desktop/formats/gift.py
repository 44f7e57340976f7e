"""GIFT, Moodle's plain-text question format: read it and write it.

Many instructors write quizzes in GIFT by hand or export them from Moodle, so a GIFT file is
often the only copy of a bank they have. We read the question kinds MHT Desktop can ask
(multiple choice, multiple response, true/false, missing word) and skip the rest with a
warning that names the line, so an instructor can see exactly what did not come across.

Rules follow Moodle's importer as summarised in /work/shared/formats.md; the parser is our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mht_desktop.core.banks import Bank, Choice, Question, QuestionType, Topic
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank, info_from_file_name
from mht_desktop.formats.moodle_xml import (
    ItemIds,
    TopicSet,
    category_path,
    format_percent,
    has_embedded_media,
    html_to_text,
    moodle_fractions,
    topic_for_path,
)

# Escaped characters are swapped for private-use code points before any structural parsing,
# so "\=" can never be taken for an answer marker; they are swapped back in the final text.
# "\\" comes first so that an escaped backslash cannot escape the character after it.
_ESCAPED = {
    "\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003",
    "\\{": "\ue004", "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007",
}
_LITERALS = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#",
             "\ue004": "{", "\ue005": "}", "\ue006": ":"}
_NEWLINE = "\ue007"  # restored after HTML conversion, which would collapse a real newline
_FORMAT_PREFIX = re.compile(r"\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_BLANK = "_____"

# looks_like_gift: a title or category at a line start, or an answer block that opens the
# way only GIFT answer blocks do.
_GIFT_SIGNAL = re.compile(
    r"^[ \t]*(?:::[^\n]*?::|\$CATEGORY:)"
    r"|\{[ \t\n]*(?:[=~]|(?:T|F|TRUE|FALSE)[ \t]*[#}])",
    re.MULTILINE,
)
_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")


def looks_like_gift(text: str) -> bool:
    """True when most blank-line-separated blocks look like GIFT questions.

    Only the first 64 KiB are examined: enough to decide, and detection stays instant.

    Args:
        text: Decoded file content.

    Returns:
        Whether the content should be read as GIFT.
    """
    head = text[:65536].replace("\r\n", "\n")
    blocks = [b for b in _BLOCK_SPLIT.split(head) if _has_content(b)]
    if not blocks:
        return False
    gift_blocks = sum(1 for b in blocks if _GIFT_SIGNAL.search(b))
    lines = sum(1 for b in blocks for line in b.split("\n") if _is_content_line(line))
    # A spreadsheet with one stray "{=" in a cell is a single huge block: also ask for a
    # signal every couple of dozen lines.
    return gift_blocks * 2 >= len(blocks) and gift_blocks * 25 >= lines


def _is_content_line(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("//")


def _has_content(block: str) -> bool:
    return any(_is_content_line(line) for line in block.split("\n"))


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class _Skip(Exception):
    """Abandon the current question; its problem has been recorded."""


# A run of non-blank lines (a blank line may hold spaces or tabs). Leading blanks are matched
# by a class that cannot overlap "\S", so the pattern never backtracks quadratically.
_RUN = re.compile(r"[ \t\r\f\v]*\S[^\n]*(?:\n[ \t\r\f\v]*\S[^\n]*)*")
_ANSWER = re.compile(r"([=~])(?:\s*%(-?\d+(?:\.\d+)?)%)?([^=~#]*)(?:#([^=~]*))?")


@dataclass(slots=True)
class _Block:
    """One question's text (comment lines removed) and where its lines are in the file.

    Attributes:
        text: The block, escapes already swapped for placeholders when ``escaped``.
        first: File line of the block's first line.
        numbers: File line of every line of ``text`` when comment lines were removed
            (otherwise the lines are consecutive from ``first``).
        escaped: Whether the block held backslash escapes.
    """

    text: str
    first: int
    numbers: list[int] | None = None
    escaped: bool = False

    def line_of(self, offset: int) -> int:
        """File line of character ``offset`` in ``text``."""
        index = self.text.count("\n", 0, offset)
        return self.numbers[index] if self.numbers else self.first + index


def _blocks(text: str) -> list[_Block]:
    """Split a GIFT file into blocks at blank lines, dropping ``//`` comment lines.

    A comment line does not separate questions (Moodle removes comments inside a block), so
    it is dropped from its block rather than treated as blank.
    """
    blocks: list[_Block] = []
    line, last = 1, 0
    for match in _RUN.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        block = match.group()
        if "//" in block:
            lines = block.split("\n")
            kept = [(line + i, ln) for i, ln in enumerate(lines)
                    if not ln.lstrip().startswith("//")]
            if not kept:
                continue
            if len(kept) < len(lines):
                blocks.append(_Block("\n".join(ln for _, ln in kept), kept[0][0],
                                     [n for n, _ in kept]))
                continue
        blocks.append(_Block(block, line))
    return blocks


@dataclass(slots=True)
class _GiftReader:
    """State carried from block to block: categories, ids and problems."""

    file: str
    topics: TopicSet
    ids: ItemIds = field(default_factory=lambda: ItemIds("q"))
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    current_topic: str | None = None
    position: int = 0

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, Severity.WARNING))

    def fail(self, line: int, message: str) -> _Skip:
        self.problems.append(Problem(self.file, line, message))
        return _Skip()

    def read_block(self, block: _Block) -> None:
        if block.text.lstrip().startswith("$CATEGORY:"):
            head, _, rest = block.text.partition("\n")
            self._category(head.split(":", 1)[1].strip())
            if not rest.strip():
                return
            # Tolerate a question right under its category line (Moodle wants a blank line).
            numbers = block.numbers[1:] if block.numbers else None
            block = _Block(rest, numbers[0] if numbers else block.first + 1, numbers)
        if "\\" in block.text:
            block.text = _replace_all(block.text, _ESCAPED)
            block.escaped = True
        self.position += 1
        try:
            self._question(block)
        except _Skip:
            pass  # the problem is recorded; go on with the next question

    def _category(self, path: str) -> None:
        parts = [p for p in path.replace("$course$", "").split("/") if p.strip()]
        if not parts or parts == ["top"]:
            self.current_topic = None
        else:
            self.current_topic = self.topics.register(topic_for_path(path))

    def _question(self, block: _Block) -> None:
        text, start = block.text, block.line_of(0)
        pos = len(text) - len(text.lstrip())
        title = ""
        if text.startswith("::", pos):
            end = text.find("::", pos + 2)
            if end < 0:
                raise self.fail(start, "the title opened with '::' is never closed with '::'")
            title = _unescape(text[pos + 2:end]).replace(_NEWLINE, " ").strip()
            pos = end + 2
        label = f"question {title!r}" if title else "question"
        open_at, close_at = text.find("{", pos), text.find("}", pos)
        if open_at < 0:
            if close_at >= 0:
                raise self.fail(block.line_of(close_at), "'}' without an opening '{' (write "
                                "\\} for a literal brace)")
            self.warn(start, f"{label} has no answer block {{…}}: descriptions are not "
                      "supported; skipped")
            raise _Skip
        self._check_braces(block, open_at, close_at)
        fmt, stem = _split_format(text[pos:open_at], "moodle")
        after = text[close_at + 1:]
        if after.strip():  # missing-word question: the block marks the blank
            stem = stem + _BLANK + after
        if has_embedded_media(stem):
            self.warn(start, f"{label}: an image or embedded file was dropped (MHT Desktop "
                      "shows text only)")
        kind, choices, rationale = self._answers(block, open_at + 1, close_at, fmt, label)
        question_id = self.ids.take(self.position, title=title)
        self.questions.append(Question(
            id=question_id, type=kind, topic=self.topics.use(self.current_topic),
            stem=_finish(stem, fmt, block.escaped), choices=tuple(choices),
            rationale=rationale, title=title if title != question_id else "", line=start,
        ))

    def _check_braces(self, block: _Block, open_at: int, close_at: int) -> None:
        text = block.text
        if close_at < 0:
            raise self.fail(block.line_of(open_at), "'{' is never closed with '}' (write \\{ "
                            "for a literal brace)")
        if close_at < open_at:
            raise self.fail(block.line_of(close_at), "'}' comes before the answer block's "
                            "'{' (write \\} for a literal brace)")
        nested = text.find("{", open_at + 1, close_at)
        if nested >= 0:
            raise self.fail(block.line_of(nested), "'{' inside an answer block (write \\{ "
                            "for a literal brace)")
        for brace in "{}":
            extra = text.find(brace, close_at + 1)
            if extra >= 0:
                raise self.fail(block.line_of(extra), "a question may hold only one answer "
                                "block {…} (write \\{ and \\} for literal braces)")

    def _answers(self, block: _Block, begin: int, end: int, fmt: str,
                 label: str) -> tuple[QuestionType, list[Choice], str]:
        """Classify the answer block ``text[begin:end]`` and read its answers."""
        answers, rationale = block.text[begin:end], ""
        general = answers.find("####")
        if general >= 0:
            answers, rationale = answers[:general], _finish(answers[general + 4:], fmt,
                                                            block.escaped)
        stripped = answers.strip()
        unsupported = None
        if not stripped:
            unsupported = "essay questions ({})"
        elif stripped.startswith("#"):
            unsupported = "numerical questions ({#…})"
        elif "~" not in stripped and "=" in stripped and "->" in stripped:
            unsupported = "matching questions (=a -> b)"
        elif "~" not in stripped and stripped.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
            return (QuestionType.TRUE_FALSE, _true_false(stripped, fmt, block.escaped),
                    rationale)
        elif "~" not in stripped:
            unsupported = "short-answer questions (only '=' answers)"
        if unsupported:
            self.warn(block.line_of(0), f"{label}: {unsupported} are not supported; skipped")
            raise _Skip
        return (*self._multichoice(block, answers, begin, fmt, label), rationale)

    def _multichoice(self, block: _Block, answers: str, base: int, fmt: str,
                     label: str) -> tuple[QuestionType, list[Choice]]:
        matches = list(_ANSWER.finditer(answers))
        lead = answers[:matches[0].start()]
        if lead.strip():
            raise self.fail(block.line_of(base + len(lead) - len(lead.lstrip())),
                            f"{label}: text before the first answer; start every answer "
                            "with '=' (right) or '~' (wrong)")
        single = "=" in answers
        fields = [match.groups() for match in matches]
        count = len(fields)
        finished = _finish_all([f[2] for f in fields] + [f[3] or "" for f in fields], fmt,
                               block.escaped)
        choices: list[Choice] = []
        for index, (mark, raw_weight, _, _) in enumerate(fields):
            weight = None if raw_weight is None else float(raw_weight)
            if weight is not None and not -100 <= weight <= 100:
                raise self.fail(block.line_of(base + matches[index].start()),
                                f"{label}: weight {raw_weight}% is outside -100%…100%")
            if not finished[index]:
                raise self.fail(block.line_of(base + matches[index].start()),
                                f"{label}: answer {index + 1} is empty")
            correct = mark == "=" if single else (weight or 0) > 0
            choices.append(Choice(finished[index], correct, finished[count + index],
                                  weight=weight))
        right = sum(1 for c in choices if c.correct)
        if single and right > 1:
            raise self.fail(block.line_of(0), f"{label}: {right} answers are marked right "
                            "with '='; a multiple-choice question takes one (for "
                            "select-all-that-apply give weights such as ~%50%)")
        if not right:
            raise self.fail(block.line_of(0), f"{label}: no answer is right; mark it with "
                            "'=' or, for select-all-that-apply, give the right answers "
                            "positive weights such as ~%50%")
        return QuestionType.SINGLE if single else QuestionType.MULTIPLE, choices


def _replace_all(text: str, table: dict[str, str]) -> str:
    """Apply ``table``'s replacements in order (faster than a regex with a callback)."""
    for old, new in table.items():
        if old in text:
            text = text.replace(old, new)
    return text


def _unescape(text: str) -> str:
    """Put back the characters that were escaped with a backslash."""
    return _replace_all(text, _LITERALS)


def _split_format(text: str, default: str) -> tuple[str, str]:
    """Remove a leading ``[html]``-style prefix: (format, rest)."""
    match = _FORMAT_PREFIX.match(text) if "[" in text else None
    if match is None:
        return default, text
    return match.group(1).lower(), text[match.end():]


def _finish(raw: str, fmt: str, escaped: bool) -> str:
    """Final text of a GIFT fragment: prefix removed, escapes undone, HTML flattened.

    Args:
        raw: The fragment as it stands in the block.
        fmt: The format in force (the question's, unless the fragment has its own prefix).
        escaped: Whether the block held escapes (placeholders to put back).
    """
    fmt, raw = _split_format(raw, fmt)
    text = raw.strip()
    if escaped:
        text = _unescape(text)
    if fmt in ("html", "moodle") and ("<" in text or "&" in text):
        text = html_to_text(text).strip()
    if escaped and _NEWLINE in text:
        # After HTML flattening, which would have collapsed a real line break.
        text = text.replace(_NEWLINE, "\n").strip()
    return text


_SEPARATOR = "\x1e"  # ASCII record separator: joins fragments that are finished together


def _finish_all(fragments: list[str], fmt: str, escaped: bool) -> list[str]:
    """:func:`_finish` for many fragments at once (one regex pass instead of one each).

    A question's answers and feedback are joined, unescaped in one go and split again; the
    rare fragments with their own format prefix or with HTML take the one-by-one path.
    """
    joined = _SEPARATOR.join(fragments)
    if "[" in joined or joined.count(_SEPARATOR) != len(fragments) - 1:
        return [_finish(fragment, fmt, escaped) for fragment in fragments]
    if escaped:
        joined = _unescape(joined)
    parts = joined.split(_SEPARATOR)
    if fmt in ("html", "moodle") and ("<" in joined or "&" in joined):
        parts = [html_to_text(part) for part in parts]
    if escaped and _NEWLINE in joined:
        parts = [part.replace(_NEWLINE, "\n") for part in parts]
    return [part.strip() for part in parts]


def _true_false(answers: str, fmt: str, escaped: bool) -> list[Choice]:
    """Choices for ``{T#feedback if wrong#feedback if right}``."""
    word, _, feedback = answers.partition("#")
    wrong, _, right = feedback.partition("#")
    answer = _TRUE_FALSE[word.strip().upper()]
    wrong_text, right_text = _finish(wrong, fmt, escaped), _finish(right, fmt, escaped)
    # Feedback belongs to the choice the learner picks: the right one sees the "right" text.
    return [Choice("True", answer, right_text if answer else wrong_text),
            Choice("False", not answer, wrong_text if answer else right_text)]


def read_gift(text: str, *, file: str) -> ParsedBank:
    """Parse a GIFT file.

    Args:
        text: Decoded content (Windows line endings are accepted).
        file: The name used in messages and for the bank's id, title and default topic.

    Returns:
        The bank (only the questions that parsed) and every problem, each with its line.
        Unsupported question kinds are warnings; malformed questions are errors.
    """
    info, default_topic = info_from_file_name(file)
    reader = _GiftReader(file=file, topics=TopicSet(default_topic))
    for block in _blocks(text.replace("\r\n", "\n").replace("\r", "\n")):
        reader.read_block(block)
    bank = Bank(info=info, topics=reader.topics.topics(), questions=tuple(reader.questions))
    return ParsedBank(bank, reader.problems)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

_SPECIAL = re.compile(r"[\\~=#{}:\n]")
_WRITE_ESCAPES = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}",
                  ":": "\\:", "\n": "\\n"}


def escape_gift(text: str) -> str:
    """Escape GIFT's special characters (and line breaks) in ``text``."""
    return _SPECIAL.sub(lambda m: _WRITE_ESCAPES[m.group()], text.strip())


def write_gift(bank: Bank) -> str:
    """Serialise the questions of ``bank`` as GIFT.

    Questions are grouped under a ``$CATEGORY:`` per topic and titled with their id, so a
    round trip keeps ids and topics. Text is marked ``[markdown]`` (our text is plain text or
    Markdown). Flashcards cannot be expressed in GIFT and are not written; difficulty, tags,
    source and review dates have no place in GIFT either.

    Args:
        bank: The bank to export.

    Returns:
        The GIFT text, UTF-8 ready.
    """
    out = [f"// {bank.info.title} — exported from MHT Desktop",
           "// Flashcards, tags, sources and difficulty cannot be expressed in GIFT.", ""]
    topics = {t.id: t for t in bank.topics}
    by_topic: dict[str, list[Question]] = {}
    for question in bank.questions:
        by_topic.setdefault(question.topic, []).append(question)
    for topic_id, questions in by_topic.items():
        topic = topics.get(topic_id, Topic(topic_id, topic_id))
        out += [f"$CATEGORY: {category_path(topic)}", ""]
        for question in questions:
            out += [_question_gift(question), ""]
    return "\n".join(out)


def _question_gift(question: Question) -> str:
    lines = [f"::{escape_gift(question.id)}::[markdown]{escape_gift(question.stem)} {{"]
    if question.type is QuestionType.TRUE_FALSE:
        lines.append("\t" + _true_false_gift(question))
    else:
        weighted = question.type is QuestionType.MULTIPLE
        for choice, fraction in zip(question.choices, moodle_fractions(question), strict=True):
            if weighted or (not choice.correct and fraction != 0):
                mark = f"~%{format_percent(fraction)}%"
            else:
                mark = "=" if choice.correct else "~"
            feedback = f"#{escape_gift(choice.feedback)}" if choice.feedback.strip() else ""
            lines.append(f"\t{mark}{escape_gift(choice.text)}{feedback}")
    if question.rationale.strip():
        lines.append(f"\t####{escape_gift(question.rationale)}")
    lines.append("}")
    return "\n".join(lines)


def _true_false_gift(question: Question) -> str:
    answer = next((c for c in question.choices if c.correct), None)
    is_true = answer is not None and answer.text.strip().lower() == "true"
    right = answer.feedback if answer else ""
    wrong = next((c.feedback for c in question.choices if not c.correct), "")
    text = "TRUE" if is_true else "FALSE"
    if wrong.strip() or right.strip():
        text += f"#{escape_gift(wrong)}"
    if right.strip():
        text += f"#{escape_gift(right)}"
    return text

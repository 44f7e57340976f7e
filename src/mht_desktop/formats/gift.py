"""GIFT, Moodle's plain-text question format: reading it (writing is in ``gift_writer``).

Many instructors write quizzes in GIFT by hand or export them from Moodle, so a GIFT file is
often the only copy of a bank they have. We read the question kinds MHT Desktop can ask
(multiple choice, multiple response, true/false, missing word) and skip the rest with a
warning that names the line, so an instructor can see exactly what did not come across.

The rules are those of Moodle's GIFT importer and documentation (see docs/import-formats.md
for what we support); the parser is our own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mht_desktop.core.banks import Bank, Choice, Question, QuestionType
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank, info_from_file_name
from mht_desktop.formats.gift_text import (
    ESCAPE,
    NEWLINE,
    finish_all,
    placeholder,
    split_format,
    unescape,
)
from mht_desktop.formats.text import (
    GRADE_LIST,
    ItemIds,
    TopicSet,
    has_embedded_media,
    is_top_category,
    moodle_grade,
    topic_for_path,
)

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


# A run of non-blank lines (a blank line may hold white space). Leading white space is
# matched by a class that cannot overlap "\S", so the pattern never backtracks quadratically;
# nothing after a line's rest or after the last line could match differently, so those
# repeats are possessive ("*+"), which spares the engine their backtracking records.
_RUN = re.compile(r"[^\S\n]*\S[^\n]*+(?:\n[^\S\n]*\S[^\n]*+)*+")
# Comment lines at the start of a block, each with its line break ("\s" is what lstrip takes).
_LEADING_COMMENTS = re.compile(r"(?:[^\S\n]*//[^\n]*\n)+")
# Like Moodle, only '~' answers take a %weight%: "=%50%x" is a right answer reading "%50%x".
# The optional parts are written "(?:…|)", not "(?:…)?": the same matches and groups, but
# the regex engine takes a two-way branch faster than its general repeat (~15 % of a findall
# that runs for every question).
_ANSWER = re.compile(r"([=~])(?:(?<=~)\s*%(-?\d+(?:\.\d+)?)%|)([^=~#]*)(?:#([^=~]*)|)")
_ANSWER_MARK = re.compile(r"[=~]")
_CATEGORY_LINE = re.compile(r"\s*\$CATEGORY:")  # what lstrip().startswith() tests, uncopied


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
    comments: str = ""

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
            # The usual layout (Moodle's export: "// [id:…] [tag:…]" above each question):
            # the comments are the block's first lines and nothing after them has "//".
            leading = _LEADING_COMMENTS.match(block)
            if leading is not None and block.find("//", leading.end()) < 0:
                comments = block[:leading.end() - 1]
                blocks.append(_Block(block[leading.end():], line + comments.count("\n") + 1,
                                     comments=comments))
                continue
            lines = block.split("\n")
            kept = [(line + i, ln) for i, ln in enumerate(lines)
                    if not ln.lstrip().startswith("//")]
            if not kept:
                continue
            if len(kept) < len(lines):
                comments = "\n".join(ln for ln in lines if ln.lstrip().startswith("//"))
                blocks.append(_Block("\n".join(ln for _, ln in kept), kept[0][0],
                                     [n for n, _ in kept], comments=comments))
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
        if _CATEGORY_LINE.match(block.text):
            head, _, rest = block.text.partition("\n")
            self._category(head.split(":", 1)[1].strip())
            if not rest.strip():
                return
            # Tolerate a question right under its category line (Moodle wants a blank line).
            numbers = block.numbers[1:] if block.numbers else None
            block = _Block(rest, numbers[0] if numbers else block.first + 1, numbers,
                           comments=block.comments)
        if "\\" in block.text:
            block.text = ESCAPE.sub(placeholder, block.text)
            block.escaped = True
        self.position += 1
        try:
            self._question(block)
        except _Skip:
            pass  # the problem is recorded; go on with the next question

    def _category(self, path: str) -> None:
        if is_top_category(path):
            self.current_topic = None
        else:
            self.current_topic = self.topics.register(topic_for_path(path))

    def _question(self, block: _Block) -> None:
        start = block.line_of(0)
        title, pos = self._title(block)
        open_at, close_at = self._answer_block(block, pos, title)
        text = block.text
        fmt, stem = split_format(text[pos:open_at], "moodle")
        after = text[close_at + 1:]
        if after.strip():  # missing-word question: the block marks the blank
            stem = stem + _BLANK + after
        if ("<" in stem or "@@" in stem) and has_embedded_media(stem):
            self.warn(start, f"{_label(title)}: an image or embedded file was dropped (MHT "
                      "Desktop shows text only)")
        answers, rationale = text[open_at + 1:close_at], ""
        general = answers.find("####")
        if general >= 0:
            answers, rationale = answers[:general], answers[general + 4:]
        kind = self._kind(block, answers, title)
        if kind is QuestionType.TRUE_FALSE:
            stem, rationale, choices = _true_false(answers, stem, rationale, fmt, block.escaped)
        else:
            kind, stem, rationale, choices = self._multichoice(
                block, answers, open_at + 1, [stem, rationale], fmt, title)
        idnumber, tags = _moodle_comments(block.comments) if "[" in block.comments else ("", ())
        question_id = self.ids.take(self.position, exact=idnumber, title=idnumber or title)
        # Positional: Question(id, type, topic, stem, choices, rationale, difficulty, tags,
        # source, reviewed, jurisdiction, setting, title, line), a call 10,000 times over.
        self.questions.append(Question(
            question_id, kind, self.topics.use(self.current_topic), stem, tuple(choices),
            rationale, 2, tags, "", None, (), (), title if title != question_id else "", start))

    def _title(self, block: _Block) -> tuple[str, int]:
        """The ``::title::`` (or '') and where the text after it starts."""
        text = block.text
        pos = len(text) - len(text.lstrip())
        if not text.startswith("::", pos):
            return "", pos
        end = text.find("::", pos + 2)
        if end < 0:
            raise self.fail(block.line_of(0), "the title opened with '::' is never closed "
                            "with '::'")
        return unescape(text[pos + 2:end]).replace(NEWLINE, " ").strip(), end + 2

    def _answer_block(self, block: _Block, pos: int, title: str) -> tuple[int, int]:
        """Offsets of the answer block's braces; skips descriptions, reports stray braces."""
        text = block.text
        open_at, close_at = text.find("{", pos), text.find("}", pos)
        if open_at < 0:
            if close_at >= 0:
                raise self.fail(block.line_of(close_at), "'}' without an opening '{' (write "
                                "\\} for a literal brace)")
            self.warn(block.line_of(0), f"{_label(title)} has no answer block {{…}}: "
                      "descriptions are not supported; skipped")
            raise _Skip
        if text.count("{") != 1 or text.count("}") != 1 or close_at < open_at:
            self._brace_error(block, open_at, close_at)
        return open_at, close_at

    def _multichoice(self, block: _Block, answers: str, base: int, texts: list[str],
                     fmt: str, title: str) -> tuple[QuestionType, str, str, list[Choice]]:
        """Type, finished stem and rationale (``texts``), and choices of a ``~``/``=`` block."""
        fields = self._answer_fields(block, answers, base, title)
        fragments = texts + [f[2] for f in fields] + [f[3] for f in fields]
        finished = finish_all(fragments, fmt, block.escaped)
        single = "=" in answers  # no '=' at all: a checkbox question with weights
        choices = self._choices(block, fields, finished[2:], single, title)
        kind = QuestionType.SINGLE if single else QuestionType.MULTIPLE
        return kind, finished[0], finished[1], choices

    def _brace_error(self, block: _Block, open_at: int, close_at: int) -> None:
        """Report the first misplaced brace of a question (``{`` is at ``open_at``)."""
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

    def _kind(self, block: _Block, answers: str, title: str) -> QuestionType:
        """Classify an answer block (general feedback removed); skip unsupported kinds."""
        stripped = answers.strip()
        unsupported = None
        if not stripped:
            unsupported = "essay questions ({})"
        elif stripped.startswith("#"):
            unsupported = "numerical questions ({#…})"
        elif "~" in stripped:
            return QuestionType.SINGLE  # or multiple response: decided by the answers
        elif "=" in stripped and "->" in stripped:
            unsupported = "matching questions (=a -> b)"
        elif stripped.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
            return QuestionType.TRUE_FALSE
        else:
            unsupported = "short-answer questions (only '=' answers)"
        self.warn(block.line_of(0), f"{_label(title)}: {unsupported} are not supported; "
                  "skipped")
        raise _Skip

    def _answer_fields(self, block: _Block, answers: str, base: int,
                       title: str) -> list[tuple[str, str, str, str]]:
        """(mark, weight, text, feedback) of each answer, still raw ('' for no weight)."""
        fields: list[tuple[str, str, str, str]] = _ANSWER.findall(answers)
        # The first answer starts at the first '=' or '~' (the pattern matches at each).
        first = _ANSWER_MARK.search(answers)
        lead = first.start() if first is not None else len(answers)
        if lead and not answers[:lead].isspace():  # text before it
            self._answer_problem(block, answers, base, title)
        for _, weight, text, _ in fields:
            if ((weight and moodle_grade(float(weight)) is None)
                    or not text or text.isspace()):
                self._answer_problem(block, answers, base, title)
        return fields

    def _answer_problem(self, block: _Block, answers: str, base: int, title: str) -> None:
        """Report the first problem of an answer block, at its line."""
        matches = list(_ANSWER.finditer(answers))
        lead = answers[:matches[0].start()]
        if lead.strip():
            raise self.fail(block.line_of(base + len(lead) - len(lead.lstrip())),
                            f"{_label(title)}: text before the first answer; start every "
                            "answer with '=' (right) or '~' (wrong)")
        for index, match in enumerate(matches, start=1):
            _, raw_weight, text, _ = match.groups()
            if raw_weight is not None and moodle_grade(float(raw_weight)) is None:
                raise self.fail(block.line_of(base + match.start()), f"{_label(title)}: "
                                f"weight {raw_weight}% is not a grade Moodle accepts (its "
                                f"list: {GRADE_LIST}, or their negatives)")
            if not text or text.isspace():
                raise self.fail(block.line_of(base + match.start()), f"{_label(title)}: "
                                f"answer {index} is empty")

    def _choices(self, block: _Block, fields: list[tuple[str, str, str, str]],
                 texts: list[str], single: bool, title: str) -> list[Choice]:
        """Choices from raw answer fields and their finished texts and feedback."""
        count = len(fields)
        choices = []
        right = 0
        for index, (mark, raw_weight, _, _) in enumerate(fields):
            # Moodle: an answer without a weight is worth 0 % (in a multiple-response question
            # that is what makes ticking it cost nothing); keep that, not "no weight given".
            weight = (0.0 if not single else None) if not raw_weight else float(raw_weight)
            correct = mark == "=" if single else weight is not None and weight > 0
            right += correct
            choices.append(Choice(texts[index], correct, texts[count + index], False, weight))
        if not right:
            raise self.fail(block.line_of(0), f"{_label(title)}: no answer is right; mark it "
                            "with '=' or, for select-all-that-apply, give the right answers "
                            "positive weights such as ~%50%")
        return choices


# Moodle's GIFT export writes "// [id:IDNUMBER] [tag:TAG] …" above a question; "\]" escapes
# a bracket inside a value.
# The value is "(?:\\.|[^\]\\])*" unrolled: the same text, without a repeat of a two-way
# branch for each character (half the time).
_MOODLE_COMMENT = re.compile(r"\[(id|tag):([^\]\\]*(?:\\.[^\]\\]*)*)\]")
_COMMENT_ESCAPE = re.compile(r"\\(.)")


def _moodle_comments(comments: str) -> tuple[str, tuple[str, ...]]:
    """The idnumber and the tags in the comment lines above a question."""
    idnumber, tags = "", []
    for kind, raw in _MOODLE_COMMENT.findall(comments):
        value = (_COMMENT_ESCAPE.sub(r"\1", raw) if "\\" in raw else raw).strip()
        if kind == "id" and not idnumber:
            idnumber = value
        elif kind == "tag" and value and value not in tags:
            tags.append(value)
    return idnumber, tuple(tags)


def _true_false(answers: str, stem: str, rationale: str, fmt: str,
                escaped: bool) -> tuple[str, str, list[Choice]]:
    """Finished stem and rationale, and the choices of ``{T#if wrong#if right}``."""
    word, _, feedback = answers.partition("#")
    wrong, _, right = feedback.partition("#")
    stem, rationale, wrong, right = finish_all([stem, rationale, wrong, right], fmt, escaped)
    answer = _TRUE_FALSE[word.strip().upper()]
    # Feedback belongs to the choice the learner picks: the right one sees the "right" text.
    return stem, rationale, [Choice("True", answer, right if answer else wrong),
                             Choice("False", not answer, wrong if answer else right)]


def _label(title: str) -> str:
    """How messages name a question."""
    return f"question {title!r}" if title else "question"


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
    if "\r" in text:  # (one scan; replacing would copy the file twice)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for block in _blocks(text):
        reader.read_block(block)
    bank = Bank(info=info, topics=reader.topics.topics(), questions=tuple(reader.questions))
    return ParsedBank(bank, reader.problems)

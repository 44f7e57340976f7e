"""Aiken, the simplest quiz format Moodle reads: a question, lettered options, ``ANSWER: X``.

Instructors and publishers' test banks often come as Aiken because it is easy to type in any
editor. It can only hold single-answer multiple choice, with no feedback and no categories,
so every question lands in a topic named after the file. Because the format is so loose,
the reader says precisely which line breaks which rule rather than guessing.

Example::

    What is a normal resting pulse for an adult?
    A. 40–60 beats per minute
    B. 60–100 beats per minute
    C. 100–140 beats per minute
    ANSWER: B
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mht_desktop.core.banks import Bank, Choice, Question, QuestionType
from mht_desktop.core.errors import Problem
from mht_desktop.formats.base import ParsedBank, info_from_file_name

# A capital letter and '.' or ')', then the text. Moodle takes the text with or without a
# space after the mark ("A)text", "A.text"); we also accept an empty option ("C.") so the
# validator can name it instead of it silently becoming question text. ``spaced`` tells the
# two apart: "A.D.H.D. is…" may be a question's first line, so an option written without a
# space only counts where the next option letter is expected.
_OPTION = re.compile(r"([A-Z])[.)](?:(?P<spaced>[ \t]+)?(.*))?")
_ANSWER = re.compile(r"ANSWER[ \t]*:[ \t]*(.*)")
# Detection is lenient about the ANSWER line, so that a file with a mistake in one (a
# missing letter, two letters) is still read as Aiken and the mistake reported by line.
_ANSWER_LINE = re.compile(r"^[ \t]*ANSWER\b[^\n]*$", re.MULTILINE)
_OPTION_A_LINE = re.compile(r"^[ \t]*A[.)]", re.MULTILINE)
_OPTION_B_LINE = re.compile(r"^[ \t]*B[.)]", re.MULTILINE)
_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")


def looks_like_aiken(text: str) -> bool:
    """True when most question blocks have an ``A.``/``A)`` option and an ``ANSWER:`` line.

    Blocks are separated by blank lines; a file without blank lines is one block, which
    still qualifies. Only the first 64 KiB are examined.

    Args:
        text: Decoded file content.

    Returns:
        Whether the content should be read as Aiken.
    """
    head = text[:65536].replace("\r\n", "\n")
    blocks = [b for b in _BLOCK_SPLIT.split(head) if b.strip()]
    if len(blocks) > 1 and not _ANSWER_LINE.search(blocks[-1]):
        blocks.pop()  # the sample may cut the last question in half
    if not blocks:
        return False
    aiken = sum(1 for b in blocks if _OPTION_A_LINE.search(b) and (
        _ANSWER_LINE.search(b) or _OPTION_B_LINE.search(b)))
    return aiken * 2 > len(blocks)


@dataclass(slots=True)
class _Pending:
    """The question being read: its text lines and options so far."""

    line: int
    stem: list[str]
    options: list[str] = field(default_factory=list)
    broken: bool = False


@dataclass(slots=True)
class _AikenReader:
    """Reads line by line: a question starts with text, collects options, ends at ANSWER."""

    file: str
    topic: str
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pending: _Pending | None = None
    position: int = 0
    just_answered: bool = False  # after an ANSWER line, until the next question starts

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))
        if self.pending is not None:
            self.pending.broken = True

    def line(self, number: int, raw: str) -> None:
        """Feed one line of the file."""
        text = raw.strip()
        if not text:
            return  # Moodle ignores blank lines; a question ends at its ANSWER line
        answer = _ANSWER.fullmatch(text)
        if answer is not None:
            self._answer(number, answer.group(1).strip())
            return
        option = _OPTION.fullmatch(text)
        pending = self.pending
        if option is not None and option.group("spaced") is None and option.group(3) and (
                pending is None or option.group(1) != chr(ord("A") + len(pending.options))):
            option = None  # "A.D.H.D. is…": text, unless it is the option expected next
        if option is not None and pending is not None:
            self._option(number, option.group(1), (option.group(3) or "").strip())
        elif option is not None and self.just_answered:
            self.problems.append(Problem(self.file, number, f"option {option.group(1)} comes "
                                 "after the ANSWER line; options go before it"))
        elif pending is not None and pending.options:
            self._missing_answer()
            self._start(number, text)
        elif pending is not None:
            pending.stem.append(text)  # the question text may run over several lines
        else:
            self._start(number, text)

    def _start(self, number: int, text: str) -> None:
        self.position += 1
        self.just_answered = False
        self.pending = _Pending(number, [text])

    def _option(self, number: int, letter: str, text: str) -> None:
        assert self.pending is not None
        expected = chr(ord("A") + len(self.pending.options))
        if letter != expected:
            self.error(number, f"option {letter} should be {expected}: options must run A, B, "
                       "C… in order")
        self.pending.options.append(text)

    def _missing_answer(self) -> None:
        assert self.pending is not None
        self.problems.append(Problem(self.file, self.pending.line, "the question has no "
                                     "'ANSWER: X' line after its options"))
        self.pending = None

    def _answer(self, number: int, value: str) -> None:
        pending = self.pending
        self.pending, self.just_answered = None, True
        if pending is None:
            self.problems.append(Problem(self.file, number, "'ANSWER:' line without a question "
                                         "above it"))
            return
        letter, rest = value[:1].upper(), value[1:].strip()
        letters = "".join(chr(ord("A") + i) for i in range(len(pending.options)))
        if not letter.isalpha():
            pending.broken = True
            self.problems.append(Problem(self.file, number, "the ANSWER line gives no letter "
                                         "(write e.g. 'ANSWER: B')"))
        elif rest:
            pending.broken = True
            self.problems.append(Problem(self.file, number, f"text after the ANSWER letter: "
                                         f"{rest!r}; the line must be just 'ANSWER: {letter}'"))
        elif letter not in letters:
            pending.broken = True
            shown = f"{letters[0]}–{letters[-1]}" if letters else "none"
            self.problems.append(Problem(self.file, number, f"ANSWER {letter} names no option "
                                         f"(the options are {shown})"))
        if len(pending.options) < 2:
            pending.broken = True
            self.problems.append(Problem(self.file, pending.line, f"the question has "
                                         f"{len(pending.options)} option(s); at least 2 are "
                                         "needed"))
        if not pending.broken:
            self._emit(pending, letters.index(letter))

    def _emit(self, pending: _Pending, right: int) -> None:
        self.questions.append(Question(
            id=f"q{self.position:04d}", type=QuestionType.SINGLE, topic=self.topic,
            stem="\n".join(pending.stem),
            choices=tuple(Choice(text, i == right) for i, text in enumerate(pending.options)),
            line=pending.line,
        ))

    def finish(self) -> None:
        """Report a question left without its ANSWER line at the end of the file."""
        if self.pending is not None:
            self._missing_answer()


def read_aiken(text: str, *, file: str) -> ParsedBank:
    """Parse an Aiken file.

    Args:
        text: Decoded content (Windows line endings are accepted).
        file: The name used in messages and for the bank's id, title and only topic.

    Returns:
        The bank and its problems. Each error names its line: a missing ANSWER line, an
        ANSWER letter that names no option, fewer than two options, options out of order,
        text after the ANSWER letter.
    """
    info, topic = info_from_file_name(file)
    reader = _AikenReader(file=file, topic=topic.id)
    if "\r" in text:  # (one scan; replacing would copy the file twice)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        reader.line(number, line)
    reader.finish()
    topics = (topic,) if reader.questions else ()
    bank = Bank(info=info, topics=topics, questions=tuple(reader.questions))
    return ParsedBank(bank, reader.problems)

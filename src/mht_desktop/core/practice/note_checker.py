"""The objectivity checker: rule-based, explainable flags on a practice note.

Why rules and not a model: an instructor must be able to read why a word was flagged, argue
with it, and extend the lists (they live in ``resources/practice/checker/*.toml``), and the
app must work offline. Every flag names its rule, where it is (line and column), what to
write instead, and the brief's section it comes from.

The rules (brief D1–D8):

- ``label``: a judgemental or labelling word about the person ("manipulative").
- ``opinion``: a feeling, motive or guess stated as fact ("was angry", "wants attention").
- ``time``: no clock time anywhere in the note.
- ``quote``: the vignette has the person's own words and the note paraphrases them, or a
  risk statement is reported without the person's words.
- ``abbreviation``: a Joint Commission "Do Not Use" abbreviation.
- ``format``: a part the chosen format requires is missing.
- ``late-entry``: a late entry not labelled as one, or without the time it was written.

Words inside quotation marks are the person's own and are never flagged as labels or
opinions; a feeling attributed to the person ("stated she was upset") is not an opinion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

_QUOTE_SPAN = re.compile(r"\"[^\"]*\"|“[^”]*”")
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n(?=\s*[A-Za-z][A-Za-z /]{0,24}:)")
_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset({
    "a", "an", "the", "i", "i'm", "im", "me", "my", "mine", "you", "your", "he", "she", "his",
    "her", "him", "they", "them", "their", "it", "its", "is", "am", "are", "was", "were", "be",
    "been", "to", "of", "and", "or", "but", "if", "in", "on", "at", "for", "with", "this",
    "that", "so", "no", "not", "can", "do", "don't", "dont", "have", "has", "had", "will",
    "would", "just"
})
QUOTE_MATCH_SHARE = 0.7  # share of the quote's words that must appear inside quotation marks


class NoteFormat(Enum):
    """The note formats practised (brief D2, D6)."""

    DAP = "dap"
    SOAP = "soap"
    NARRATIVE = "narrative"
    INCIDENT = "incident"

    @property
    def label(self) -> str:
        """For menus."""
        return {NoteFormat.DAP: "DAP (Data, Assessment, Plan)",
                NoteFormat.SOAP: "SOAP (Subjective, Objective, Assessment, Plan)",
                NoteFormat.NARRATIVE: "Narrative",
                NoteFormat.INCIDENT: "Incident report"}[self]


class Rule(Enum):
    """What a flag is about."""

    LABEL = "label"
    OPINION = "opinion"
    TIME = "time"
    QUOTE = "quote"
    ABBREVIATION = "abbreviation"
    FORMAT = "format"
    LATE_ENTRY = "late-entry"

    @property
    def label(self) -> str:
        """A short name for the rule."""
        return {Rule.LABEL: "Judgemental label", Rule.OPINION: "Opinion stated as fact",
                Rule.TIME: "No time", Rule.QUOTE: "Paraphrased statement",
                Rule.ABBREVIATION: "Do-not-use abbreviation",
                Rule.FORMAT: "Missing part of the format",
                Rule.LATE_ENTRY: "Late entry not marked"}[self]


@dataclass(frozen=True, slots=True)
class Term:
    """A word list or pattern the checker looks for (from a lexicon file).

    Attributes:
        rule: ``label``, ``opinion`` or ``abbreviation``.
        pattern: The compiled pattern.
        why: What is wrong with it.
        instead: What to write instead (behaviour-based for labels).
        source: The brief's rule (e.g. "D1; LANG").
        origin: "file:line" of the entry, so an instructor can find it.
    """

    rule: Rule
    pattern: re.Pattern[str]
    why: str
    instead: str
    source: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class FormatPart:
    """A part a note format requires, and how to recognise it."""

    name: str
    pattern: re.Pattern[str]
    hint: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the checker knows, read from the instructor-editable files.

    Attributes:
        terms: Labels, opinion patterns and abbreviations.
        formats: The required parts of each format.
        time: What counts as a clock time.
        speech: Verbs that report what someone said ("stated", "told staff").
        risk: Words that make a reported statement one to quote (threats, self-harm, voices).
        late_cues: Phrases that show a note was written late ("forgot to chart").
        late_label: The words that label a late entry.
        sources: The brief's rule for each structural rule (time, quote, format, late entry).
    """

    terms: tuple[Term, ...]
    formats: dict[NoteFormat, tuple[FormatPart, ...]]
    time: re.Pattern[str]
    speech: re.Pattern[str]
    risk: re.Pattern[str]
    late_cues: re.Pattern[str]
    late_label: re.Pattern[str]
    sources: dict[Rule, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NoteContext:
    """What the vignette tells the checker: the person's exact words, the time of writing."""

    quotes: tuple[str, ...] = ()
    written_at: str | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding, with where it is and what to do about it.

    Attributes:
        rule: The rule.
        line: 1-based line.
        column: 1-based column.
        text: The words flagged (empty for whole-note rules).
        message: What is wrong.
        instead: What to write instead.
        source: The brief's rule.
    """

    rule: Rule
    line: int
    column: int
    text: str
    message: str
    instead: str
    source: str

    def __str__(self) -> str:
        shown = f" “{self.text}”" if self.text else ""
        return f"{self.line}:{self.column}: {self.rule.value}:{shown} {self.message}"


class _Text:
    """The note with line starts, quoted spans and sentence bounds worked out once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.quoted = [(m.start(), m.end()) for m in _QUOTE_SPAN.finditer(text)]
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, of ``offset``."""
        line = _bisect(self.line_starts, offset)
        return line + 1, offset - self.line_starts[line] + 1

    def in_quotes(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quoted)

    def sentence(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``offset``."""
        i = _bisect(self.sentence_starts, offset)
        start = self.sentence_starts[i]
        end = (self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts)
               else len(self.text))
        return start, end


def _bisect(starts: Sequence[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def check_note(text: str, fmt: NoteFormat, lexicon: Lexicon,
               context: NoteContext = NoteContext()) -> list[Flag]:
    """Every flag on ``text`` written in ``fmt``, in reading order.

    One flag per rule per line for word rules (the first match on the line), so a sentence
    with two labels reads as one thing to fix on that line, the words listed.
    """
    note = _Text(text)
    flags: list[Flag] = []
    flags += _term_flags(note, lexicon)
    flags += _structure_flags(note, fmt, lexicon, context)
    flags.sort(key=lambda f: (f.line, f.column, f.rule.value))
    return flags


def _term_flags(note: _Text, lexicon: Lexicon) -> list[Flag]:
    found: dict[tuple[Rule, int], Flag] = {}
    for term in lexicon.terms:
        for match in term.pattern.finditer(note.text):
            start, end = match.span()
            if start == end:
                continue
            if term.rule is not Rule.ABBREVIATION and note.in_quotes(start, end):
                continue  # the person's own words
            if term.rule is Rule.OPINION and _attributed(note, start, lexicon):
                continue
            line, column = note.where(start)
            key = (term.rule, line)
            words = match.group(0).strip()
            if key in found:
                old = found[key]
                if words.lower() not in old.text.lower():
                    found[key] = Flag(old.rule, old.line, min(old.column, column),
                                      f"{old.text}”, “{words}", old.message, old.instead,
                                      old.source)
                continue
            found[key] = Flag(term.rule, line, column, words, term.why, term.instead,
                              term.source)
    return list(found.values())


def _attributed(note: _Text, offset: int, lexicon: Lexicon) -> bool:
    """Whether a reporting verb earlier in the sentence gives the words to the person."""
    start, _end = note.sentence(offset)
    return lexicon.speech.search(note.text, start, offset) is not None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _structure_flags(note: _Text, fmt: NoteFormat, lexicon: Lexicon,
                     context: NoteContext) -> list[Flag]:
    flags: list[Flag] = []
    src = lexicon.sources
    text = note.text
    if not lexicon.time.search(text):
        flags.append(Flag(Rule.TIME, 1, 1, "", "The note gives no clock time.",
                          "Write the time of each observation or event (e.g. 14:30).",
                          src.get(Rule.TIME, "D1")))
    for part in lexicon.formats.get(fmt, ()):
        if not part.pattern.search(text):
            flags.append(Flag(Rule.FORMAT, 1, 1, "", f"{fmt.label}: the {part.name} part is "
                              "missing.", part.hint, src.get(Rule.FORMAT, "D2")))
    flags += _quote_flags(note, lexicon, context)
    flags += _late_flags(note, lexicon, context)
    return flags


def _quote_flags(note: _Text, lexicon: Lexicon, context: NoteContext) -> list[Flag]:
    flags: dict[int, Flag] = {}
    text = note.text
    source = lexicon.sources.get(Rule.QUOTE, "D1")
    quoted_words = [set(_words(text[a:b])) for a, b in note.quoted]
    for quote in context.quotes:
        wanted = _words(quote)
        if not wanted:
            continue
        if any(sum(w in span for w in wanted) >= QUOTE_MATCH_SHARE * len(wanted)
               for span in quoted_words):
            continue
        line = _best_line(text, wanted, lexicon)
        flags.setdefault(line, Flag(
            Rule.QUOTE, line, 1, "", "The person's exact words are in the vignette, but the "
            "note puts them in other words.",
            f"Quote them in quotation marks: “{quote}”.", source))
    # A reported threat, self-harm statement or voice, without the words themselves.
    for match in lexicon.speech.finditer(text):
        start, end = note.sentence(match.start())
        sentence = text[start:end]
        if '"' in sentence or "“" in sentence:
            continue
        risk = lexicon.risk.search(text, match.end(), end)
        if risk is None:
            continue
        line, column = note.where(match.start())
        flags.setdefault(line, Flag(
            Rule.QUOTE, line, column, text[match.start():risk.end()].strip(),
            "A statement about harm, suicide, threats or voices is reported in other words.",
            "Quote the person's exact words in quotation marks.", source))
    return list(flags.values())


def _best_line(text: str, wanted: list[str], lexicon: Lexicon) -> int:
    """The line that most looks like a paraphrase of ``wanted`` (1 when none does)."""
    content = {w for w in wanted if w not in _STOPWORDS}
    best, best_score = 1, 0
    for number, line in enumerate(text.split("\n"), start=1):
        score = len(content & set(_words(line))) * 2 + (1 if lexicon.speech.search(line) else 0)
        if score > best_score:
            best, best_score = number, score
    return best


def _late_flags(note: _Text, lexicon: Lexicon, context: NoteContext) -> list[Flag]:
    text = note.text
    source = lexicon.sources.get(Rule.LATE_ENTRY, "D3")
    label = lexicon.late_label.search(text)
    times = {m.group(0).replace(" ", "") for m in lexicon.time.finditer(text)}
    flags = []
    if context.written_at is not None:
        if label is None:
            flags.append(Flag(Rule.LATE_ENTRY, 1, 1, "", "This is a late entry but is not "
                              "labelled as one.", "Begin with “Late entry” and refer to the "
                              "time the event happened; never backdate.", source))
        written = context.written_at.replace(":", "")
        if not any(t.replace(":", "") == written for t in times):
            line, column = note.where(label.start()) if label else (1, 1)
            flags.append(Flag(Rule.LATE_ENTRY, line, column, "", "The late entry does not "
                              f"show the time it was written ({context.written_at}).",
                              "Write the current date and time beside “Late entry”.", source))
        return flags
    cue = lexicon.late_cues.search(text)
    if label is None and cue is not None:
        line, column = note.where(cue.start())
        flags.append(Flag(Rule.LATE_ENTRY, line, column, cue.group(0),
                          "The note was written late but is not labelled a late entry.",
                          "Label it “Late entry”, write the time you are writing it, and "
                          "refer to the time of the event.", source))
    elif label is not None and len(times) < 2:
        line, column = note.where(label.start())
        flags.append(Flag(Rule.LATE_ENTRY, line, column, label.group(0),
                          "A late entry needs both the time it was written and the time of "
                          "the event.", "Write the current time and the event's time, e.g. "
                          "“Late entry 16:05 for 13:00”.", source))
    return flags

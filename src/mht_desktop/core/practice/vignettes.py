"""Documentation vignettes: a shift observation to write a note about, and its exemplar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mht_desktop.core.practice.note_checker import NoteContext, NoteFormat

_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")


@dataclass(frozen=True, slots=True)
class Vignette:
    """A short incident or observation, a prompt, and a model note.

    Attributes:
        id: Unique id.
        title: Short title.
        format: The note format the prompt asks for.
        observation: What the learner saw and heard, with times, quotes and behaviours.
        prompt: What to write ("Write the DAP note for 14:30").
        exemplar: A model note (it passes the checker).
        quotes: The person's exact words the note should quote; taken from the observation's
            quotation marks when the file gives none.
        written_at: For a late entry, the time it is being written.
        sources: The brief's sections.
        reviewed: When it was last checked.
        review_due: When its content is next due to be checked (the bank format's
            ``review_due``; content past it is flagged by the currency report).
    """

    id: str
    title: str
    format: NoteFormat
    observation: str
    prompt: str
    exemplar: str
    quotes: tuple[str, ...] = ()
    written_at: str | None = None
    sources: tuple[str, ...] = ()
    reviewed: date | None = None
    review_due: date | None = None
    file: str = ""
    line: int | None = None

    @property
    def context(self) -> NoteContext:
        """What the checker needs to know about this vignette."""
        quotes = self.quotes or quotes_in(self.observation)
        return NoteContext(quotes=quotes, written_at=self.written_at)


def quotes_in(text: str) -> tuple[str, ...]:
    """The quoted passages of ``text`` that are at least three words long."""
    found = (m.group(1) or m.group(2) for m in _QUOTED.finditer(text))
    return tuple(q.strip() for q in found if len(q.split()) >= 3)

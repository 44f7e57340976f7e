"""Flashcards exported from Anki or Quizlet: front/back(/tags) rows, Anki's header lines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mht_desktop.core.banks import Bank, BankInfo, Flashcard, Topic, slugify
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.base import ParsedBank
from mht_desktop.formats.delimited_rows import Header, Row, read_rows
from mht_desktop.formats.text import TopicSet, html_to_text

_ANKI_MEDIA = re.compile(r"\[sound:[^\]]*\]")
_FLASHCARD_HEADERS = (
    frozenset({"front", "term", "question", "word"}),
    frozenset({"back", "definition", "def", "answer", "meaning"}),
)



@dataclass(slots=True)
class FlashcardReader:
    """Reads front/back(/tags) rows as exported by Anki and Quizlet."""

    file: str
    topics: TopicSet
    problems: list[Problem]
    header: Header
    cards: list[Flashcard] = field(default_factory=list)

    def read(self, info: BankInfo, body: str, separator: str, restore: bool) -> ParsedBank:
        header = self.header
        if header.columns:
            names = [n.strip().lower() for n in header.columns[0].split(separator)]
            if "tags" in names:
                header.special.setdefault("tags", names.index("tags"))
        rows = list(read_rows(body, separator, header.lines + 1, restore))
        if rows and not header.special and self._is_header_row(rows[0].fields):
            rows = rows[1:]
        expected = Counter(len(r.fields) for r in rows).most_common(1)[0][0] if rows else 2
        if expected == 3 and not header.special and not header.columns:
            header.special["tags"] = 2  # Anki's plain-text export: front, back, tags
        header.special = {k: v for k, v in header.special.items() if v < expected}
        field_columns = [i for i in range(expected) if i not in header.special.values()]
        if len(rows) == 1 and expected > 3 and not header.columns:
            self.problems.append(Problem(self.file, rows[0].line, f"the file is one line of "
                                         f"{expected} fields, not cards one a line: if it is a "
                                         "Quizlet export with a custom separator between rows, "
                                         "export again with 'New line' or 'Semicolon' between "
                                         "rows"))
            return ParsedBank(None, self.problems)
        if len(field_columns) > 2:
            self.problems.append(Problem(self.file, rows[0].line, f"{expected} columns: the "
                                         "first two are read as front and back, the others "
                                         "are ignored", Severity.WARNING))
        deck = self._deck_topic(header.deck) if header.deck else None
        media = False
        for position, row in enumerate(rows, start=1):
            if len(row.fields) != expected:
                self.problems.append(Problem(self.file, row.line, f"the row has "
                                             f"{len(row.fields)} columns, not {expected}: put "
                                             "quotes around text that contains the separator, "
                                             "or export with a tab between the columns"))
                continue
            if len(field_columns) < 2:
                self.problems.append(Problem(self.file, row.line, "the row has no back"))
                continue
            front, back = (self._text(row.fields[i]) for i in field_columns[:2])
            media = media or any("[sound:" in row.fields[i] for i in field_columns[:2])
            self._card(position, row, front, back, deck)
        if media:
            self.problems.append(Problem(self.file, None, "sound references ([sound:…]) were "
                                         "dropped: MHT Desktop shows text only",
                                         Severity.WARNING))
        bank = Bank(info=info, topics=self.topics.topics(), flashcards=tuple(self.cards))
        return ParsedBank(bank, self.problems)

    def _card(self, position: int, row: Row, front: str, back: str, deck: str | None) -> None:
        special = self.header.special
        topic = deck
        if "deck" in special and row.fields[special["deck"]].strip():
            topic = self._deck_topic(row.fields[special["deck"]])
        tags = self.header.tags
        if "tags" in special:
            tags = tags + tuple(row.fields[special["tags"]].split())
        self.cards.append(Flashcard(
            id=f"f{position:04d}", topic=self.topics.use(topic), front=front,
            back=back, tags=tuple(dict.fromkeys(tags)), line=row.line,
        ))

    def _text(self, value: str) -> str:
        if "[sound:" in value:
            value = _ANKI_MEDIA.sub("", value)
        return html_to_text(value).strip() if self.header.html else value.strip()

    def _deck_topic(self, deck: str) -> str:
        name = deck.split("::")[-1].strip() or deck.strip()  # Anki nests decks with '::'
        return self.topics.register(Topic(slugify(name, fallback="general"), name))

    @staticmethod
    def _is_header_row(fields: list[str]) -> bool:
        names = [f.strip().lower() for f in fields]
        return (len(names) >= 2 and names[0] in _FLASHCARD_HEADERS[0]
                and names[1] in _FLASHCARD_HEADERS[1] and all(n in ("tags", "") for n in names[2:]))

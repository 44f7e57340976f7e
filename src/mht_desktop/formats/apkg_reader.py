"""Anki packages (``.apkg``, ``.colpkg``) to a bank of flashcards, with their review history.

Every Anki card becomes one flashcard: a Basic note gives one, Basic-and-reversed two, an
optional reversed note one or two (as Anki made them), and a Cloze note one per cloze number
(the deletion shown as ``[...]`` or its hint on the front, filled in on the back). The deck
becomes the topic (``Psych::Meds`` → "Psych › Meds"); tags are kept. Item ids are built
from Anki's note id and card ordinal, so importing the same deck again updates the cards
instead of duplicating them.

The review history is returned beside the bank, keyed by item id, for the services layer to
store for one learner when asked (``--with-history``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath

from mht_desktop.core.banks import Bank, BankInfo, Flashcard, Topic, slugify
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.formats.anki_html import cloze_numbers, has_media, render_card
from mht_desktop.formats.anki_package import AnkiCard, AnkiCollection, PackageError, read_package
from mht_desktop.formats.base import ParsedBank, info_from_file_name

_REVLOG_MANUAL = 4  # "set due date" / "forget": not an answer
_REVLOG_RESCHEDULED = 5


@dataclass(frozen=True, slots=True)
class ImportedReview:
    """One answer from Anki's review log."""

    reviewed_at: datetime
    rating: int  # 1 Again … 4 Easy, the same buttons as ours
    duration_ms: int
    kind: int  # Anki's revlog type: 0 learning, 1 review, 2 relearning, 3 filtered deck
    interval_days: float


@dataclass(frozen=True, slots=True)
class ImportedHistory:
    """A card's answers in Anki and where Anki had scheduled it."""

    reviews: tuple[ImportedReview, ...]
    due: datetime | None  # None for a new card or one whose due Anki does not fix
    suspended: bool
    lapses: int


@dataclass(slots=True)
class AnkiImport:
    """The bank read from a package, its problems and the history per flashcard id."""

    parsed: ParsedBank
    history: dict[str, ImportedHistory] = field(default_factory=dict)
    media_count: int = 0
    layout: str = ""


def read_apkg(data: bytes, *, file: str) -> AnkiImport:
    """Read an Anki package held in memory.

    Args:
        data: The package's bytes.
        file: The file name, for messages and the bank's id.

    Returns:
        The bank (None with an error when the package cannot be used) and its history.
    """
    label = PurePath(file).name
    try:
        collection = read_package(data)
    except PackageError as exc:
        return AnkiImport(ParsedBank(None, [Problem(
            label, None, f"cannot import this Anki package: {exc}")]))
    return _Builder(collection, label).build()


class _Builder:
    def __init__(self, collection: AnkiCollection, label: str) -> None:
        self.col = collection
        self.label = label
        self.problems: list[Problem] = []
        self.topics: dict[int, Topic] = {}
        self.topic_ids: set[str] = set()

    def warn(self, message: str) -> None:
        self.problems.append(Problem(self.label, None, message, Severity.WARNING))

    def topic(self, deck_id: int) -> Topic:
        found = self.topics.get(deck_id)
        if found is None:
            path = self.col.decks.get(deck_id) or ("Default",)
            topic_id = base = slugify("-".join(path), fallback="default")
            n = 2
            while topic_id in self.topic_ids:  # "A B" and "A-B" slug alike
                topic_id, n = f"{base[:60]}-{n}", n + 1
            self.topic_ids.add(topic_id)
            found = self.topics[deck_id] = Topic(topic_id, " › ".join(path))
        return found

    def build(self) -> AnkiImport:
        cards: list[Flashcard] = []
        history: dict[str, ImportedHistory] = {}
        reviews_by_card = _reviews_by_card(self.col)
        skipped: Counter[str] = Counter()
        with_media = 0
        for card in self.col.cards:
            note = self.col.notes.get(card.note_id)
            notetype = self.col.notetypes.get(note.notetype_id) if note else None
            if note is None or notetype is None:
                skipped["its note or note type is missing"] += 1
                continue
            if notetype.cloze:
                template = notetype.templates[0] if notetype.templates else None
                number: int | None = card.ord + 1
                if number not in set().union(*map(cloze_numbers, note.fields)):
                    skipped["its cloze number is not in the note"] += 1
                    continue
            else:
                template = (notetype.templates[card.ord]
                            if card.ord < len(notetype.templates) else None)
                number = None
            if template is None:
                skipped["its note type has no template for it"] += 1
                continue
            front, back = render_card(*template, notetype.fields, note.fields, cloze=number)
            if not front or not back:
                skipped["its front or back is empty once images and sounds are left out"] += 1
                continue
            with_media += any(has_media(value) for value in note.fields)
            item_id = f"anki-{card.note_id}-{card.ord + 1}"
            cards.append(Flashcard(item_id, self.topic(card.deck_id).id, front, back,
                                   tags=note.tags, source=f"Imported from Anki ({self.label})"))
            history[item_id] = self.history(card, reviews_by_card.get(card.id, ()))
        for reason, count in skipped.items():
            self.warn(f"{count} card(s) left out: {reason}")
        if self.col.media_count or with_media:
            self.warn(f"media not imported: the package holds {self.col.media_count} media "
                      f"file(s); {with_media} card(s) showed images or sounds, imported as "
                      "text only")
        if not cards:
            self.problems.append(Problem(self.label, None,
                                         "the package holds no cards we can import"))
            return AnkiImport(ParsedBank(None, self.problems))
        bank = Bank(self.info(), tuple(self.topics.values()), (), tuple(cards))
        return AnkiImport(ParsedBank(bank, self.problems), history, self.col.media_count,
                          self.col.layout)

    def info(self) -> BankInfo:
        info, _ = info_from_file_name(self.label)
        tops = {self.col.decks.get(did, ("Default",))[0] for did in self.topics}
        title = tops.pop() if len(tops) == 1 else info.title
        return BankInfo(id=info.id, title=title, version="1",
                        description=f"Imported from the Anki package {self.label}.")

    def history(self, card: AnkiCard, reviews: tuple[ImportedReview, ...]) -> ImportedHistory:
        due: datetime | None = None
        if card.type == 2 and card.queue in (2, -1, -2, -3):  # a review card: due is a day
            due = datetime.fromtimestamp(self.col.created_s, UTC) + timedelta(days=card.due)
        elif card.queue in (1, 3) and card.due > 1_000_000_000:  # learning: epoch seconds
            due = datetime.fromtimestamp(card.due, UTC)
        return ImportedHistory(reviews, due, card.queue == -1, card.lapses)


def _reviews_by_card(col: AnkiCollection) -> dict[int, tuple[ImportedReview, ...]]:
    found: dict[int, list[ImportedReview]] = {}
    for row in col.revlog:
        if row.ease not in (1, 2, 3, 4) or row.type in (_REVLOG_MANUAL, _REVLOG_RESCHEDULED):
            continue
        interval = row.interval if row.interval >= 0 else -row.interval / 86400
        found.setdefault(row.card_id, []).append(ImportedReview(
            datetime.fromtimestamp(row.id_ms / 1000, UTC), row.ease, max(0, row.time_ms),
            row.type, float(interval)))
    return {cid: tuple(reviews) for cid, reviews in found.items()}

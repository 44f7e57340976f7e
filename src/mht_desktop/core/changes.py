"""What a mutation changed, so views refresh themselves (after Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Changes:
    """Flags naming the kinds of data a service call changed."""

    profiles: bool = False
    banks: bool = False
    cards: bool = False
    reviews: bool = False
    quizzes: bool = False
    reading: bool = False
    settings: bool = False
    practice: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            profiles=self.profiles or other.profiles,
            banks=self.banks or other.banks,
            cards=self.cards or other.cards,
            reviews=self.reviews or other.reviews,
            quizzes=self.quizzes or other.quizzes,
            reading=self.reading or other.reading,
            settings=self.settings or other.settings,
            practice=self.practice or other.practice,
        )

    @property
    def any(self) -> bool:
        """True when anything at all changed."""
        return any(
            (self.profiles, self.banks, self.cards, self.reviews, self.quizzes, self.reading,
             self.settings, self.practice)
        )


NOTHING = Changes()

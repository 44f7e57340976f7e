"""The window's sections, and how a view asks to go to another one.

Adding a section is one registration: a :class:`Section` in :data:`SECTIONS_REGISTRY` (its
view class lives in ``mht_desktop.ui.views.<module>`` and is imported the first time the
section is shown). The navigation list, the View menu and its Ctrl+number shortcuts all come
from the registry, and views go to another section by key through the view context's
:class:`Navigation` — never by the window's attributes or by row numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mht_desktop.ui.views.base import SectionView


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the main window.

    Attributes:
        key: How code names it ("quiz").
        title: How the navigation list names it ("Quiz").
        module: The module under ``mht_desktop.ui.views`` that holds its view.
        view_class: The view's class name in that module.
        instructors_only: Listed only for an instructor on a program's server (the class
            view); elsewhere its item is hidden (the view explains itself if reached).
    """

    key: str
    title: str
    module: str
    view_class: str
    instructors_only: bool = False

    def listed_for(self, *, instructor_on_server: bool) -> bool:
        """Whether the navigation lists this section for the person who opened the window."""
        return instructor_on_server or not self.instructors_only


GUIDE, FLASHCARDS, QUIZ, PRACTICE, PROGRESS, BANKS, CLASS = (
    "guide", "flashcards", "quiz", "practice", "progress", "banks", "class")

SECTIONS_REGISTRY: tuple[Section, ...] = (
    Section(GUIDE, "Guide", "guide_view", "GuideView"),
    Section(FLASHCARDS, "Flashcards", "flashcards_view", "FlashcardsView"),
    Section(QUIZ, "Quiz", "quiz_view", "QuizView"),
    Section(PRACTICE, "Practice", "practice_view", "PracticeView"),
    Section(PROGRESS, "Progress", "progress_view", "ProgressView"),
    Section(BANKS, "Question banks", "banks_view", "BanksView"),
    Section(CLASS, "Class", "class_view", "ClassView", instructors_only=True),
)


def section_index(key: str) -> int:
    """Where section ``key`` sits in the navigation.

    Raises:
        KeyError: no section has that key.
    """
    for i, section in enumerate(SECTIONS_REGISTRY):
        if section.key == key:
            return i
    raise KeyError(f"No section {key!r}.")


class Navigation(Protocol):
    """What a view may ask of the window it sits in."""

    def show_section(self, key: str) -> SectionView | None:
        """Switch to section ``key`` and return its view (None when the window has no data)."""
        ...


class NoNavigation:
    """For a view shown on its own (a test, a dialog): going elsewhere does nothing."""

    def show_section(self, key: str) -> SectionView | None:
        section_index(key)  # still refuse keys that do not exist
        return None

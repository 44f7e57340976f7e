"""Learner profiles: several people can share one laptop, each with their own progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mht_desktop.core.errors import ProfileError

MAX_NAME_LENGTH = 80


@dataclass(frozen=True, slots=True)
class Profile:
    """A learner as the app shows them."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None
    # On a program's server: an instructor's profile, which may open the class view.
    is_instructor: bool = False


def clean_profile_name(name: str) -> str:
    """Trim and check a profile name.

    Raises:
        ProfileError: when the name is empty, too long or has control characters.
    """
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ProfileError("A profile needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ProfileError(f"A profile name can have at most {MAX_NAME_LENGTH} characters.")
    if any(ord(ch) < 32 for ch in cleaned):
        raise ProfileError("A profile name cannot contain control characters.")
    return cleaned

"""Profile rows in and out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mht_desktop.core.errors import ProfileError
from mht_desktop.core.profiles import Profile
from mht_desktop.storage.models import ProfileRow


def _to_profile(row: ProfileRow) -> Profile:
    return Profile(id=row.id, name=row.name, created_at=row.created_at,
                   last_used_at=row.last_used_at, is_instructor=bool(row.is_instructor))


def list_profiles(session: Session) -> list[Profile]:
    """Every profile, most recently used first."""
    rows = session.scalars(select(ProfileRow).order_by(
        ProfileRow.last_used_at.desc().nulls_last(), ProfileRow.name))
    return [_to_profile(r) for r in rows]


def _row_by_name(session: Session, name: str) -> ProfileRow | None:
    return session.scalar(select(ProfileRow).where(func.lower(ProfileRow.name) == name.lower()))


def get_by_name(session: Session, name: str) -> Profile:
    """The profile called ``name`` (case-insensitive).

    Raises:
        ProfileError: when there is none.
    """
    row = _row_by_name(session, name)
    if row is None:
        raise ProfileError(f"There is no profile called {name!r}.")
    return _to_profile(row)


def get(session: Session, profile_id: int) -> Profile:
    """The profile with ``profile_id``."""
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise ProfileError(f"Profile {profile_id} no longer exists.")
    return _to_profile(row)


def create(session: Session, name: str, now: datetime) -> Profile:
    """Add a profile; names are unique regardless of case."""
    if _row_by_name(session, name) is not None:
        raise ProfileError(f"A profile called {name!r} already exists.")
    row = ProfileRow(name=name, created_at=now, last_used_at=now, settings={})
    session.add(row)
    session.flush()
    return _to_profile(row)


def rename(session: Session, profile_id: int, name: str) -> Profile:
    """Give a profile a new name."""
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise ProfileError(f"Profile {profile_id} no longer exists.")
    other = _row_by_name(session, name)
    if other is not None and other.id != profile_id:
        raise ProfileError(f"A profile called {name!r} already exists.")
    row.name = name
    return _to_profile(row)


def delete(session: Session, profile_id: int) -> None:
    """Remove a profile and, through cascades, all of its progress."""
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise ProfileError(f"Profile {profile_id} no longer exists.")
    session.delete(row)


def touch(session: Session, profile_id: int, now: datetime) -> None:
    """Record that a profile was just used (it is offered first next time)."""
    row = session.get(ProfileRow, profile_id)
    if row is not None:
        row.last_used_at = now


def settings(session: Session, profile_id: int) -> dict[str, Any]:
    """A copy of a profile's settings."""
    row = session.get(ProfileRow, profile_id)
    return dict(row.settings or {}) if row else {}


def update_settings(session: Session, profile_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Merge ``values`` into a profile's settings and return the result."""
    row = session.get(ProfileRow, profile_id)
    if row is None:
        raise ProfileError(f"Profile {profile_id} no longer exists.")
    merged = dict(row.settings or {})
    merged.update(values)
    row.settings = merged
    return merged

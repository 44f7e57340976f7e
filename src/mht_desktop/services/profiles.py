"""Creating, renaming, switching and deleting learner profiles, and their settings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.profiles import Profile, clean_profile_name
from mht_desktop.core.settings import LearnerSettings
from mht_desktop.storage import profiles as repo
from mht_desktop.storage.database import Database


class ProfileService:
    """Profile use cases."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def list(self) -> list[Profile]:
        """Every profile, most recently used first."""
        with self._db.session() as s:
            return repo.list_profiles(s)

    def own(self) -> Profile | None:
        """On a program's server, the profile of the person logged in (None elsewhere)."""
        if not self._db.is_server:
            return None
        from mht_desktop.storage.program import own_profile_id

        with self._db.session() as s:
            profile_id = own_profile_id(s)
            return repo.get(s, profile_id) if profile_id is not None else None

    def get(self, profile_id: int) -> Profile:
        """One profile by id."""
        with self._db.session() as s:
            return repo.get(s, profile_id)

    def by_name(self, name: str) -> Profile:
        """One profile by name (case-insensitive)."""
        with self._db.session() as s:
            return repo.get_by_name(s, name)

    def create(self, name: str) -> tuple[Profile, Changes]:
        """Add a learner."""
        cleaned = clean_profile_name(name)
        with self._db.session() as s:
            profile = repo.create(s, cleaned, self._clock.now())
        return profile, Changes(profiles=True)

    def rename(self, profile_id: int, name: str) -> tuple[Profile, Changes]:
        """Rename a learner."""
        cleaned = clean_profile_name(name)
        with self._db.session() as s:
            profile = repo.rename(s, profile_id, cleaned)
        return profile, Changes(profiles=True)

    def delete(self, profile_id: int) -> Changes:
        """Delete a learner and all their progress, after a backup (the UI confirms first)."""
        from mht_desktop.services.backups import backup_before

        backup_before(self._db, self._clock, "before-delete-learner")
        with self._db.session() as s:
            repo.delete(s, profile_id)
        return Changes(profiles=True, cards=True, reviews=True, quizzes=True, reading=True)

    def mark_used(self, profile_id: int) -> Changes:
        """Remember that this profile was opened last (the picker lists it first)."""
        with self._db.session() as s:
            repo.touch(s, profile_id, self._clock.now())
        return Changes(profiles=True)

    def settings(self, profile_id: int) -> LearnerSettings:
        """The learner's settings, defaults filled in."""
        with self._db.session() as s:
            return LearnerSettings.from_json(repo.settings(s, profile_id))

    def connect_to_server(self, profile_id: int, url: str) -> tuple[LearnerSettings, Changes]:
        """Make this profile study on a program's server: picking it connects to ``url``.

        The URL is checked and saved without any password in it. An empty URL makes the
        profile study on this computer again.

        Raises:
            DatabaseError: the URL is not a PostgreSQL server URL.
        """
        saved = ""
        if url.strip():
            from mht_desktop.storage.server import hand_out_url, server_url

            parsed = server_url(url)
            saved = hand_out_url(parsed, parsed.username or "")
        return self.update_settings(profile_id, server_url=saved)

    def remember_server_login(self, name: str, url: str) -> tuple[Profile | None, Changes]:
        """After a start with ``--database-url``: a local profile ``name`` that connects there.

        Next time the trainee just picks that profile. A local profile already saved with
        this login, whatever its name, is returned as it is (File › "Connect to a program
        server…" names the server from an existing profile). A local profile of that name
        that studies on this computer is left alone (None is returned, and nothing changes).
        """
        from mht_desktop.services.credentials import login_key

        with self._db.session() as s:
            profiles = repo.list_profiles(s)
        key = login_key(url)
        for profile in profiles:  # connected under another name (File › Connect…): kept
            saved = self.settings(profile.id).server_url
            if saved and login_key(saved) == key:
                return profile, Changes()
        existing = [p for p in profiles if p.name.lower() == name.lower()]
        changes = Changes()
        if existing:
            profile = existing[0]
            if not self.settings(profile.id).server_url:
                return None, changes
        else:
            profile, changes = self.create(name)
        _, connected = self.connect_to_server(profile.id, url)
        return profile, changes | connected

    def update_settings(self, profile_id: int, **values: Any) -> tuple[LearnerSettings, Changes]:
        """Change some settings (keyword names as in :class:`LearnerSettings`)."""
        with self._db.session() as s:
            current = LearnerSettings.from_json(repo.settings(s, profile_id))
            updated = replace(current, **values)
            repo.update_settings(s, profile_id, updated.to_json())
        return updated, Changes(settings=True)

from __future__ import annotations

import pytest

from mht_desktop.core.errors import ProfileError
from mht_desktop.services.context import AppContext


def test_create_rename_delete_profiles(ctx: AppContext) -> None:
    ana, changes = ctx.profiles.create("  Ana   Lopez ")
    assert ana.name == "Ana Lopez" and changes.profiles
    ctx.profiles.create("Ben")
    assert {p.name for p in ctx.profiles.list()} == {"Ana Lopez", "Ben"}
    with pytest.raises(ProfileError, match="already exists"):
        ctx.profiles.create("ana lopez")
    renamed, _ = ctx.profiles.rename(ana.id, "Ana")
    assert ctx.profiles.by_name("ANA").id == renamed.id == ana.id
    ctx.profiles.delete(ana.id)
    assert [p.name for p in ctx.profiles.list()] == ["Ben"]
    with pytest.raises(ProfileError):
        ctx.profiles.create("   ")


def test_settings_are_per_profile(ctx: AppContext) -> None:
    a, _ = ctx.profiles.create("A")
    b, _ = ctx.profiles.create("B")
    ctx.profiles.update_settings(a.id, new_per_day=5)
    assert ctx.profiles.settings(a.id).new_per_day == 5
    assert ctx.profiles.settings(b.id).new_per_day == 20

from __future__ import annotations

import pytest

from mht_desktop.core.banks import slugify, title_from_id


@pytest.mark.parametrize(("text", "expected"), [
    ("Crisis Intervention (Unit 3).gift", "crisis-intervention-unit-3-gift"),
    ("Café São Paulo", "cafe-sao-paulo"),
    ("!!", "bank"),
    ("a" * 100, "a" * 64),
])
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_title_from_id() -> None:
    assert title_from_id("crisis_intervention-unit3") == "Crisis intervention unit3"

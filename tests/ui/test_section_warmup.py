"""The other sections' modules are imported off the GUI thread before their first visit."""

from __future__ import annotations

import threading
from types import ModuleType

import pytest
from pytestqt.qtbot import QtBot
from tests.ui.conftest import WindowFactory

from mht_desktop.ui import section_warmup
from mht_desktop.ui.sections import SECTIONS_REGISTRY


@pytest.fixture
def imports_seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, threading.Thread]]:
    """(module, thread) for every section module imported through the warm-up's lock."""
    seen: list[tuple[str, threading.Thread]] = []
    real = section_warmup.import_and_forget_source

    def recording(name: str) -> ModuleType:
        seen.append((name, threading.current_thread()))
        return real(name)

    monkeypatch.setattr(section_warmup, "import_and_forget_source", recording)
    return seen


def test_the_sections_not_yet_built_are_imported_on_a_background_thread(
        qtbot: QtBot, make_window: WindowFactory,
        imports_seen: list[tuple[str, threading.Thread]]) -> None:
    window = make_window(section="Guide")
    qtbot.waitUntil(lambda: window.section_warmup is not None
                    and window.section_warmup.finished.is_set(), timeout=30000)
    warmed = {name for name, thread in imports_seen if thread is not threading.main_thread()}
    listed = {f"mht_desktop.ui.views.{s.module}" for s in SECTIONS_REGISTRY
              if not s.instructors_only}
    assert listed - {"mht_desktop.ui.views.guide_view"} <= warmed
    assert "mht_desktop.ui.views.guide_view" not in warmed  # built already, on screen
    assert "mht_desktop.ui.views.class_view" not in warmed  # not listed for a learner

    imports_seen.clear()
    window.show_section("progress")  # the visit goes through the same lock, on its thread
    assert imports_seen == [("mht_desktop.ui.views.progress_view", threading.main_thread())]

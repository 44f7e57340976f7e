"""A missing X library gets one clear sentence and the command that installs it."""

from __future__ import annotations

import sys

import pytest

from mht_desktop import system_libraries
from mht_desktop.launcher import main

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")


@linux_only
def test_a_library_that_is_not_there_is_named_with_its_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES",
                        (("libc.so.6", "libc6"), ("libmht-not-here.so.9", "libmht-not-here9")))
    missing = system_libraries.missing_qt_libraries({"DISPLAY": ":0"})
    assert missing == [("libmht-not-here.so.9", "libmht-not-here9")]
    message = system_libraries.missing_libraries_message(missing)
    assert "libmht-not-here.so.9" in message
    assert "sudo apt-get install libmht-not-here9" in message


@linux_only
def test_offscreen_and_wayland_do_not_need_the_x_libraries(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES", (("libmht-not-here.so.9", "x"),))
    assert system_libraries.missing_qt_libraries({"QT_QPA_PLATFORM": "offscreen"}) == []
    assert system_libraries.missing_qt_libraries({"WAYLAND_DISPLAY": "wayland-0"}) == []
    assert system_libraries.missing_qt_libraries({"QT_QPA_PLATFORM": "xcb"}) != []


@linux_only
def test_the_launcher_stops_with_the_message_instead_of_letting_qt_abort(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(system_libraries, "XCB_LIBRARIES", (("libmht-not-here.so.9", "pkg9"),))
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert main([]) == 1
    err = capsys.readouterr().err
    assert "cannot open its window" in err and "pkg9" in err

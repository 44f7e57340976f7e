"""A bank whose text names local files (``<img src>``, ``file:`` URLs, CSS ``url()``) makes the
window read none of them, wherever the text is shown.

The files named are named pipes watched by a thread: opening a pipe for reading is the one
thing Qt would have to do to load it, and the thread records it. ``/dev/zero`` is named too:
reading it would hang the test and grow the process until it aborted (the original bug).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip, QWidget
from pytestqt.qtbot import QtBot
from tests.progress_history import Learner, take_quiz

from mht_desktop.core.clock import FixedClock
from mht_desktop.core.quiz import QuizMode
from mht_desktop.services.context import AppContext
from mht_desktop.services.quiz import QuizConfig
from mht_desktop.services.study import StudyService
from mht_desktop.ui import rich_text
from mht_desktop.ui.dialogs import ReportDialog
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.rich_text import RichLabel, SafeTextBrowser
from mht_desktop.ui.task_runner import ImmediateTaskRunner
from mht_desktop.ui.views.card_browser import CardBrowser


class PipeWatch:
    """Named pipes that record whether anyone opened them for reading."""

    def __init__(self, folder: Path, count: int) -> None:
        self.paths = [folder / f"pipe{i}" for i in range(count)]
        self.opened: list[Path] = []
        self._closing = threading.Event()
        self._threads = []
        for path in self.paths:
            os.mkfifo(path)
            thread = threading.Thread(target=self._watch, args=(path,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _watch(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY)  # blocks until someone opens the pipe to read
        if not self._closing.is_set():
            self.opened.append(path)
        os.close(fd)

    def close(self) -> None:
        self._closing.set()
        for path in self.paths:  # release every watcher still waiting
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        for thread in self._threads:
            thread.join(5)


@pytest.fixture
def pipes(tmp_path: Path) -> Iterator[PipeWatch]:
    watch = PipeWatch(tmp_path, 4)
    yield watch
    watch.close()


def hostile(pipes: PipeWatch) -> str:
    """Text that names every pipe and /dev/zero in each way Qt loads a resource."""
    a, b, c, d = (str(p) for p in pipes.paths)
    return (f'<img src="{a}"><img src="file://{b}"><img src="/dev/zero">'
            f'<div style="background-image: url({c})">x</div><table background="{d}"><tr>'
            f"<td>t</td></tr></table>![pic](file://{a}) ![zero](/dev/zero)")


def _toml(text: str) -> str:
    return "'" + text.replace("'", "") + "'"


def write_bank(folder: Path, text: str, version: str = "1") -> Path:
    parts = [f"format = 1\n[bank]\nid = \"evil\"\nversion = \"{version}\"\n"
             f"title = {_toml('Bank ' + text)}\n"
             f"description = {_toml(text)}\n"]
    for t in ("alpha", "beta"):
        parts.append(f'[[topics]]\nid = "{t}"\ntitle = {_toml(t + " " + text)}\n')
    for n in range(12):
        t = "alpha" if n < 6 else "beta"
        parts.append(
            f'[[questions]]\nid = "q{n:04d}"\ntopic = "{t}"\ndifficulty = 1\n'
            f"stem = {_toml('Stem ' + text)}\nrationale = {_toml(text)}\nsource = {_toml(text)}\n"
            f"[[questions.choices]]\ntext = {_toml('Right ' + text)}\ncorrect = true\n"
            f"feedback = {_toml(text)}\n"
            f"[[questions.choices]]\ntext = {_toml('Wrong ' + text)}\ncorrect = false\n")
    parts.append(f'[[flashcards]]\nid = "f1"\ntopic = "alpha"\nfront = {_toml(text)}\n'
                 f"back = {_toml(text)}\nsource = {_toml(text)}\n")
    path = folder / '<img src="dev-zero">.mhtbank.toml'
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _paint(*widgets: QWidget) -> None:
    for widget in widgets:
        widget.show()
        widget.grab()  # lays out and paints: the moment Qt would load an image
    QApplication.processEvents()


def test_hostile_bank_text_reads_no_file_anywhere_it_is_shown(
        qtbot: QtBot, ctx: AppContext, clock: FixedClock, tmp_path: Path,
        pipes: PipeWatch, monkeypatch: pytest.MonkeyPatch) -> None:
    text = hostile(pipes)
    bank_file = write_bank(tmp_path, text)
    # The import check dialog (file name and bank title in its heading).
    report = ctx.banks.validate_file(bank_file)
    assert report.valid, report.problems
    dialog = ReportDialog(report, ask_to_import=True)
    qtbot.addWidget(dialog)
    _paint(dialog)
    head = dialog.findChild(RichLabel, "reportHead")
    assert head is not None and "&lt;img src=&quot;dev-zero&quot;&gt;" in head.text()
    ctx.banks.import_file_now(bank_file)
    update = ReportDialog(ctx.banks.validate_file(write_bank(tmp_path, text, "2")),
                          ask_to_import=True)
    qtbot.addWidget(update)
    _paint(update)
    head = update.findChild(RichLabel, "reportHead")
    assert head is not None and "“Bank &lt;img src=" in head.text()
    assert head.textFormat() == rich_text.Qt.TextFormat.RichText
    profile, _ = ctx.profiles.create("Ana")
    learner = Learner(ctx, clock, profile.id, StudyService(ctx.db, clock, profile.id),
                      ctx.quiz(profile.id), {})
    for topic, wrong in (("alpha", {f"q{n:04d}" for n in range(6)}), ("beta", set())):
        take_quiz(learner, clock.current, QuizConfig(mode=QuizMode.TUTOR, count=6,
                                                     topics=(topic,), seed=1),
                  wrong=wrong, seconds=5)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, ctx.profiles.get(profile.id), tasks=ImmediateTaskRunner(),
                        settings=settings)
    qtbot.addWidget(window)
    window.show()
    for section in SECTIONS:  # every section draws bank text somewhere
        window.nav.setCurrentRow(SECTIONS.index(section))
        _paint(window)

    # Progress: the weak-topic rows and their tooltips.
    progress = window.progress
    assert list(progress.practise_buttons) == ["alpha", "beta"]
    for button in progress.practise_buttons.values():
        QToolTip.showText(button.mapToGlobal(QPoint(2, 2)), button.toolTip(), button)
        _paint(window)
    for label in progress.findChildren(RichLabel):
        assert "<img" not in label.text()

    # Flashcards: the deck title, the card's front and back.
    flashcards = window.flashcards
    window.nav.setCurrentRow(SECTIONS.index("Flashcards"))
    flashcards.study_all_button.click()
    flashcards.reveal()
    _paint(window)
    assert isinstance(flashcards.review.card_view, SafeTextBrowser)

    # The card browser's Card info dialog.
    browser = CardBrowser(flashcards.ctx, flashcards.service)
    qtbot.addWidget(browser)
    browser.table.selectRow(0)
    infos: list[str] = []

    def close_info() -> None:
        for box in QApplication.topLevelWidgets():
            if box.windowTitle() == "Card info" and box.isVisible():
                info = box.findChild(SafeTextBrowser, "cardInfo")
                assert info is not None
                box.grab()
                infos.append(info.toPlainText())
                box.close()
    # The history is read on the lane first, so the dialog opens a moment later.
    poll = QTimer()
    poll.timeout.connect(close_info)
    poll.start(50)
    browser.show_info()
    qtbot.waitUntil(lambda: bool(infos), timeout=10000)
    poll.stop()
    assert "<img" in infos[0]  # shown as text

    # The Remove-bank confirmation: a plain-text message box.
    asked: list[QMessageBox] = []

    def answer_no() -> None:
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible():
                asked.append(box)
                box.grab()
                box.button(QMessageBox.StandardButton.No).click()
    window.nav.setCurrentRow(SECTIONS.index("Question banks"))
    banks = window.banks
    banks.tree.setCurrentItem(banks.tree.topLevelItem(0))
    QTimer.singleShot(100, answer_no)
    banks.remove_selected()
    assert asked and asked[0].textFormat() == rich_text.Qt.TextFormat.PlainText
    assert "Bank <img" in asked[0].text()
    assert [b.id for b in ctx.banks.list()] == ["evil"]  # No was the answer

    assert pipes.opened == []


def test_the_safe_document_and_label_refuse_resources_directly(
        qtbot: QtBot, pipes: PipeWatch) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(hostile(pipes))  # raw HTML, as if a caller forgot to escape
    _paint(browser)
    assert len(browser.refused) >= 3 and any("/dev/zero" in r for r in browser.refused)
    label = RichLabel(f"<b>{hostile(pipes)}</b>")  # markup naming a resource: shown as text
    qtbot.addWidget(label)
    _paint(label)
    assert label.textFormat() == rich_text.Qt.TextFormat.PlainText
    assert pipes.opened == []

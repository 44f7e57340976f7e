from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from tests.ui.conftest import ScriptedDialogs, WindowFactory

from mht_desktop.services import guide as guide_service
from mht_desktop.services.context import AppContext
from mht_desktop.services.guide import GuideService
from mht_desktop.ui.main_window import SECTIONS, MainWindow
from mht_desktop.ui.task_runner import ImmediateTaskRunner
from mht_desktop.ui.views.guide_view import GuideView

FILLER = "\n\n".join(f"Paragraph {i} about the daily routine on the unit." for i in range(40))


def write_chapters(folder: Path) -> Path:
    """Three chapters, long enough to scroll, with internal and external links."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01-first.md").write_text(
        '+++\ntitle = "First steps"\norder = 1\ntopics = ["safety"]\n+++\n\n# First steps\n\n'
        "Read [the web page](https://example.org/page) or jump to "
        "[the deep section](02-second.md#deep-section).\n\n"
        f"## Hand hygiene\n\nUse soap and water.\n\n{FILLER}\n\nGloves never replace washing.\n\n"
        "## Wrapping up\n\nThe end.\n",
        encoding="utf-8")
    (folder / "02-second.md").write_text(
        '+++\ntitle = "Second chapter"\norder = 2\ntopics = ["privacy"]\n+++\n\n'
        f"# Second chapter\n\n{FILLER}\n\n## Deep section\n\nHidden treasure lives here.\n\n"
        f"{FILLER}\n", encoding="utf-8")
    (folder / "03-third.md").write_text(
        '+++\ntitle = "Third chapter"\norder = 3\n+++\n\n# Third chapter\n\nShort.\n',
        encoding="utf-8")
    return folder


@pytest.fixture
def guide_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_chapters(tmp_path / "guide")
    monkeypatch.setattr(guide_service, "guide_dir", lambda: folder)
    return folder


@pytest.fixture
def window(make_window: WindowFactory, ctx: AppContext, sample_bank_file: Path,
           guide_folder: Path) -> MainWindow:
    ctx.banks.import_file_now(sample_bank_file)
    return make_window("Guide")


@pytest.fixture
def view(window: MainWindow) -> GuideView:
    return window.guide


def _bar_at_end(view: GuideView) -> None:
    bar = view.browser.verticalScrollBar()
    bar.setValue(bar.maximum())


def _click_text(qtbot: QtBot, view: GuideView, text: str) -> None:
    """Click on ``text`` in the chapter, the way a person clicks a link."""
    cursor = view.browser.document().find(text)
    assert not cursor.isNull(), text
    view.browser.setTextCursor(cursor)
    view.browser.ensureCursorVisible()
    rect = view.browser.cursorRect(cursor)
    point = QPoint(rect.left() - 3, rect.center().y())  # inside the link, before the cursor
    qtbot.mouseClick(view.browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_opens_on_the_first_chapter_with_contents(view: GuideView) -> None:
    assert view.splitter.isVisible() and view.page is not None
    assert view.page.chapter_id == "01-first"
    assert "First steps" in view.browser.toPlainText()
    titles = [view.toc.topLevelItem(i).text(0).strip() for i in range(view.toc.topLevelItemCount())]
    assert titles == ["First steps", "Second chapter", "Third chapter"]
    first = view.toc.topLevelItem(0)
    assert [first.child(i).text(0) for i in range(first.childCount())] == [
        "Hand hygiene", "Wrapping up"]
    assert view.position_label.text() == "Chapter 1 of 3"
    assert view.reading_label.text() == "0 of 3 chapters read"


def test_previous_next_and_contents_navigate(view: GuideView, qtbot: QtBot) -> None:
    assert not view.prev_button.isEnabled()
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.page is not None and view.page.chapter_id == "02-second"
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.page.chapter_id == "03-third" and not view.next_button.isEnabled()
    qtbot.mouseClick(view.prev_button, Qt.MouseButton.LeftButton)
    assert view.page.chapter_id == "02-second"

    # A section in the table of contents opens its chapter at that section.
    first = view.toc.topLevelItem(0)
    first.setExpanded(True)
    hygiene = first.child(0)
    view.toc.scrollToItem(hygiene)
    qtbot.mouseClick(view.toc.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.toc.visualItemRect(hygiene).center())
    assert view.page.chapter_id == "01-first"
    assert view.browser.verticalScrollBar().value() > 0
    assert view.current_anchor() == "hand-hygiene"
    assert view.toc.currentItem() is hygiene


def test_scrolling_to_the_end_marks_the_chapter_read(view: GuideView, ctx: AppContext) -> None:
    assert view.browser.verticalScrollBar().maximum() > 0
    assert not view.read_button.isChecked()
    _bar_at_end(view)
    assert view.read_button.isChecked() and view.read_button.text() == "✓ Read"
    assert view.service.reading_states()["01-first"].read
    assert view.toc.topLevelItem(0).text(0).startswith("✓")
    assert view.reading_label.text() == "1 of 3 chapters read"
    view.mark_read(False)  # the button unmarks it again
    assert not view.service.reading_states()["01-first"].read


def test_reading_position_is_remembered_per_chapter(view: GuideView, window: MainWindow,
                                                    ctx: AppContext, clock: object,
                                                    guide_folder: Path) -> None:
    bar = view.browser.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    saved = view.current_fraction()
    view.next_chapter()
    assert view.service.position("01-first") == pytest.approx(saved)
    view.previous_chapter()
    assert view.current_fraction() == pytest.approx(saved, abs=0.01)
    bar.setValue(bar.maximum() // 4)
    quarter = view.current_fraction()
    window.close()  # about_to_close saves the place
    fresh = GuideService(ctx.db, ctx.clock, window.profile.id, folder=guide_folder)
    assert fresh.position("01-first") == pytest.approx(quarter)


def test_search_opens_a_section_hit_and_shows_a_flashcard(view: GuideView,
                                                          qtbot: QtBot) -> None:
    qtbot.keyClicks(view.search_box, "treasure")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert view.tabs.currentIndex() == 1 and view.results.count() == 1
    assert "Second chapter › Deep section" in view.results.item(0).text()
    assert "Hidden treasure lives here" in view.results.item(0).text()
    item = view.results.item(0)
    qtbot.mouseClick(view.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.results.visualItemRect(item).center())
    assert view.page is not None and view.page.chapter_id == "02-second"
    assert view.current_anchor() == "deep-section"

    view.search_box.clear()
    qtbot.keyClicks(view.search_box, "resting pulse")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert view.results.count() == 1
    assert view.results.item(0).text().startswith("Flashcard · Sample bank")
    qtbot.mouseClick(view.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.results.visualItemRect(view.results.item(0)).center())
    assert view.preview_dialog is not None and view.preview_dialog.isVisible()
    assert view.page.chapter_id == "02-second"  # the reader stays where it was
    browser = view.preview_dialog.findChild(type(view.browser))
    assert "60–100 beats per minute" in browser.toPlainText()

    view.search_box.setText("zebra crossing")
    view.run_search()
    assert view.results.count() == 0
    assert view.search_status.text() == "No matches for “zebra crossing”."


def _marked(view: GuideView) -> list[str]:
    text = view.browser.document().toPlainText()
    return [text[s.cursor.selectionStart():s.cursor.selectionEnd()]
            for s in view.browser.extraSelections()]


def _in_view(view: GuideView, word: str) -> bool:
    cursor = view.browser.document().find(word)
    rect = view.browser.cursorRect(cursor)
    return rect.top() >= 0 and rect.bottom() <= view.browser.viewport().height()


def test_opening_a_hit_marks_the_words_and_shows_the_first_one(view: GuideView,
                                                               qtbot: QtBot) -> None:
    # "Gloves" sits below 40 paragraphs of its section: the section's top would not show it.
    view.open_chapter("02-second")
    qtbot.keyClicks(view.search_box, "glove")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert view.results.count() == 1
    item = view.results.item(0)
    qtbot.mouseClick(view.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.results.visualItemRect(item).center())
    assert view.page is not None and view.page.chapter_id == "01-first"
    assert _marked(view) == ["Gloves"]  # the whole word, as the snippet marks it
    qtbot.waitUntil(lambda: _in_view(view, "Gloves never replace"))
    assert not _in_view(view, "Use soap and water")

    # A hit near its heading keeps the heading at the top.
    view.search_box.setText("treasure")
    view.run_search()
    view.open_hit(view.search_panel.hits[0])
    assert _marked(view) == ["treasure"] and view.current_anchor() == "deep-section"
    assert _in_view(view, "Hidden treasure")

    # Opening a chapter another way clears the marks.
    view.open_chapter("01-first")
    assert _marked(view) == []


def test_bookmarks_add_list_jump_edit_delete(view: GuideView, qtbot: QtBot,
                                            dialogs: ScriptedDialogs) -> None:
    view.scroll_to_anchor("hand-hygiene")
    dialogs.answer_text("Remember the spores")
    qtbot.mouseClick(view.bookmark_button, Qt.MouseButton.LeftButton)
    assert view.tabs.currentIndex() == 2 and view.bookmarks.count() == 1
    assert view.bookmarks.item(0).text() == "First steps › Hand hygiene\nRemember the spores"

    view.open_chapter("03-third")
    item = view.bookmarks.item(0)
    qtbot.mouseClick(view.bookmarks.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.bookmarks.visualItemRect(item).center())
    assert view.page is not None and view.page.chapter_id == "01-first"
    assert view.current_anchor() == "hand-hygiene"

    view.bookmarks.setCurrentRow(0)
    dialogs.answer_text(lambda text: f"{text} (and alcohol does not)")
    qtbot.mouseClick(view.edit_note_button, Qt.MouseButton.LeftButton)
    assert view.bookmarks.item(0).text().endswith("Remember the spores (and alcohol does not)")

    view.bookmarks.setCurrentRow(0)
    dialogs.answer_confirm(False)
    qtbot.mouseClick(view.delete_bookmark_button, Qt.MouseButton.LeftButton)
    assert view.bookmarks.count() == 1
    dialogs.answer_confirm(True)
    qtbot.mouseClick(view.delete_bookmark_button, Qt.MouseButton.LeftButton)
    assert view.bookmarks.count() == 0 and view.service.bookmarks() == []


def test_external_link_goes_to_the_opener_and_never_navigates(view: GuideView,
                                                              qtbot: QtBot) -> None:
    opened: list[QUrl] = []
    view.open_url = opened.append
    before = view.browser.toHtml()
    _click_text(qtbot, view, "the web page")
    assert [u.toString() for u in opened] == ["https://example.org/page"]
    assert view.page is not None and view.page.chapter_id == "01-first"
    assert view.browser.source().isEmpty() and view.browser.toHtml() == before
    # Nothing remote is ever loaded into the reader.
    remote = view.browser.loadResource(int(QTextDocument.ResourceType.ImageResource),
                                       QUrl("https://example.org/track.png"))
    # (a blank one-pixel image, so that Qt does not go and open the file itself)
    assert remote.size().width() == 1 and view.browser.refused == [
        "https://example.org/track.png"]


def test_internal_link_navigates_inside_the_reader(view: GuideView, qtbot: QtBot) -> None:
    opened: list[QUrl] = []
    view.open_url = opened.append
    _click_text(qtbot, view, "the deep section")
    assert opened == []
    assert view.page is not None and view.page.chapter_id == "02-second"
    assert view.current_anchor() == "deep-section"
    view.browser.anchorClicked.emit(QUrl("guide:03-third"))
    assert view.page.chapter_id == "03-third"
    view.browser.anchorClicked.emit(QUrl("guide:99-nowhere"))  # unknown: stays put
    assert view.page.chapter_id == "03-third"


def test_zoom_is_remembered_for_the_learner(view: GuideView, window: MainWindow,
                                            qtbot: QtBot, ctx: AppContext,
                                            guide_folder: Path) -> None:
    size = view.browser.font().pointSizeF()
    assert size == pytest.approx(QApplication.font().pointSizeF())
    qtbot.mouseClick(view.zoom_in_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.browser.font().pointSizeF() == pytest.approx(size * 1.2)
    assert GuideService(ctx.db, ctx.clock, window.profile.id, folder=guide_folder).zoom() == 2
    other, _ = ctx.profiles.create("Ben")
    window.use_profile(other)
    # Ben reads at his own size: the app's text size, no zoom.
    assert view.zoom_step == 0
    assert view.browser.font().pointSizeF() == pytest.approx(QApplication.font().pointSizeF())


def test_practise_buttons_switch_to_flashcards_or_start_a_quiz(view: GuideView,
                                                               window: MainWindow,
                                                               qtbot: QtBot) -> None:
    assert view.flashcards_button.text() == "Flashcards (1)"
    qtbot.mouseClick(view.flashcards_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.flashcards
    window.nav.setCurrentRow(SECTIONS.index("Guide"))
    qtbot.mouseClick(view.quiz_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.quiz
    attempt = window.quiz.attempt
    assert attempt is not None
    assert {item.question.topic for item in attempt.items} == {"safety"}
    window.nav.setCurrentRow(SECTIONS.index("Guide"))
    view.open_chapter("03-third")  # no topics: nothing to practise
    assert not view.quiz_button.isEnabled() and not view.flashcards_button.isEnabled()


def test_export_pdf(view: GuideView, tmp_path: Path, dialogs: ScriptedDialogs) -> None:
    from pypdf import PdfReader

    dialogs.answer_save_path(str(tmp_path / "chapter"))
    path = view.export_pdf()
    assert path == str(tmp_path / "chapter.pdf")
    # PDF text comes back with odd breaks between glyph runs: compare without whitespace.
    text = "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "Firststeps" in text and "Handhygiene" in text and "Theend." in text


def test_dark_theme_redraws_the_chapter_in_place(view: GuideView, window: MainWindow) -> None:
    from mht_desktop.ui.theme import ThemeMode

    view.scroll_to_anchor("hand-hygiene")
    window.set_theme(ThemeMode.DARK)
    assert "#e6e6e6" in view.browser.document().defaultStyleSheet()
    assert view.current_anchor() == "hand-hygiene"


def test_empty_state_when_there_are_no_chapters(qtbot: QtBot, ctx: AppContext,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-guide"
    empty.mkdir()
    monkeypatch.setattr(guide_service, "guide_dir", lambda: empty)
    profile, _ = ctx.profiles.create("Ana")
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, profile, tasks=ImmediateTaskRunner(), settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.guide.empty.isVisible() and window.guide.page is None
    assert str(empty) in window.guide.empty.text_label.text()
    (empty / "01-hello.md").write_text("# Hello\n\nNow there is a chapter.\n")
    window.publish(window.guide.service.mark_read("01-hello"))
    assert window.guide.splitter.isVisible() and window.guide.page is not None

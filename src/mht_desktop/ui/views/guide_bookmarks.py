"""The guide's bookmark actions: bookmark the section being read, edit a note, delete.

The :class:`~mht_desktop.ui.views.guide_panels.BookmarksPanel` only shows bookmarks and says
what was clicked; this controller asks the learner for notes and confirmations and runs the
service calls on the DB lane, so the guide view itself stays about reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mht_desktop.core.changes import Changes
from mht_desktop.core.guide import Bookmark
from mht_desktop.ui.views.guide_panels import BookmarksPanel

if TYPE_CHECKING:
    from mht_desktop.ui.views.guide_view import GuideView

BOOKMARKS_TAB = 2


class GuideBookmarks:
    """Adds, edits and deletes the learner's bookmarks for ``view``."""

    def __init__(self, view: GuideView) -> None:
        self.view = view
        self.panel = BookmarksPanel()
        self.panel.bookmark_opened.connect(
            lambda bookmark: view.open_chapter(bookmark.chapter_id, bookmark.anchor))
        self.panel.add_button.clicked.connect(self.add_here)
        self.panel.edit_button.clicked.connect(self.edit_selected_note)
        self.panel.delete_button.clicked.connect(self.delete_selected)

    def add_here(self) -> None:
        """Bookmark the section being read, asking for an optional note."""
        view = self.view
        page = view.page
        if page is None:
            return
        anchor = view.current_anchor()
        heading = next((h for h in page.headings if h.anchor == anchor), None)
        where = heading.title if heading else page.title
        note = view.ctx.dialogs.ask_text(view, "Add bookmark",
                                         f"Bookmark “{where}”.\nYour note (optional):", "")
        if note is None:
            return
        chapter_id, service = page.chapter_id, view.service

        def done(result: tuple[Bookmark, Changes]) -> None:
            view.tabs.setCurrentIndex(BOOKMARKS_TAB)
            view.status("Bookmark added.", 3000)
            view.ctx.bus.publish(result[1])

        view.ctx.tasks.run(lambda: service.add_bookmark(chapter_id, anchor, note),
                           on_done=done, on_error=view.show_error)

    def edit_selected_note(self) -> None:
        """Change the note of the selected bookmark."""
        view, bookmark = self.view, self.panel.selected()
        if bookmark is None:
            return
        note = view.ctx.dialogs.ask_text(view, "Edit note", f"Note for “{bookmark.title}”:",
                                         bookmark.note)
        if note is None:
            return
        service = view.service
        view.ctx.tasks.run(lambda: service.edit_note(bookmark.id, note),
                           on_done=lambda result: view.ctx.bus.publish(result[1]),
                           on_error=view.show_error)

    def delete_selected(self) -> None:
        """Delete the selected bookmark after confirmation."""
        view, bookmark = self.view, self.panel.selected()
        if bookmark is None or not view.ctx.dialogs.confirm(
                view, "Delete bookmark",
                f"Delete the bookmark “{bookmark.title}” and its note?"):
            return
        service = view.service
        view.ctx.tasks.run(lambda: service.delete_bookmark(bookmark.id),
                           on_done=view.ctx.bus.publish, on_error=view.show_error)

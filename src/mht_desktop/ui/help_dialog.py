"""The Help menu: the user and instructor guides, keyboard shortcuts, and About.

The guides are Markdown files we ship (``docs/`` in a checkout, ``help/`` in the bundle), so
they are shown with Qt's Markdown support and their screenshots load from the same folder. No
network is needed; links to web pages open in the browser.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mht_desktop import __version__
from mht_desktop.services.resources import help_dir
from mht_desktop.ui.rich_text import SafeTextBrowser, show_message

GUIDES = {"user": ("user-guide.md", "User guide"),
          "instructor": ("instructor-guide.md", "Instructor guide")}


def show_guide(parent: QWidget, which: str) -> None:
    """Open one of the guides in a resizable window.

    Args:
        parent: The window the guide belongs to.
        which: ``"user"`` or ``"instructor"``.
    """
    file_name, title = GUIDES[which]
    folder = help_dir()
    path = folder / file_name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        show_message(parent, title, f"The {title.lower()} could not be opened "
                                    f"({path}: {exc.strerror}).")
        return
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"MHT Desktop — {title}")
    dialog.resize(820, 640)
    layout = QVBoxLayout(dialog)
    browser = SafeTextBrowser(dialog, shipped=folder)  # the guides' own images only
    browser.setAccessibleName(title)
    browser.setOpenExternalLinks(True)
    browser.setSearchPaths([str(folder)])
    browser.setMarkdown(text)
    layout.addWidget(browser)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.exec()


def show_shortcuts(parent: QWidget) -> None:
    """Show every keyboard shortcut in a dialog."""
    from mht_desktop.ui.dialogs import shortcuts_html

    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    dialog.resize(520, 560)
    layout = QVBoxLayout(dialog)
    text = SafeTextBrowser()
    text.setAccessibleName("Keyboard shortcuts")
    text.setHtml(shortcuts_html())  # html-safe: escapes its rows
    layout.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.exec()


def show_about(parent: QWidget, data_location: str) -> None:
    """Version, purpose, whose rules the content follows, and where the data is.

    Args:
        parent: The window the message belongs to.
        data_location: The database file, or words saying it is not open yet.
    """
    show_message(
        parent, "About MHT Desktop",
        f"MHT Desktop {__version__}\n\nA study app for mental health technicians: career "
        "guide, spaced-repetition flashcards, practice exams and progress reports.\n\n"
        "Study content follows federal rules unless a question names a state or facility "
        "policy. Always follow your facility's policies and your supervisor.\n\n"
        f"Your data: {data_location}", icon=QMessageBox.Icon.Information)

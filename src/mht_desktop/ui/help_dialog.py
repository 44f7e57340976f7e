"""Help › User guide and Help › Instructor guide: our own guides, read inside the app.

The guides are Markdown files we ship (``docs/`` in a checkout, ``help/`` in the bundle), so
they are shown with Qt's Markdown support and their screenshots load from the same folder. No
network is needed; links to web pages open in the browser.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
    QWidget,
)

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

"""Printing a guide chapter, or saving it as a PDF.

Paper is white whatever the screen theme, so chapters print with the light colours.
"""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from mht_desktop.rendering.safe_document import SafeTextDocument
from mht_desktop.services.guide_html import guide_css
from mht_desktop.ui.theme import palette_css


def chapter_document(body_html: str, parent: QWidget | None = None) -> QTextDocument:
    """The chapter laid out for paper."""
    doc = SafeTextDocument(parent)
    doc.setDefaultStyleSheet(palette_css(False) + guide_css(False))
    doc.setHtml(body_html)  # html-safe: rendered by the guide service
    return doc


def print_chapter(parent: QWidget, title: str, body_html: str) -> None:
    """Ask for a printer and print the chapter."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        chapter_document(body_html, parent).print_(printer)


def save_chapter_pdf(path: str, title: str, body_html: str) -> str:
    """Save the chapter as a PDF at ``path`` (``.pdf`` added if missing); returns the path."""
    if not path.lower().endswith(".pdf"):
        path += ".pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setDocName(title)
    chapter_document(body_html).print_(printer)
    return path

"""Pages of a laid-out report drawn as images, for the print preview (on the task lane).

Why: the print preview used to replay every page's text and charts on the GUI thread each
time it repainted (vector drawing at the preview's scale), and to record them there first.
Drawing a page onto a QImage is safe on any thread, so the lane draws each page once, at the
scale the preview shows it, and the GUI thread only copies pixels.

Memory: a page at the preview's usual size is about 1 megapixel (4 MB). Zoomed in, or with
many pages, the scale is capped so that all of a document's page images together stay under
:data:`MAX_PREVIEW_PIXELS`; beyond that the preview enlarges the capped image (softer, never
out of memory). Printing and the PDF never use these images: they draw the vector pages.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from mht_desktop.rendering.pages import LaidOutDocument, paint_page

MAX_PREVIEW_PIXELS = 32_000_000  # all page images of one preview: 128 MB at 4 bytes a pixel
MAX_SCALE = 2.0                  # 600 dpi for a 300 dpi layout: more than any screen shows
MIN_SCALE = 0.02
BAND_PIXELS = 600_000            # image pixels drawn in one Qt call (a few ms)


def capped_scale(laid: LaidOutDocument, wanted: float) -> float:
    """``wanted`` (image pixels per layout pixel), lowered to keep every page in budget."""
    area = laid.paint_rect.width() * laid.paint_rect.height() * max(laid.pages, 1)
    budget = math.sqrt(MAX_PREVIEW_PIXELS / area) if area > 0 else MAX_SCALE
    return max(MIN_SCALE, min(wanted, budget, MAX_SCALE))


def render_page_image(laid: LaidOutDocument, page: int, scale: float) -> QImage:
    """Draw page ``page`` (0-based) of ``laid`` onto a new image ``scale`` times its size.

    The image covers the page's paint area (inside the margins), on white, footer included,
    exactly as :func:`~mht_desktop.rendering.pages.paint_page` draws it for the PDF. Safe on
    a worker thread; holds ``laid.lock`` while drawing.
    """
    width = max(1, math.ceil(laid.paint_rect.width() * scale))
    height = max(1, math.ceil(laid.paint_rect.height() * scale))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    # PySide6 keeps the GIL through a Qt call, so one long drawContents on the lane would
    # stall the GUI thread as long: draw the body in strips of about BAND_PIXELS each.
    bands = max(1, math.ceil(width * height / BAND_PIXELS))
    step = laid.body_height / bands
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.scale(scale, scale)
        with laid.lock:
            for n in range(bands):
                bottom = laid.body_height if n == bands - 1 else (n + 1) * step
                paint_page(painter, laid.doc, laid.body_height, page, laid.pages, laid.footer,
                           float(laid.resolution), band=(n * step, bottom))
    finally:
        painter.end()
    return image

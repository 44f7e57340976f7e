"""Bank and guide text to safe HTML.

Bank text is plain text or Markdown written by strangers: raw HTML is escaped (never
rendered), images become their alt text (so nothing can load a remote resource), and only
http(s), mailto and in-guide links survive.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from mht_desktop.core.escaping import escape_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "guide:")


def _image_as_text(self: Any, tokens: Sequence[Token], idx: int, options: Any,
                   env: Any) -> str:
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or [])
    return f"[image: {escape_html(alt)}]" if alt else ""


def _validate_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(_SAFE_SCHEMES) or (
        ":" not in lowered.split("/")[0] and not lowered.startswith("//"))


@cache
def _make() -> MarkdownIt:
    # Imported on first use: the parser is not needed to open the window.
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("image", _image_as_text)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def markdown_to_html(text: str) -> str:
    """Render Markdown safely (raw HTML shown as text, no images, safe links only)."""
    return str(_make().render(text))


def inline_markdown(text: str) -> str:
    """Render a short Markdown fragment without the wrapping paragraph."""
    return str(_make().renderInline(text))

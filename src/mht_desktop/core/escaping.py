"""The one helper that makes bank and user text safe inside HTML.

It lives in core (standard library only) so that every layer that builds HTML can share it:
the services that render Markdown, the PDF report builders and the window's views, which must
not import the services at start-up.
"""

from __future__ import annotations

import html


def escape_html(text: object) -> str:
    """Text (a bank title, a learner's name, a file name) made safe to put inside our HTML.

    Every place where bank or user text meets rich text (Qt labels, tooltips, message boxes,
    text browsers, PDF reports) goes through it, so ``<img src="/dev/zero">`` in a bank title
    is shown as those characters and never loaded.
    """
    return html.escape(str(text), quote=True)

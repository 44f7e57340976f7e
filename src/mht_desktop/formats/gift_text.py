"""GIFT's text rules: backslash escapes, ``[format]`` prefixes, and a fragment's final text.

Shared by the reader (:mod:`.gift`) and the writer (:mod:`.gift_writer`, which writes the
escapes and prefixes these undo).
"""

from __future__ import annotations

import re

from mht_desktop.formats.text import html_to_text

# Escaped characters are swapped for private-use code points before any structural parsing,
# so "\=" can never be taken for an answer marker; they are swapped back in the final text.
# "\\" comes first so that an escaped backslash cannot escape the character after it.
ESCAPED = {
    "\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003",
    "\\{": "\ue004", "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007",
}
# One left-to-right pass gives what replacing each escape in turn (in this order) gives: the
# placeholders contain no backslash, so no replacement can make or break another escape.
ESCAPE = re.compile(r"\\[\\~=#{}:n]")
LITERALS = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#",
            "\ue004": "{", "\ue005": "}", "\ue006": ":"}
NEWLINE = "\ue007"  # restored after HTML conversion, which would collapse a real newline
FORMAT_PREFIX = re.compile(r"\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)


def replace_all(text: str, table: dict[str, str]) -> str:
    """Apply ``table``'s replacements in order (faster than a regex with a callback)."""
    for old, new in table.items():
        if old in text:
            text = text.replace(old, new)
    return text


def placeholder(match: re.Match[str]) -> str:
    """The private-use stand-in for one escape (``ESCAPE.sub(placeholder, text)``)."""
    return ESCAPED[match.group()]


def unescape(text: str) -> str:
    """Put back the characters that were escaped with a backslash."""
    return replace_all(text, LITERALS)


def split_format(text: str, default: str) -> tuple[str, str]:
    """Remove a leading ``[html]``-style prefix: (format, rest)."""
    match = FORMAT_PREFIX.match(text) if "[" in text else None
    if match is None:
        return default, text
    return match.group(1).lower(), text[match.end():]


def finish(raw: str, fmt: str, escaped: bool, *, prefixed: bool = True) -> str:
    """Final text of a GIFT fragment: prefix removed, escapes undone, HTML flattened.

    Args:
        raw: The fragment as it stands in the block.
        fmt: The format in force (the question's, unless the fragment has its own prefix).
        escaped: Whether the block held escapes (placeholders to put back).
        prefixed: Whether ``raw`` may start with its own ``[format]`` prefix (False for a
            stem whose prefix was already removed: "[html]" after it is text).
    """
    if prefixed:
        fmt, raw = split_format(raw, fmt)
    text = raw.strip()
    if escaped:
        text = unescape(text)
    if fmt in ("html", "moodle") and ("<" in text or "&" in text):
        text = html_to_text(text).strip()
    if escaped and NEWLINE in text:
        # After HTML flattening, which would have collapsed a real line break.
        text = text.replace(NEWLINE, "\n").strip()
    return text


SEPARATOR = "\x1e"  # ASCII record separator: joins fragments that are finished together


def finish_all(fragments: list[str], fmt: str, escaped: bool) -> list[str]:
    """:func:`finish` for a question's texts at once (one pass instead of one each).

    The stem (first, its prefix already removed), rationale, answers and feedback are joined,
    unescaped in one go and split again; when a fragment may carry its own format prefix,
    each takes the one-by-one path.
    """
    joined = SEPARATOR.join(fragments)
    if (joined.find("[", len(fragments[0])) >= 0
            or joined.count(SEPARATOR) != len(fragments) - 1):
        return [finish(fragments[0], fmt, escaped, prefixed=False),
                *(finish(fragment, fmt, escaped) for fragment in fragments[1:])]
    if escaped:
        joined = unescape(joined)
    parts = joined.split(SEPARATOR)
    if fmt in ("html", "moodle") and ("<" in joined or "&" in joined):
        parts = [html_to_text(part) for part in parts]
    if escaped and NEWLINE in joined:
        parts = [part.replace(NEWLINE, "\n") for part in parts]
    return list(map(str.strip, parts))

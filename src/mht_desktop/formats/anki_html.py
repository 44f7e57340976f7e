"""Anki card templates and cloze deletions to plain front/back text, and back again.

Anki stores notes as fields and renders each card from its note type's templates
(``{{Front}}``, ``{{#Field}}…{{/Field}}``, ``{{cloze:Text}}``, ``{{FrontSide}}``). We render
the same way, then pass the HTML through the one sanitiser every bank format shares
(:func:`~mht_desktop.formats.text.html_to_text`), so an imported card reads like the
one the learner studied in Anki, as safe plain text. Images and sounds are dropped (and
counted, so the import can say so).
"""

from __future__ import annotations

import html
import re

from mht_desktop.formats.text import html_to_text

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_SECTION = re.compile(r"\{\{([#^])\s*([^}]+?)\s*\}\}(.*?)\{\{/\s*\2\s*\}\}", re.DOTALL)
_TAG = re.compile(r"\{\{\s*([^}#^/][^}]*?)\s*\}\}")
_ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_MEDIA_TAG = re.compile(r"<(?:img|audio|video|object|embed)\b|\[sound:", re.IGNORECASE)


def has_media(text: str) -> bool:
    """True when a field shows an image or plays a sound."""
    return _MEDIA_TAG.search(text) is not None


def _cloze(text: str, number: int, *, answer: bool) -> str:
    def replace(match: re.Match[str]) -> str:
        if int(match.group(1)) != number:
            return match.group(2)
        if answer:
            return match.group(2)
        hint = match.group(3)
        return f"[{hint}]" if hint else "[...]"

    return _CLOZE.sub(replace, text)


def cloze_numbers(text: str) -> set[int]:
    """The cloze numbers (``c1`` → 1) a field uses."""
    return {int(m.group(1)) for m in _CLOZE.finditer(text)}


def _render(template: str, fields: dict[str, str], *, cloze: int | None, answer: bool) -> str:
    def section(match: re.Match[str]) -> str:
        value = fields.get(match.group(2).strip(), "")
        filled = bool(html_to_text(value).strip())
        keep = filled if match.group(1) == "#" else not filled
        return match.group(3) if keep else ""

    previous = None
    while previous != template:  # sections can nest
        previous, template = template, _SECTION.sub(section, template)

    def tag(match: re.Match[str]) -> str:
        *filters, name = [p.strip() for p in match.group(1).split(":")]
        if name == "FrontSide":
            return ""
        value = fields.get(name, "")
        if "cloze" in filters:
            return _cloze(value, cloze or 1, answer=answer)
        if "type" in filters:  # a type-in box on the front; the expected answer on the back
            return value if answer else ""
        if "tts" in filters:
            return ""
        return value

    return _TAG.sub(tag, template)


def render_card(question: str, answer_format: str, field_names: tuple[str, ...],
                values: tuple[str, ...], *, cloze: int | None = None) -> tuple[str, str]:
    """A card's front and back as plain text.

    Args:
        question: The template's question format.
        answer_format: The template's answer format. Only what follows Anki's answer rule
            (``<hr id=answer>``) becomes the back, so the front is not repeated there; a
            template without one (Cloze) shows the whole answer side.
        field_names: The note type's fields, in order.
        values: The note's field values, in the same order.
        cloze: The cloze number this card asks (None for a standard note type).

    Returns:
        ``(front, back)`` with HTML removed and media dropped.
    """
    fields = dict(zip(field_names, values, strict=False))
    front = _render(question, fields, cloze=cloze, answer=False)
    parts = _ANSWER_RULE.split(answer_format, maxsplit=1)
    back = _render(parts[-1], fields, cloze=cloze, answer=True)
    return _plain(front), _plain(back)


def _plain(rendered: str) -> str:
    return html_to_text(_SOUND.sub("", rendered)).strip()


def text_to_html(text: str) -> str:
    """Our plain text as Anki field HTML: escaped, with line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")

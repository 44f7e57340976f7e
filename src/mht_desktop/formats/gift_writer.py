"""Writing banks as GIFT, Moodle's plain-text question format (the reader is ``gift``)."""

from __future__ import annotations

import re

from mht_desktop.core.banks import Bank, Question, QuestionType, Topic
from mht_desktop.formats.gift_text import FORMAT_PREFIX
from mht_desktop.formats.text import category_path, format_percent, moodle_fractions

_SPECIAL = re.compile(r"[\\~=#{}:\n]")
_WRITE_ESCAPES = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}",
                  ":": "\\:", "\n": "\\n"}


def escape_gift(text: str) -> str:
    """Escape GIFT's special characters (and line breaks) in ``text``."""
    return _SPECIAL.sub(lambda m: _WRITE_ESCAPES[m.group()], text.strip())


def write_gift(bank: Bank) -> str:
    """Serialise the questions of ``bank`` as GIFT.

    Questions are grouped under a ``$CATEGORY:`` per topic and titled with their id, so a
    round trip keeps ids and topics; a ``// [id:…] [tag:…]`` comment above each question
    gives Moodle the idnumber and tags, as Moodle's own export does. Text is marked
    ``[markdown]`` (our text is plain text or Markdown). Flashcards cannot be expressed in
    GIFT and are not written; difficulty, source and review dates have no place in GIFT.

    Args:
        bank: The bank to export.

    Returns:
        The GIFT text, UTF-8 ready.
    """
    title = " ".join(bank.info.title.split())  # a line break would end the comment
    out = [f"// {title} — exported from MHT Desktop",
           "// Flashcards, sources and difficulty cannot be expressed in GIFT.", ""]
    topics = {t.id: t for t in bank.topics}
    by_topic: dict[str, list[Question]] = {}
    for question in bank.questions:
        by_topic.setdefault(question.topic, []).append(question)
    for topic_id, questions in by_topic.items():
        topic = topics.get(topic_id, Topic(topic_id, topic_id))
        out += [f"$CATEGORY: {category_path(topic)}", ""]
        for question in questions:
            out += [_question_gift(question), ""]
    return "\n".join(out)


_WEIGHT_LIKE = re.compile(r"\s*%-?\d+(?:\.\d+)?%")


def _fragment(text: str) -> str:
    """An escaped answer or feedback text that cannot be misread as a format prefix."""
    escaped = escape_gift(text)
    return f"[markdown]{escaped}" if FORMAT_PREFIX.match(escaped) else escaped


def _comment_value(text: str) -> str:
    """A value for a ``[id:…]``/``[tag:…]`` comment: one line, brackets escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("]", "\\]")


def _question_gift(question: Question) -> str:
    # Moodle reads the idnumber and tags from this comment (and keeps the title as the name).
    marks = "".join(f" [tag:{_comment_value(tag)}]" for tag in question.tags)
    lines = [f"// [id:{_comment_value(question.id)}]{marks}",
             f"::{escape_gift(question.id)}::[markdown]{escape_gift(question.stem)} {{"]
    if question.type is QuestionType.TRUE_FALSE:
        lines.append("\t" + _true_false_gift(question))
    else:
        weighted = question.type is QuestionType.MULTIPLE
        for choice, fraction in zip(question.choices, moodle_fractions(question), strict=True):
            text = _fragment(choice.text)
            if choice.correct and not weighted:
                mark = "="
            elif weighted or fraction != 0 or _WEIGHT_LIKE.match(text):
                # An explicit weight also keeps a text such as "%50% of adults" intact.
                mark = f"~%{format_percent(fraction)}%"
            else:
                mark = "~"
            feedback = f"#{_fragment(choice.feedback)}" if choice.feedback.strip() else ""
            lines.append(f"\t{mark}{text}{feedback}")
    if question.rationale.strip():
        lines.append(f"\t####{_fragment(question.rationale)}")
    lines.append("}")
    return "\n".join(lines)


def _true_false_gift(question: Question) -> str:
    answer = next((c for c in question.choices if c.correct), None)
    is_true = answer is not None and answer.text.strip().lower() == "true"
    right = answer.feedback if answer else ""
    wrong = next((c.feedback for c in question.choices if not c.correct), "")
    text = "TRUE" if is_true else "FALSE"
    if wrong.strip() or right.strip():
        text += f"#{_fragment(wrong)}" if wrong.strip() else "#"
    if right.strip():
        text += f"#{_fragment(right)}"
    return text

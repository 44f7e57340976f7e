"""Moodle XML: writing a bank as a Moodle question export (reading is in ``moodle_xml``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from mht_desktop.core.banks import Bank, Question, QuestionType, Topic
from mht_desktop.formats.text import category_path, format_percent, moodle_fractions

# XML 1.0 cannot hold these control characters at all, not even escaped.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _add_text(parent: ET.Element, tag: str, text: str, *, fmt: str | None = "markdown",
              **attributes: str) -> ET.Element:
    """Append ``<tag format=…><text>text</text></tag>``."""
    holder = ET.SubElement(parent, tag, attributes)
    if fmt is not None:
        holder.set("format", fmt)
    ET.SubElement(holder, "text").text = _xml_safe(text)
    return holder


def _leaf(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = _xml_safe(value)


def write_moodle_xml(bank: Bank) -> str:
    """Serialise the questions of ``bank`` as a Moodle XML quiz.

    Each topic with questions becomes a category (``$course$/top/<title>``) followed by its
    questions; the question id goes into ``<idnumber>`` and the rationale into
    ``<generalfeedback>``. Text is written with ``format="markdown"``. Flashcards have no
    Moodle question type and are left out. Choices are shuffled in Moodle unless every
    choice of the question is fixed.

    Args:
        bank: The bank to export.

    Returns:
        The XML document, UTF-8 declared, indented.
    """
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" {_xml_safe(bank.info.title).replace('--', '- -')} — exported "
                           "from MHT Desktop; flashcards are not included "))
    topics = {t.id: t for t in bank.topics}
    by_topic: dict[str, list[Question]] = {}
    for question in bank.questions:
        by_topic.setdefault(question.topic, []).append(question)
    for topic_id, questions in by_topic.items():
        topic = topics.get(topic_id, Topic(topic_id, topic_id))
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _add_text(category, "category", category_path(topic), fmt=None)
        if topic.description:
            _add_text(category, "info", topic.description)
        for question in questions:
            _write_question(quiz, question)
    ET.indent(quiz, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(quiz, encoding="unicode") + "\n")


def _write_question(quiz: ET.Element, question: Question) -> None:
    kind = "truefalse" if question.type is QuestionType.TRUE_FALSE else "multichoice"
    element = ET.SubElement(quiz, "question", {"type": kind})
    _add_text(element, "name", question.title or question.id, fmt=None)
    _add_text(element, "questiontext", question.stem)
    _add_text(element, "generalfeedback", question.rationale)
    _leaf(element, "defaultgrade", "1")
    _leaf(element, "penalty", "0.3333333" if kind == "multichoice" else "1")
    _leaf(element, "hidden", "0")
    _leaf(element, "idnumber", question.id)
    if kind == "multichoice":
        _leaf(element, "single", "true" if question.type is QuestionType.SINGLE else "false")
        every_fixed = bool(question.choices) and all(c.fixed for c in question.choices)
        _leaf(element, "shuffleanswers", "0" if every_fixed else "1")
        _leaf(element, "answernumbering", "abc")
        for choice, fraction in zip(question.choices, moodle_fractions(question), strict=True):
            answer = _add_text(element, "answer", choice.text,
                               fraction=format_percent(fraction))
            _add_text(answer, "feedback", choice.feedback)
    else:
        for choice in question.choices:
            answer = _add_text(element, "answer", choice.text.lower(),
                               fmt="moodle_auto_format",
                               fraction="100" if choice.correct else "0")
            _add_text(answer, "feedback", choice.feedback)
    if question.tags:
        tags = ET.SubElement(element, "tags")
        for tag in question.tags:
            _leaf(ET.SubElement(tags, "tag"), "text", tag)

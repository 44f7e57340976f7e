"""Checks every practice item must pass before it is stored or played.

Beyond well-formedness these encode the brief's safety rules, so no file — ours or an
instructor's — can teach the wrong thing by accident: a drill never rewards going hands-on
before the person is acting out (C3, C6, BETA), restraint is only reached from acting out and
always lists what the rules then require (C6), every drill says when to call for help, and a
disclosure case may only expect psychotherapy notes or Part 2 records to be shared under the
rule that allows it (B6, B7/AJ2).
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import date

from mht_desktop.core.banks import ID_PATTERN
from mht_desktop.core.errors import Problem, Severity
from mht_desktop.core.practice.disclosure import DisclosureCase, Expect, RecordField
from mht_desktop.core.practice.drills import (
    EndingKind,
    Node,
    Rating,
    Scenario,
    best_path,
)
from mht_desktop.core.practice.vignettes import Vignette

MIN_NODES, MIN_ENDINGS = 8, 2
MIN_CHOICES, MAX_CHOICES = 2, 4
STRICT_MIN_CHOICES = 3
MIN_CASE_FIELDS = 3


class _Sink:
    def __init__(self, file: str, strict: bool) -> None:
        self.file = file
        self.strict = strict
        self.problems: list[Problem] = []

    def error(self, line: int | None, message: str, item: str | None = None) -> None:
        self.problems.append(Problem(self.file, line, message, Severity.ERROR, item))

    def content(self, line: int | None, message: str, item: str | None = None) -> None:
        """Missing sources, dates or feedback: errors for shipped files, else warnings."""
        level = Severity.ERROR if self.strict else Severity.WARNING
        self.problems.append(Problem(self.file, line, message, level, item))


def _check_id(sink: _Sink, item_id: str, line: int | None, what: str) -> None:
    if item_id and not ID_PATTERN.match(item_id):
        sink.error(line, f"{what} id {item_id!r} must be 2–64 lowercase letters, digits, "
                   "'.', '_' or '-'", item_id)


def validate_scenario(s: Scenario, *, file: str, strict: bool = False) -> list[Problem]:
    """Every problem in a scenario (empty: it can be played)."""
    sink = _Sink(file, strict)
    _check_id(sink, s.id, s.line, "scenario")
    for node_id, count in Counter(n.id for n in s.nodes).items():
        if count > 1:
            sink.error(next(n.line for n in s.nodes if n.id == node_id),
                       f"node id {node_id!r} is used {count} times", s.id)
    if not s.has_node(s.start):
        sink.error(s.line, f"start node {s.start!r} does not exist", s.id)
        return sink.problems
    if len(s.nodes) < MIN_NODES and strict:
        sink.error(s.line, f"scenario {s.id!r} has {len(s.nodes)} nodes; at least "
                   f"{MIN_NODES} are needed", s.id)
    if len(s.endings) < MIN_ENDINGS:
        sink.error(s.line, f"scenario {s.id!r} has {len(s.endings)} ending(s); at least "
                   f"{MIN_ENDINGS} are needed", s.id)
    least = STRICT_MIN_CHOICES if strict else MIN_CHOICES
    for node in s.nodes:
        _check_node(sink, s, node, least)
    _check_reachable(sink, s)
    if not any(c.calls_help for n in s.nodes for c in n.choices):
        sink.error(s.line, f"scenario {s.id!r} never offers calling for help "
                   "(mark a choice calls_help = true)", s.id)
    if not sink.problems:
        _check_best_path(sink, s)
    if not s.sources:
        sink.content(s.line, f"scenario {s.id!r} names no sources", s.id)
    if strict and s.reviewed is None:
        sink.error(s.line, f"scenario {s.id!r} has no reviewed date", s.id)
    if strict and s.review_due is None:
        sink.error(s.line, f"scenario {s.id!r} has no review_due date (when its rules are "
                   "next to be checked)", s.id)
    _check_review_dates(sink, s.id, s.line, s.reviewed, s.review_due)
    return sink.problems


def _check_review_dates(sink: _Sink, item_id: str, line: int | None, reviewed: date | None,
                        review_due: date | None) -> None:
    if reviewed is not None and review_due is not None and review_due <= reviewed:
        sink.error(line, f"{item_id!r}: review_due ({review_due:%Y-%m-%d}) must come after "
                   f"reviewed ({reviewed:%Y-%m-%d})", item_id)


def _check_node(sink: _Sink, s: Scenario, node: Node, least: int) -> None:
    where = f"node {node.id!r}"
    if node.ending is not None:
        if node.choices:
            sink.error(node.line, f"{where} is an ending but has choices", s.id)
        if node.ending.kind is EndingKind.RESTRAINT and len(node.ending.requirements) < 2:
            sink.error(node.line, f"{where} ends in restraint but does not list what the "
                       "rules then require (requirements: order, time limits, 1-hour "
                       "face-to-face, monitoring, release, debrief — C6)", s.id)
        if node.ending.kind is EndingKind.HARM and node.ending.rating is not Rating.POOR:
            sink.error(node.line, f"{where}: an ending where someone is hurt must be rated "
                       "poor", s.id)
        return
    if not least <= len(node.choices) <= MAX_CHOICES:
        sink.error(node.line, f"{where} has {len(node.choices)} choices; give {least} to "
                   f"{MAX_CHOICES}", s.id)
    if not node.says and not node.does:
        sink.error(node.line, f"{where} says and does nothing", s.id)
    for i, choice in enumerate(node.choices, start=1):
        label = f"{where}, choice {i}"
        if not s.has_node(choice.goto):
            sink.error(choice.line, f"{label} goes to {choice.goto!r}, which does not exist",
                       s.id)
            continue
        if choice.hands_on and not node.level.dangerous and choice.rating is not Rating.POOR:
            sink.error(choice.line, f"{label} goes hands-on while the person is "
                       f"{node.level.label.lower()}; it must be rated poor (restraint is a "
                       "last resort for immediate danger only — C6)", s.id)
        target = s.node(choice.goto)
        if (target.ending is not None and target.ending.kind is EndingKind.RESTRAINT
                and not node.level.dangerous):
            sink.error(choice.line, f"{label} leads to restraint from the "
                       f"{node.level.label.lower()} level; restraint may only follow "
                       "acting-out behaviour (C6)", s.id)
        if not choice.feedback:
            sink.content(choice.line, f"{label} has no feedback", s.id)
        if not choice.technique:
            sink.content(choice.line, f"{label} names no technique or mistake", s.id)
        if not choice.source:
            sink.content(choice.line, f"{label} has no source", s.id)
    if not any(c.rating is Rating.BEST for c in node.choices):
        sink.error(node.line, f"{where} has no choice rated best", s.id)


def _check_reachable(sink: _Sink, s: Scenario) -> None:
    seen = {s.start}
    queue = deque([s.start])
    while queue:
        node = s.node(queue.popleft())
        for choice in node.choices:
            if s.has_node(choice.goto) and choice.goto not in seen:
                seen.add(choice.goto)
                queue.append(choice.goto)
    for node in s.nodes:
        if node.id not in seen:
            sink.error(node.line, f"node {node.id!r} cannot be reached from the start", s.id)


def _check_best_path(sink: _Sink, s: Scenario) -> None:
    try:
        path = best_path(s)
    except ValueError as exc:
        sink.error(s.line, f"scenario {s.id!r}: the best choices do not reach an ending "
                   f"({exc})", s.id)
        return
    end = s.node(path[-1].next_id if path else s.start)
    assert end.ending is not None
    if end.ending.kind is EndingKind.HARM or end.ending.rating is not Rating.BEST:
        sink.error(end.line, f"scenario {s.id!r}: the best choices end at {end.id!r}, which "
                   "is not an ending rated best", s.id)
    if any(s.node(step.node_id).choices[step.choice_index].hands_on for step in path) and \
            not any(s.node(step.node_id).choices[step.choice_index].calls_help
                    for step in path):
        sink.error(s.line, f"scenario {s.id!r}: the best path goes hands-on without calling "
                   "the team first", s.id)


def validate_vignette(v: Vignette, *, file: str, strict: bool = False) -> list[Problem]:
    """Every problem in a vignette (the exemplar is checked by the service, which has the
    checker's lexicon)."""
    sink = _Sink(file, strict)
    _check_id(sink, v.id, v.line, "vignette")
    if not v.sources:
        sink.content(v.line, f"vignette {v.id!r} names no sources", v.id)
    if strict and v.reviewed is None:
        sink.error(v.line, f"vignette {v.id!r} has no reviewed date", v.id)
    _check_review_dates(sink, v.id, v.line, v.reviewed, v.review_due)
    return sink.problems


def validate_case(c: DisclosureCase, *, file: str, strict: bool = False) -> list[Problem]:
    """Every problem in a disclosure case."""
    sink = _Sink(file, strict)
    _check_id(sink, c.id, c.line, "case")
    if len(c.fields) < MIN_CASE_FIELDS:
        sink.error(c.line, f"case {c.id!r} shows {len(c.fields)} record field(s); give at "
                   f"least {MIN_CASE_FIELDS}", c.id)
    for name, count in Counter(k.field.value for k in c.fields).items():
        if count > 1:
            sink.error(c.line, f"case {c.id!r} lists the field {name!r} {count} times", c.id)
    for name, count in Counter(k.action.value for k in c.actions).items():
        if count > 1:
            sink.error(c.line, f"case {c.id!r} lists the action {name!r} {count} times", c.id)
    if not c.actions:
        sink.error(c.line, f"case {c.id!r} has no actions to choose from", c.id)
    for key in c.fields:
        code = key.rule.code.upper()
        if key.field is RecordField.PSYCHOTHERAPY_NOTES and key.expect is Expect.SHARE \
                and "B6" not in code and "B4" not in code:
            sink.error(c.line, f"case {c.id!r} expects psychotherapy notes to be shared "
                       "without citing the rule that allows it (B6 authorization, or the B4 "
                       "serious-threat permission)", c.id)
        if key.field is RecordField.SUD_RECORDS and key.expect is Expect.SHARE \
                and "B7" not in code and "AJ2" not in code:
            sink.error(c.line, f"case {c.id!r} expects Part 2 records to be shared without "
                       "citing the consent rule (B7/AJ2)", c.id)
        if not key.why:
            sink.content(c.line, f"case {c.id!r}: the {key.field.value} field has no "
                         "explanation", c.id)
    if not c.sources:
        sink.content(c.line, f"case {c.id!r} names no sources", c.id)
    if strict and c.reviewed is None:
        sink.error(c.line, f"case {c.id!r} has no reviewed date", c.id)
    _check_review_dates(sink, c.id, c.line, c.reviewed, c.review_due)
    return sink.problems

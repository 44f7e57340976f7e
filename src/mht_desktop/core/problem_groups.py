"""Problems found in a file, grouped so the few that matter are not buried under the many.

A GIFT or Moodle export carries no rationale and no source, so its check finds "question 'q1'
has no rationale" once per question: hundreds of lines in which a real problem (a question
with no correct answer) is easy to miss. Grouping says the repeated note once, with a count
and the first few places, and lists errors and one-off warnings before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mht_desktop.core.errors import Problem, Severity

REPEATED = 3          # a note found this often is shown as one grouped line
SHOWN_PLACES = 3      # places named on a grouped line before "and N more"


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """One kind of problem and every place it was found.

    Attributes:
        severity: Error or warning.
        message: What is wrong; for a group, with the item's id left out
            ("question has no rationale").
        problems: Each finding, in file order.
    """

    severity: Severity
    message: str
    problems: tuple[Problem, ...]

    @property
    def count(self) -> int:
        """How many times it was found."""
        return len(self.problems)

    def places(self, shown: int = SHOWN_PLACES) -> str:
        """The first ``shown`` places ("q1 at line 3, q2 at line 5 and 6 more")."""
        names = [_place(p) for p in self.problems[:shown]]
        more = self.count - len(names)
        listed = ", ".join(n for n in names if n) or "no line known"
        return f"{listed} and {more} more" if more > 0 else listed

    def __str__(self) -> str:
        label = "error" if self.severity is Severity.ERROR else "warning"
        if self.count == 1:
            return str(self.problems[0])
        return f"{label} ×{self.count}: {self.message} ({self.places()})"


def _place(problem: Problem) -> str:
    if problem.item_id and problem.line is not None:
        return f"{problem.item_id} at line {problem.line}"
    if problem.line is not None:
        return f"line {problem.line}"
    return problem.item_id or ""


def _kind(problem: Problem) -> str:
    """The message without the item it names, so one kind of note groups together."""
    message = problem.message
    if problem.item_id:
        message = message.replace(repr(problem.item_id), "").replace(problem.item_id, "")
    return re.sub(r"\s+", " ", message).replace(" :", ":").strip()


def group_problems(problems: Iterable[Problem], *,
                   repeated: int = REPEATED) -> list[ProblemGroup]:
    """Errors first, then one-off warnings, then notes found ``repeated`` times or more.

    Within each part problems keep their file order; repeated notes come most frequent
    first. A kind found fewer than ``repeated`` times is listed problem by problem.
    """
    by_kind: dict[tuple[Severity, str], list[Problem]] = {}
    for problem in problems:
        by_kind.setdefault((problem.severity, _kind(problem)), []).append(problem)
    singles: list[ProblemGroup] = []
    grouped: list[ProblemGroup] = []
    for (severity, kind), found in by_kind.items():
        if len(found) >= repeated:
            grouped.append(ProblemGroup(severity, kind, tuple(found)))
        else:
            singles.extend(ProblemGroup(severity, p.message, (p,)) for p in found)

    def line(group: ProblemGroup) -> int:
        first = group.problems[0].line
        return first if first is not None else 0

    errors_first = {Severity.ERROR: 0, Severity.WARNING: 1}
    singles.sort(key=lambda g: (errors_first[g.severity], line(g)))
    grouped.sort(key=lambda g: (errors_first[g.severity], -g.count, line(g)))
    return ([g for g in singles if g.severity is Severity.ERROR]
            + [g for g in grouped if g.severity is Severity.ERROR]
            + [g for g in singles if g.severity is Severity.WARNING]
            + [g for g in grouped if g.severity is Severity.WARNING])

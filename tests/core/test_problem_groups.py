"""Grouping the problems of a checked file: real problems first, repeated notes once."""

from __future__ import annotations

from mht_desktop.core.errors import Problem, Severity
from mht_desktop.core.problem_groups import group_problems

W, E = Severity.WARNING, Severity.ERROR


def _note(n: int, what: str) -> Problem:
    return Problem("q.gift", 2 * n + 1, f"question 'q{n}' has no {what}", W, f"q{n}")


def test_repeated_notes_become_one_line_after_errors_and_one_off_warnings() -> None:
    problems = [p for n in range(1, 6) for p in (_note(n, "rationale"), _note(n, "source"))]
    problems.insert(4, Problem("q.gift", 30, "'essay': essay questions ({}) are not "
                               "supported; skipped", W))
    problems.append(Problem("q.gift", 40, "question 'q9' has no correct answer", E, "q9"))
    lines = [str(g) for g in group_problems(problems)]
    assert lines == [
        "q.gift:40: question 'q9' has no correct answer",
        "q.gift:30: warning: 'essay': essay questions ({}) are not supported; skipped",
        "warning ×5: question has no rationale (q1 at line 3, q2 at line 5, q3 at line 7 "
        "and 2 more)",
        "warning ×5: question has no source (q1 at line 3, q2 at line 5, q3 at line 7 "
        "and 2 more)",
    ]


def test_a_note_found_only_twice_stays_one_line_per_place() -> None:
    groups = group_problems([_note(1, "source"), _note(2, "source")])
    assert [str(g) for g in groups] == ["q.gift:3: warning: question 'q1' has no source",
                                        "q.gift:5: warning: question 'q2' has no source"]


def test_the_most_frequent_note_comes_first_and_counts_every_place() -> None:
    problems = [_note(n, "source") for n in range(1, 4)] + [
        _note(n, "rationale") for n in range(1, 8)]
    groups = group_problems(problems)
    assert [(g.message, g.count) for g in groups] == [("question has no rationale", 7),
                                                      ("question has no source", 3)]
    assert groups[1].places() == "q1 at line 3, q2 at line 5, q3 at line 7"

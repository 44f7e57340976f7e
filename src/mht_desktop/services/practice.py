"""Practice use cases: the catalogue, imports, drills, notes, disclosure, progress.

Why one service: the window and the command line need the same rules — a file is checked
whole before anything is stored, a drill's path is committed at every choice, a checked
note and a submitted case are each stored when they happen — and the same figures for
Progress. Methods return plain dataclasses and, when they change data, a ``Changes``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TypeVar

from mht_desktop.core.changes import Changes
from mht_desktop.core.clock import Clock
from mht_desktop.core.errors import NotFoundError, Problem
from mht_desktop.core.practice.disclosure import (
    Action,
    DisclosureCase,
    DisclosureResult,
    RecordField,
    score_disclosure,
)
from mht_desktop.core.practice.drills import (
    Debrief,
    DrillRun,
    Level,
    Node,
    Scenario,
    Step,
    debrief,
)
from mht_desktop.core.practice.note_checker import (
    Flag,
    NoteContext,
    NoteFormat,
    check_note,
)
from mht_desktop.core.practice.progress import (
    AttemptRecord,
    ExerciseKind,
    PracticeSummary,
    summarize,
)
from mht_desktop.core.practice.vignettes import Vignette
from mht_desktop.formats.practice_files import ParsedPractice, PracticeItem
from mht_desktop.services.practice_content import (
    PracticeFileError,
    PracticeReport,
    check_practice_text,
    is_practice_file,
    read_practice_path,
    shipped_items,
    shipped_lexicon,
    split_items,
)
from mht_desktop.services.resources import practice_dir
from mht_desktop.storage import practice as repo
from mht_desktop.storage.database import Database

# The file checks moved to practice_content; these names stay importable from here.
__all__ = ["Catalogue", "DrillState", "NoteCheck", "PracticeFileError", "PracticeReport",
           "PracticeService", "check_practice_text", "is_practice_file", "shipped_lexicon"]

T = TypeVar("T", Scenario, Vignette, DisclosureCase)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every exercise a learner can open: shipped ones first, then imported ones."""

    scenarios: tuple[Scenario, ...]
    vignettes: tuple[Vignette, ...]
    cases: tuple[DisclosureCase, ...]
    imported: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class DrillState:
    """Where a drill is: the node on screen, the path so far, and the debrief at the end.

    Attributes:
        attempt_id: The stored attempt.
        scenario: The scenario.
        node: The node to show now.
        steps: The choices made so far.
        last_feedback: Feedback on the choice just made (None at the start).
        debrief: The debrief, once the drill has ended.
    """

    attempt_id: int
    scenario: Scenario
    node: Node
    steps: tuple[Step, ...]
    last_feedback: str | None = None
    debrief: Debrief | None = None

    @property
    def level(self) -> Level:
        """The person's escalation level now."""
        return self.node.level


@dataclass(frozen=True, slots=True)
class NoteCheck:
    """A checked note: the flags, and the vignette's exemplar to compare with."""

    text: str
    format: NoteFormat
    flags: tuple[Flag, ...]
    vignette: Vignette | None

    @property
    def clean(self) -> bool:
        """Whether nothing was flagged."""
        return not self.flags


class PracticeService:
    """Practice for one learner (or, with ``profile_id`` None, file checks only).

    Args:
        db: The database.
        clock: The injected clock.
        profile_id: Whose attempts.
        zone: Local time zone for per-day figures.
    """

    def __init__(self, db: Database, clock: Clock, profile_id: int | None, *,
                 zone: tzinfo | None = None) -> None:
        self._db = db
        self._clock = clock
        self._profile_id = profile_id
        self._zone = zone

    @property
    def profile_id(self) -> int:
        """The learner (raises when the service was made for file checks only)."""
        if self._profile_id is None:
            raise RuntimeError("this practice service has no learner")
        return self._profile_id

    # -- files -----------------------------------------------------------------------------
    def validate_file(self, path: Path, *, strict: bool = False) -> PracticeReport:
        """Parse and check a practice file, including id clashes with stored items."""
        text, problem = read_practice_path(path)
        if text is None:
            assert problem is not None
            return PracticeReport(str(path), None, (), (problem,))
        parsed = check_practice_text(text, file=path.name, strict=strict)
        problems = list(parsed.problems)
        if parsed.kind is not None and not parsed.errors:
            problems += self._clashes(path, parsed)
        return PracticeReport(str(path), parsed.kind, tuple(parsed.items), tuple(problems))

    def _clashes(self, path: Path, parsed: ParsedPractice) -> list[Problem]:
        name = path.name
        catalogue = self.catalogue()
        if path.resolve().is_relative_to(practice_dir().resolve()):
            return []  # a file we ship, checked by itself (its ids are the shipped ones)
        with self._db.session() as s:
            owners = {i: f.name for f in repo.imported_files(s) for i in f.item_ids
                      if f.name != name}
        every: list[PracticeItem] = [*catalogue.scenarios, *catalogue.vignettes,
                                     *catalogue.cases]
        shipped = {i.id for i in every if i.id not in catalogue.imported}
        problems = []
        for item in parsed.items:
            if item.id in shipped:
                problems.append(Problem(name, item.line, f"id {item.id!r} is already used by "
                                        "an exercise that ships with MHT Desktop; choose "
                                        "another id", item_id=item.id))
            elif item.id in owners:
                problems.append(Problem(name, item.line, f"id {item.id!r} is already used by "
                                        f"the imported file {owners[item.id]}",
                                        item_id=item.id))
        return problems

    def import_file(self, path: Path) -> tuple[PracticeReport, Changes]:
        """Check a file and store it whole, or store nothing.

        Re-importing a file of the same name replaces the earlier import. Attempts on its
        items are kept.
        """
        report = self.validate_file(path)
        if not report.valid or report.kind is None:
            return report, Changes()
        text, _ = read_practice_path(path)
        assert text is not None
        with self._db.session() as s:
            replaced = repo.save_file(
                s, name=path.name, kind=report.kind.value, source_path=str(path.resolve()),
                content=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
                item_ids=[i.id for i in report.items], now=self._clock.now())
        done = PracticeReport(report.file, report.kind, report.items, report.problems,
                              imported=True, replaced=replaced)
        return done, Changes(practice=True)

    def remove_file(self, name: str) -> Changes:
        """Remove an imported practice file.

        Raises:
            NotFoundError: when no file of that name was imported.
        """
        with self._db.session() as s:
            repo.remove_file(s, name)
        return Changes(practice=True)

    def imported_files(self) -> list[repo.StoredPracticeFile]:
        """The imported practice files."""
        with self._db.session() as s:
            return repo.imported_files(s)

    # -- the catalogue -----------------------------------------------------------------------
    def catalogue(self) -> Catalogue:
        """Shipped and imported exercises."""
        scenarios, vignettes, cases = shipped_items(practice_dir())
        items: list[PracticeItem] = [*scenarios, *vignettes, *cases]
        imported: set[str] = set()
        with self._db.session() as s:
            files = repo.imported_files(s)
        for stored in files:
            parsed = check_practice_text(stored.content, file=stored.name)
            if parsed.errors:
                continue  # checked on import; a newer rule may refuse it, so skip, not fail
            imported.update(item.id for item in parsed.items)
            items.extend(parsed.items)
        scenarios, vignettes, cases = split_items(items)
        return Catalogue(scenarios, vignettes, cases, frozenset(imported))

    def scenario(self, scenario_id: str) -> Scenario:
        """A scenario by id.

        Raises:
            NotFoundError: when there is none.
        """
        return _find(self.catalogue().scenarios, scenario_id, "scenario")

    def vignette(self, vignette_id: str) -> Vignette:
        """A vignette by id."""
        return _find(self.catalogue().vignettes, vignette_id, "vignette")

    def case(self, case_id: str) -> DisclosureCase:
        """A disclosure case by id."""
        return _find(self.catalogue().cases, case_id, "disclosure case")

    # -- drills ------------------------------------------------------------------------------
    def start_drill(self, scenario_id: str) -> tuple[DrillState, Changes]:
        """Begin a drill; its attempt is stored at once and updated at every choice."""
        scenario = self.scenario(scenario_id)
        with self._db.session() as s:
            record = repo.add_attempt(s, self.profile_id, ExerciseKind.DRILL, scenario.id,
                                      started_at=self._clock.now(), detail={"path": []})
        return DrillState(record.id, scenario, scenario.node(scenario.start), ()), \
            Changes(practice=True)

    def choose(self, attempt_id: int, node_id: str, index: int, *,
               seconds: float | None = None, timed_out: bool = False,
               ) -> tuple[DrillState, Changes]:
        """Take choice ``index`` at ``node_id`` (the node the learner saw), and store it.

        Raises:
            NotFoundError: no such attempt for this learner.
            ValueError: the drill is over, or ``node_id`` is not the current node.
        """
        with self._db.session() as s:
            record = repo.get_attempt(s, self.profile_id, attempt_id)
        scenario = self.scenario(record.item_id)
        run = DrillRun(scenario, _steps(record))
        if run.finished:
            raise ValueError("the drill has ended")
        if run.current.id != node_id:
            raise ValueError(f"the drill is at {run.current.id!r}, not {node_id!r}")
        if timed_out:
            choice = run.time_out(seconds=seconds or 0.0)
        else:
            choice = run.choose(index, seconds=seconds)
        path = [[st.node_id, st.choice_index, st.seconds, st.timed_out] for st in run.steps]
        result = debrief(run) if run.finished else None
        with self._db.session() as s:
            if result is None:
                repo.update_attempt(s, attempt_id, detail={"path": path})
            else:
                poor = sum(line.chosen.rating.value == "poor" for line in result.lines)
                repo.update_attempt(
                    s, attempt_id, finished_at=self._clock.now(),
                    outcome=result.ending.kind.value, score=result.score, flags=poor,
                    detail={"path": path, "best_path": result.followed_best_path,
                            "ending_rating": result.ending.rating.value,
                            "hands_on_early": result.hands_on_early,
                            "called_help": result.called_help})
        state = DrillState(attempt_id, scenario, run.current, tuple(run.steps),
                           last_feedback=choice.feedback, debrief=result)
        return state, Changes(practice=True)

    # -- notes -------------------------------------------------------------------------------
    def check_note(self, text: str, fmt: NoteFormat, *, vignette_id: str | None = None,
                   ) -> tuple[NoteCheck, Changes]:
        """Check a note (against a vignette's quotes and timing when given) and store it."""
        vignette = self.vignette(vignette_id) if vignette_id else None
        context = vignette.context if vignette else NoteContext()
        flags = tuple(check_note(text, fmt, shipped_lexicon(), context))
        now = self._clock.now()
        by_rule = dict(Counter(f.rule.value for f in flags))
        with self._db.session() as s:
            repo.add_attempt(s, self.profile_id, ExerciseKind.NOTE, vignette_id or "",
                             started_at=now, finished_at=now,
                             outcome="flagged" if flags else "clean", flags=len(flags),
                             detail={"format": fmt.value, "by_rule": by_rule, "text": text})
        return NoteCheck(text, fmt, flags, vignette), Changes(practice=True)

    # -- disclosure --------------------------------------------------------------------------
    def submit_disclosure(self, case_id: str, shared: set[RecordField],
                          actions: set[Action]) -> tuple[DisclosureResult, Changes]:
        """Score a disclosure decision and store it."""
        result = score_disclosure(self.case(case_id), shared, actions)
        now = self._clock.now()
        wrong = sum(not v.correct for v in result.verdicts)
        with self._db.session() as s:
            repo.add_attempt(s, self.profile_id, ExerciseKind.DISCLOSURE, case_id,
                             started_at=now, finished_at=now,
                             outcome="perfect" if result.perfect else "errors",
                             score=result.score, flags=wrong,
                             detail={"shared": sorted(f.value for f in shared),
                                     "actions": sorted(a.value for a in actions),
                                     "errors_by_rule": result.errors_by_rule})
        return result, Changes(practice=True)

    # -- progress ----------------------------------------------------------------------------
    def summary(self, *, since: datetime | None = None,
                until: datetime | None = None) -> PracticeSummary:
        """Drills, notes and disclosure cases finished in [since, until)."""
        with self._db.session() as s:
            records = repo.attempts(s, self.profile_id, since=since, until=until)
        return summarize(records, self._zone or _local_zone())

    def history(self) -> list[AttemptRecord]:
        """Every finished attempt, newest first."""
        with self._db.session() as s:
            return list(reversed(repo.attempts(s, self.profile_id)))


def _local_zone() -> tzinfo:
    from mht_desktop.services.study import local_zone

    return local_zone()


def _steps(record: AttemptRecord) -> list[Step]:
    steps = []
    for raw in record.detail.get("path", []):
        node_id, index, seconds, timed_out = raw
        steps.append(Step(str(node_id), int(index), "", seconds, bool(timed_out)))
    return steps


def _find(items: tuple[T, ...], item_id: str, what: str) -> T:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFoundError(f"There is no {what} {item_id!r}.")

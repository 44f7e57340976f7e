"""Branching de-escalation drills: scenarios, a drill run, and the debrief.

A scenario is a small graph. Each node is a moment: what the person says and does, and how
escalated they are (the levels follow CPI's Crisis Development Model, brief C1, with the
assault cycle's recovery phase, C2). The technician picks one of 3–4 responses; each leads
to another node and carries feedback naming the technique or the mistake. End nodes say how
it ended. The best path is the chain of choices rated best, from the start to an ending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, IntEnum


class Level(IntEnum):
    """How escalated the person is (CPI C1, Kaplan C2), in meter order."""

    CALM = 0
    ANXIOUS = 1
    DEFENSIVE = 2
    ACTING_OUT = 3
    TENSION_REDUCTION = 4

    @property
    def label(self) -> str:
        """The name shown beside the meter (never colour alone)."""
        return _LEVEL_LABELS[self]

    @property
    def approach(self) -> str:
        """The staff approach the brief pairs with this level (C1)."""
        return _LEVEL_APPROACH[self]

    @classmethod
    def parse(cls, text: str) -> Level:
        """The level named ``text`` ("acting-out", "tension reduction"…).

        Raises:
            ValueError: when ``text`` names no level.
        """
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls[key.upper()]
        except KeyError:
            names = ", ".join(level.key for level in cls)
            raise ValueError(f"unknown escalation level {text!r} (use one of {names})") from None

    @property
    def dangerous(self) -> bool:
        """Whether the person's behaviour endangers someone now (the only time hands-on
        intervention can be right, and then only as a last resort — C6)."""
        return self is Level.ACTING_OUT

    @property
    def key(self) -> str:
        """The spelling used in scenario files."""
        return self.name.lower().replace("_", "-")


_LEVEL_LABELS = {Level.CALM: "Calm", Level.ANXIOUS: "Anxious", Level.DEFENSIVE: "Defensive",
                 Level.ACTING_OUT: "Acting out", Level.TENSION_REDUCTION: "Tension reduction"}
_LEVEL_APPROACH = {
    Level.CALM: "Stay engaged and keep the routine predictable.",
    Level.ANXIOUS: "Supportive: listen with empathy and without judgement.",
    Level.DEFENSIVE: "Directive: clear, simple directions and limits.",
    Level.ACTING_OUT: "Safety first: get the team; physical intervention only as a last resort.",
    Level.TENSION_REDUCTION: "Therapeutic rapport: rebuild communication; debrief later.",
}


class Rating(Enum):
    """How good a choice (or an ending) is."""

    BEST = "best"
    OK = "ok"
    POOR = "poor"


class EndingKind(Enum):
    """How a drill can end."""

    RESOLVED = "resolved"
    TEAM_CALLED = "team-called"
    RESTRAINT = "restraint"
    HARM = "harm"

    @property
    def label(self) -> str:
        """For the debrief and progress."""
        return {EndingKind.RESOLVED: "Resolved by talking",
                EndingKind.TEAM_CALLED: "Team called, handled together",
                EndingKind.RESTRAINT: "Restraint as a last resort",
                EndingKind.HARM: "Someone was hurt or the crisis grew"}[self]


class Setting(Enum):
    """Where a scenario happens (the settings the drills must cover)."""

    ADULT_INPATIENT = "adult-inpatient"
    ADOLESCENT_UNIT = "adolescent-unit"
    EMERGENCY_DEPARTMENT = "emergency-department"
    RESIDENTIAL = "residential"
    DEMENTIA_DELIRIUM = "dementia-delirium"
    WITHDRAWAL = "withdrawal"
    AUTISM_SENSORY = "autism-sensory"

    @property
    def label(self) -> str:
        """For lists."""
        return {Setting.ADULT_INPATIENT: "Adult inpatient unit",
                Setting.ADOLESCENT_UNIT: "Adolescent unit",
                Setting.EMERGENCY_DEPARTMENT: "Emergency department",
                Setting.RESIDENTIAL: "Residential program",
                Setting.DEMENTIA_DELIRIUM: "Dementia or delirium",
                Setting.WITHDRAWAL: "Withdrawal",
                Setting.AUTISM_SENSORY: "Autism, sensory overload"}[self]


@dataclass(frozen=True, slots=True)
class Choice:
    """One thing the technician could say or do.

    Attributes:
        text: What the technician says or does.
        goto: The node it leads to.
        rating: Best, acceptable or poor.
        technique: The technique or mistake it shows ("Reflect feelings", "Power struggle").
        feedback: Why, in a sentence or two.
        source: The brief's rule (e.g. "C3; BETA domain 5").
        hands_on: The choice puts hands on the person (a hold, an escort, a restraint).
        calls_help: The choice calls the nurse or the team.
        line: Where it is in its file (for messages).
    """

    text: str
    goto: str
    rating: Rating
    technique: str
    feedback: str
    source: str
    hands_on: bool = False
    calls_help: bool = False
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Ending:
    """How the drill ended at an end node.

    Attributes:
        kind: Resolved, team called, restraint or harm.
        rating: How good an outcome it is.
        summary: What happened and why.
        requirements: For a restraint ending, what the rules then require (C6).
    """

    kind: EndingKind
    rating: Rating
    summary: str
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    """A moment in the scenario."""

    id: str
    level: Level
    says: str
    does: str
    choices: tuple[Choice, ...] = ()
    ending: Ending | None = None
    line: int | None = None

    @property
    def is_end(self) -> bool:
        """Whether the drill stops here."""
        return self.ending is not None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A branching de-escalation drill.

    Attributes:
        id: Unique id (lowercase, digits, '-', '_', '.').
        title: Short title.
        setting: Where it happens.
        person: A short, respectful description of the person.
        situation: What the technician walks into.
        call_for_help: When to call for help in this scenario (always on screen).
        start: The first node's id.
        nodes: Every node, in file order.
        sources: The brief's sections this scenario rests on.
        reviewed: When its content was last checked.
        review_due: When its content is next due to be checked (the bank format's
            ``review_due``; content past it is flagged by the currency report).
        file: The file it came from.
        line: Where its table starts.
    """

    id: str
    title: str
    setting: Setting
    person: str
    situation: str
    call_for_help: str
    start: str
    nodes: tuple[Node, ...]
    sources: tuple[str, ...] = ()
    reviewed: date | None = None
    review_due: date | None = None
    file: str = ""
    line: int | None = None
    _by_id: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({n.id: n for n in self.nodes})

    def node(self, node_id: str) -> Node:
        """The node with ``node_id``.

        Raises:
            KeyError: when there is none.
        """
        return self._by_id[node_id]

    def has_node(self, node_id: str) -> bool:
        """Whether ``node_id`` is a node of this scenario."""
        return node_id in self._by_id

    @property
    def endings(self) -> list[Node]:
        """The end nodes."""
        return [n for n in self.nodes if n.is_end]


@dataclass(frozen=True, slots=True)
class Step:
    """One choice made in a run: where, what, and where it led."""

    node_id: str
    choice_index: int
    next_id: str
    seconds: float | None = None
    timed_out: bool = False


def best_choice(node: Node) -> int | None:
    """Index of the first choice rated best at ``node`` (None at an end node)."""
    for i, choice in enumerate(node.choices):
        if choice.rating is Rating.BEST:
            return i
    return None


def best_path(scenario: Scenario, *, limit: int = 100) -> list[Step]:
    """The chain of best choices from the start to an ending.

    Raises:
        ValueError: when the best choices loop or stop at a node without a best choice.
    """
    steps: list[Step] = []
    node = scenario.node(scenario.start)
    while not node.is_end:
        index = best_choice(node)
        if index is None:
            raise ValueError(f"node {node.id!r} has no choice rated best")
        target = node.choices[index].goto
        steps.append(Step(node.id, index, target))
        if len(steps) > limit:
            raise ValueError("the best choices go round in a loop")
        node = scenario.node(target)
    return steps


class DrillRun:
    """One play of a scenario: the current node and the path taken (pure, no clock).

    The caller passes how long each answer took, so the timer option lives in the view and
    a test can play a drill without waiting.
    """

    def __init__(self, scenario: Scenario, steps: Sequence[Step] = ()) -> None:
        self.scenario = scenario
        self.steps: list[Step] = []
        self.current = scenario.node(scenario.start)
        for step in steps:  # replay a stored path
            self.choose(step.choice_index, seconds=step.seconds, timed_out=step.timed_out)

    @property
    def finished(self) -> bool:
        """Whether the run reached an ending."""
        return self.current.is_end

    @property
    def ending(self) -> Ending | None:
        """The ending reached, once finished."""
        return self.current.ending

    def choose(self, index: int, *, seconds: float | None = None,
               timed_out: bool = False) -> Choice:
        """Take choice ``index`` (0-based) at the current node.

        Raises:
            ValueError: the run is over or there is no such choice.
        """
        if self.finished:
            raise ValueError("the drill has ended")
        if not 0 <= index < len(self.current.choices):
            raise ValueError(f"choose 1 to {len(self.current.choices)}")
        choice = self.current.choices[index]
        self.steps.append(Step(self.current.id, index, choice.goto, seconds, timed_out))
        self.current = self.scenario.node(choice.goto)
        return choice

    def time_out(self, *, seconds: float) -> Choice:
        """No answer in time: on the unit, hesitating is itself a choice.

        The poorest-rated choice at the node is taken for the learner, and the step is
        marked as timed out so the debrief can say so.
        """
        order = {Rating.POOR: 0, Rating.OK: 1, Rating.BEST: 2}
        index = min(range(len(self.current.choices)),
                    key=lambda i: order[self.current.choices[i].rating])
        return self.choose(index, seconds=seconds, timed_out=True)


@dataclass(frozen=True, slots=True)
class DebriefLine:
    """One step of the debrief: what was chosen there, and the best choice at that node."""

    node: Node
    chosen: Choice
    best: Choice | None
    timed_out: bool

    @property
    def was_best(self) -> bool:
        """Whether the learner's choice was rated best."""
        return self.chosen.rating is Rating.BEST


@dataclass(frozen=True, slots=True)
class Debrief:
    """The replay of a finished run against the best path."""

    scenario: Scenario
    lines: tuple[DebriefLine, ...]
    ending: Ending
    best: tuple[DebriefLine, ...]
    levels: tuple[Level, ...]

    @property
    def score(self) -> float:
        """Share of the learner's choices that were rated best (0..1)."""
        if not self.lines:
            return 1.0
        return sum(line.was_best for line in self.lines) / len(self.lines)

    @property
    def followed_best_path(self) -> bool:
        """Whether every choice was the best one."""
        return all(line.was_best for line in self.lines)

    @property
    def hands_on_early(self) -> bool:
        """Whether the learner went hands-on before the person was acting out."""
        return any(line.chosen.hands_on and not line.node.level.dangerous
                   for line in self.lines)

    @property
    def called_help(self) -> bool:
        """Whether the learner called the nurse or the team at any point."""
        return any(line.chosen.calls_help for line in self.lines)


def debrief(run: DrillRun) -> Debrief:
    """The debrief of a finished run.

    Raises:
        ValueError: when the run has not ended.
    """
    if run.ending is None:
        raise ValueError("the drill has not ended yet")
    scenario = run.scenario

    def line_for(step: Step) -> DebriefLine:
        node = scenario.node(step.node_id)
        index = best_choice(node)
        return DebriefLine(node, node.choices[step.choice_index],
                           None if index is None else node.choices[index], step.timed_out)

    lines = tuple(line_for(s) for s in run.steps)
    best = tuple(line_for(s) for s in best_path(scenario))
    levels = (scenario.node(scenario.start).level,
              *(scenario.node(s.next_id).level for s in run.steps))
    return Debrief(scenario, lines, run.ending, best, levels)

"""The minimum-necessary disclosure trainer: cases, the learner's decision, and its score.

Someone asks for information about a patient. The learner sees a mock record, chooses which
fields (if any) to share and what to do (verify who is asking, check for an authorization or
consent, pass the request to the nurse or the privacy officer), and is scored field by field
against the rule that decides it: minimum necessary (B3) and its exceptions, the permitted
disclosures (B4), psychotherapy notes (B6), Part 2 consent (B7 as corrected by AJ2), or the
facility's policy. Each rule names whose rule it is (federal law, state law, facility policy).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import Enum


class RecordField(Enum):
    """The parts of the mock record a learner may share."""

    PRESENCE = "presence"
    DEMOGRAPHICS = "demographics"
    CONTACT = "contact"
    DIAGNOSES = "diagnoses"
    MEDICATIONS = "medications"
    RECENT_NOTES = "recent-notes"
    PSYCHOTHERAPY_NOTES = "psychotherapy-notes"
    SUD_RECORDS = "sud-records"

    @property
    def label(self) -> str:
        """For the record view."""
        return {RecordField.PRESENCE: "That the patient is here",
                RecordField.DEMOGRAPHICS: "Demographics",
                RecordField.CONTACT: "Contact details",
                RecordField.DIAGNOSES: "Diagnoses",
                RecordField.MEDICATIONS: "Medications",
                RecordField.RECENT_NOTES: "Recent notes",
                RecordField.PSYCHOTHERAPY_NOTES: "Psychotherapy notes",
                RecordField.SUD_RECORDS: "SUD program records (Part 2)"}[self]


class Action(Enum):
    """What the learner may do besides sharing."""

    VERIFY_IDENTITY = "verify-identity"
    CHECK_AUTHORIZATION = "check-authorization"
    REFER_NURSE = "refer-nurse"
    REFER_PRIVACY_OFFICER = "refer-privacy-officer"
    TAKE_MESSAGE = "take-message"

    @property
    def label(self) -> str:
        """For the action checkboxes."""
        return {Action.VERIFY_IDENTITY: "Verify who is asking",
                Action.CHECK_AUTHORIZATION: "Check for a signed authorization or consent",
                Action.REFER_NURSE: "Pass the request to the charge nurse",
                Action.REFER_PRIVACY_OFFICER: "Refer to the supervisor or privacy officer",
                Action.TAKE_MESSAGE: "Take a message (share nothing yet)"}[self]


class Requester(Enum):
    """Who is asking (the kinds the trainer covers)."""

    FAMILY = "family"
    OUTPATIENT_THERAPIST = "outpatient-therapist"
    POLICE = "police"
    SCHOOL = "school"
    INSURER = "insurer"
    COLLEAGUE = "colleague"
    LAWYER = "lawyer"
    TREATING_PROVIDER = "treating-provider"
    PUBLIC_HEALTH = "public-health"
    PATIENT = "patient"
    MEDIA = "media"

    @property
    def label(self) -> str:
        """For lists."""
        return self.value.replace("-", " ").capitalize()


class Authority(Enum):
    """Whose rule decides (the brief asks every item to say so)."""

    FEDERAL = "federal law"
    STATE = "state law"
    FACILITY = "facility policy"


class Expect(Enum):
    """What the right decision on one field or action is."""

    SHARE = "share"
    WITHHOLD = "withhold"
    EITHER = "either"
    DO = "do"
    AVOID = "avoid"


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule a decision is scored against: "B3", "B4", "B6", "B7/AJ2", "policy"…"""

    code: str
    authority: Authority


@dataclass(frozen=True, slots=True)
class FieldKey:
    """The right call on one record field, with the reason."""

    field: RecordField
    content: str
    expect: Expect
    why: str
    rule: RuleRef


@dataclass(frozen=True, slots=True)
class ActionKey:
    """The right call on one action, with the reason."""

    action: Action
    expect: Expect
    why: str
    rule: RuleRef


@dataclass(frozen=True, slots=True)
class DisclosureCase:
    """One request for information.

    Attributes:
        id: Unique id.
        title: Short title.
        requester: Who is asking.
        request: What they say (the words the learner hears or reads).
        context: What the learner knows (consents on file, the patient's wishes…).
        fields: The mock record, each field with its right call.
        actions: The right call on each action.
        debrief: The whole answer in a paragraph.
        sources: The brief's sections.
        reviewed: When it was last checked.
        review_due: When its content is next due to be checked (the bank format's
            ``review_due``; content past it is flagged by the currency report).
    """

    id: str
    title: str
    requester: Requester
    request: str
    context: str
    fields: tuple[FieldKey, ...]
    actions: tuple[ActionKey, ...]
    debrief: str
    sources: tuple[str, ...] = ()
    reviewed: date | None = None
    review_due: date | None = None
    file: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """How one decision was judged."""

    what: str
    chosen: bool
    expect: Expect
    correct: bool
    why: str
    rule: RuleRef


@dataclass(frozen=True, slots=True)
class DisclosureResult:
    """The score of a decision, with feedback per field and per action."""

    case: DisclosureCase
    fields: tuple[Verdict, ...]
    actions: tuple[Verdict, ...]

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Fields then actions."""
        return self.fields + self.actions

    @property
    def score(self) -> float:
        """Share of decisions that were right (0..1)."""
        return sum(v.correct for v in self.verdicts) / max(1, len(self.verdicts))

    @property
    def errors_by_rule(self) -> dict[str, int]:
        """Wrong decisions counted by the rule they break."""
        return dict(Counter(v.rule.code for v in self.verdicts if not v.correct))

    @property
    def perfect(self) -> bool:
        """Whether every decision was right."""
        return all(v.correct for v in self.verdicts)


def _judge(chosen: bool, expect: Expect) -> bool:
    if expect in (Expect.EITHER,):
        return True
    return chosen == (expect in (Expect.SHARE, Expect.DO))


def score_disclosure(case: DisclosureCase, shared: set[RecordField],
                     actions: set[Action]) -> DisclosureResult:
    """Judge the learner's choice of fields to share and actions to take."""
    fields = tuple(Verdict(k.field.label, k.field in shared, k.expect,
                           _judge(k.field in shared, k.expect), k.why, k.rule)
                   for k in case.fields)
    acts = tuple(Verdict(k.action.label, k.action in actions, k.expect,
                         _judge(k.action in actions, k.expect), k.why, k.rule)
                 for k in case.actions)
    return DisclosureResult(case, fields, acts)


def best_answer(case: DisclosureCase) -> tuple[set[RecordField], set[Action]]:
    """The fields and actions of a perfect answer ("either" left out)."""
    return ({k.field for k in case.fields if k.expect is Expect.SHARE},
            {k.action for k in case.actions if k.expect is Expect.DO})

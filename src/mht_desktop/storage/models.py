"""The schema, as typed SQLAlchemy 2 models.

Engine-neutral on purpose: no SQLite-only types, named constraints (so Alembic batch mode can
alter them on SQLite), JSON columns through SQLAlchemy's generic ``JSON`` type, and UTC
datetimes stored naive and handed back aware (on SQLite written by a quicker function, the
same text). The same models are meant to run on PostgreSQL for a training program that
shares one server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class _SQLiteDateTimeText(SQLITE_DATETIME):
    """SQLite's DATETIME text (``2026-11-01 15:00:00.000000``), written by ``isoformat``.

    The same text as SQLAlchemy's own SQLite ``DATETIME`` writes (its default storage format;
    tests/storage/test_utc_datetime.py compares the two), in about a third of the time: its
    processor fills a %-format from a dict of seven attributes, about 3.8 µs a value on our
    machine against 0.3 µs, and the study loop binds six or seven datetimes per card. Reading
    stays SQLAlchemy's (its C parser).
    """

    def bind_processor(self, dialect: Dialect) -> Any:
        def process(value: datetime | None) -> str | None:
            # Only UTCDateTime feeds this, with a naive datetime (never a bare date).
            return None if value is None else value.isoformat(" ", "microseconds")

        return process


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes as naive UTC; returns them aware again."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            # SQLAlchemy's SQLite DATETIME.__init__ has no annotations.
            return dialect.type_descriptor(_SQLiteDateTimeText())  # type: ignore[no-untyped-call]
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with our constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class ProfileRow(Base):
    """A learner sharing this computer; all progress hangs off one."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Server mode only (empty on a learner's own file): the database role that owns the
    # profile, the cohort its instructors see, and whether it is an instructor's own.
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True, nullable=True)
    cohort: Mapped[str | None] = mapped_column(String(80), nullable=True)
    is_instructor: Mapped[bool] = mapped_column(Boolean, default=False,
                                                server_default=false())


class BankRow(Base):
    """An imported bank. Items keep their history across re-imports by (bank, item id)."""

    __tablename__ = "banks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40), default="1")
    author: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    license: Mapped[str] = mapped_column(String(80), default="")
    source_path: Mapped[str] = mapped_column(Text, default="")
    source_format: Mapped[str] = mapped_column(String(20), default="native")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    blueprint: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class TopicRow(Base):
    """A topic declared by a bank. The same topic id in two banks counts as one topic."""

    __tablename__ = "topics"
    bank_id: Mapped[str] = mapped_column(
        ForeignKey("banks.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class QuestionRow(Base):
    """A question; choices are a JSON list of {text, correct, feedback, fixed, weight}."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("bank_id", "item_id"),
        Index("ix_questions_bank_topic", "bank_id", "topic_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    qtype: Mapped[str] = mapped_column(String(16))
    topic_id: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    title: Mapped[str] = mapped_column(String(200), default="")
    stem: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[Any]] = mapped_column(JSON)
    rationale: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    jurisdiction: Mapped[list[Any]] = mapped_column(JSON, default=list)
    setting: Mapped[list[Any]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class FlashcardRow(Base):
    """A front/back card from a bank."""

    __tablename__ = "flashcards"
    __table_args__ = (
        UniqueConstraint("bank_id", "item_id"),
        Index("ix_flashcards_bank_topic", "bank_id", "topic_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    topic_id: Mapped[str] = mapped_column(String(64))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class CardRow(Base):
    """One learner's scheduling state for one flashcard (created on first study)."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("profile_id", "flashcard_id"),
        Index("ix_cards_profile_due", "profile_id", "state", "due"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    flashcard_id: Mapped[int] = mapped_column(ForeignKey("flashcards.id", ondelete="CASCADE"))
    state: Mapped[int] = mapped_column(Integer, default=0)  # core.cards.CardState
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    flag: Mapped[int] = mapped_column(Integer, default=0)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)


class ReviewLogRow(Base):
    """One answered card: what was pressed, when, how long it took, and what it replaced."""

    __tablename__ = "review_logs"
    # Duration is in the index so per-day review counts and study time read the index alone
    # (migration 0002 explains the measurements).
    # uid is unique where it is set; a learner's own answers have none, and leaving them out
    # of the index saves a page per answer's commit (migration 0008).
    __table_args__ = (Index("ix_review_logs_profile_time_duration", "profile_id", "reviewed_at",
                            "duration_ms"),
                      Index("ix_review_logs_uid", "uid", unique=True,
                            sqlite_where=text("uid IS NOT NULL"),
                            postgresql_where=text("uid IS NOT NULL")))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    state_before: Mapped[int] = mapped_column(Integer)
    interval_days: Mapped[float] = mapped_column(Float, default=0.0)
    # The card's state before this review, so undo restores it exactly.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Made where the answer was given: the server stores an answer sent twice only once.
    uid: Mapped[str | None] = mapped_column(String(32), nullable=True)


class QuizAttemptRow(Base):
    """A quiz or exam sitting; answers are committed one by one as attempt items."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_profile_started", "profile_id", "started_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    time_limit_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0)
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # Made where an attempt started offline was built: the server stores it once however
    # often the outbox sends it (NULL for attempts started on the database itself).
    uid: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)


class AttemptItemRow(Base):
    """One question in an attempt, with the learner's answer once given."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    choice_order: Mapped[list[Any]] = mapped_column(JSON)
    selected: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    struck: Mapped[list[Any]] = mapped_column(JSON, default=list)
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Indexed: the class view counts answers in the last 7 days (migration 0007).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                         index=True)
    time_spent_s: Mapped[float] = mapped_column(Float, default=0.0)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    answer_uid: Mapped[str | None] = mapped_column(String(32), nullable=True)


class LatestAnswerRow(Base):
    """A learner's newest scored answer to a question, kept by triggers (migration 0007).

    What the class view scores trainees on, without sorting a year of answers at each refresh.
    Never written by the app: the triggers on ``attempt_items`` keep it for every writer.
    """

    __tablename__ = "latest_answers"
    # A trainee's last answer is their newest latest answer: one index probe (class view).
    __table_args__ = (Index("ix_latest_answers_profile_answered", "profile_id", "answered_at"),)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(Integer, index=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    correct: Mapped[bool] = mapped_column(Boolean)


class QuestionFlagRow(Base):
    """A learner flagged a question to come back to it."""

    __tablename__ = "question_flags"
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReadingRow(Base):
    """Where a learner is in a guide chapter, and whether it has been read."""

    __tablename__ = "reading_progress"
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True)
    chapter_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    position: Mapped[float] = mapped_column(Float, default=0.0)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BookmarkRow(Base):
    """A bookmarked guide section with an optional personal note."""

    __tablename__ = "bookmarks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[str] = mapped_column(String(120))
    anchor: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeFileRow(Base):
    """An instructor's practice file (scenarios, vignettes or cases), stored as written.

    The text is kept rather than its parsed items so that one reader serves shipped and
    imported files alike; the item ids are kept beside it to refuse clashes on import.
    """

    __tablename__ = "practice_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_path: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    item_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeAttemptRow(Base):
    """One drill, note or disclosure case worked by a learner.

    A drill's row is written when it starts and updated at every choice, so a path is never
    lost; notes and cases are written whole when checked or submitted.
    """

    __tablename__ = "practice_attempts"
    __table_args__ = (Index("ix_practice_attempts_profile_finished", "profile_id",
                            "finished_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str] = mapped_column(String(32), default="")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    flags: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

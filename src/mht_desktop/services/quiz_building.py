"""Building a quiz: the shipped blueprint, and which questions a new attempt asks.

Kept apart from :mod:`mht_desktop.services.quiz` (storing and scoring attempts) because the
choice of questions is the part instructors ask about: how an exam follows its blueprint and
how a smart quiz weighs weak topics.
"""

from __future__ import annotations

import random
import tomllib
from datetime import datetime
from typing import TYPE_CHECKING

from mht_desktop.core.blueprints import blueprint_from_dict
from mht_desktop.core.quiz import (
    Blueprint,
    Pool,
    QuestionHistory,
    QuizMode,
    sample_by_blueprint,
    smart_weight,
    weighted_sample,
)
from mht_desktop.services.quiz_types import QuizConfig
from mht_desktop.services.resources import resources_dir
from mht_desktop.storage import quizzes as repo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def default_blueprint() -> Blueprint:
    """The shipped blueprint (resources/blueprints/default.toml)."""
    path = resources_dir() / "blueprints" / "default.toml"
    with path.open("rb") as handle:
        return blueprint_from_dict(tomllib.load(handle), where=str(path))


def choose_questions(s: Session, profile_id: int, config: QuizConfig,
                     pool: list[repo.PoolEntry], rng: random.Random, now: datetime,
                     blueprint: Blueprint) -> list[int]:
    """The question ids of a new attempt, in the order they will be asked.

    Missed-question review asks every missed question (or ``config.count`` of them); an
    exam samples by the blueprint's domain weights; a smart quiz favours questions the
    learner is weak on or has not seen; any other quiz samples evenly.
    """
    if config.mode is QuizMode.MISSED:
        ids = [e.question_id for e in pool]
        rng.shuffle(ids)
        return ids[: config.count] if config.count else ids
    count = min(config.count, len(pool))
    if config.mode is QuizMode.EXAM:
        by_topic: dict[str, list[int]] = {}
        for entry in pool:
            by_topic.setdefault(entry.topic, []).append(entry.question_id)
        covered = {t for d in blueprint.domains for t in d.topics}
        if not covered & by_topic.keys():
            return rng.sample([e.question_id for e in pool], count)
        blueprint_pool = {t: q for t, q in by_topic.items() if t in covered}
        available = sum(len(q) for q in blueprint_pool.values())
        return sample_by_blueprint(blueprint, blueprint_pool, min(count, available), rng)
    if config.mode is QuizMode.SMART:
        ids = [e.question_id for e in pool]
        histories = repo.question_histories(s, profile_id, ids, now)
        accuracy = repo.topic_accuracy(s, profile_id)
        weights = [smart_weight(histories.get(e.question_id)
                                or QuestionHistory(e.question_id, e.topic),
                                accuracy.get(e.topic, 0.5)) for e in pool]
        return weighted_sample(ids, weights, count, rng)
    return rng.sample([e.question_id for e in pool], count)


def empty_pool_message(config: QuizConfig) -> str:
    """Why no question matched ``config``, and what the learner can do about it."""
    if config.mode is QuizMode.MISSED or config.pool is Pool.MISSED:
        return "You have no missed questions to review. Take a quiz first."
    if config.pool is Pool.FLAGGED:
        return "You have not flagged any questions yet."
    if config.pool is Pool.UNSEEN:
        return "You have already seen every question that matches. Choose \"All questions\"."
    return "No questions match those choices. Import or enable a question bank first."

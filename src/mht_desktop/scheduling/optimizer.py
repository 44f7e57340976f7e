"""Fitting FSRS parameters to one learner's review history (what Anki calls "Optimize").

The fitting is done by ``fsrs-rs-python``, the Python binding of the Rust FSRS optimizer that
Anki itself uses: no deep-learning framework, a few seconds for a year of reviews. It fits
FSRS-6's 21 parameters, the same model (same count, order and defaults) as the ``fsrs``
package we schedule with (through ``fsrs_adapter``), so its output is used as is;
:func:`check_parameters` refuses anything else rather than guess a conversion.

Both parameter sets are scored on the same history with the optimizer's own ``evaluate``:
log-loss (how surprised the model is by each pass/fail, lower is better) and RMSE over bins
of predicted recall (calibration). The fitted set is offered only when it is better on both.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import fsrs_rs_python

# The scheduler itself is reached only through the adapter (one place calls ``fsrs``).
from mht_desktop.scheduling.fsrs_adapter import accepts_parameters, default_parameters

# Anki offers "Optimize" from about 400 reviews; below that the fitted parameters follow
# noise rather than the learner's memory. Counted as answers after the first of each card on
# a later day (the only ones that carry information about forgetting).
MIN_REVIEWS = 400
DEFAULT_PARAMETERS: tuple[float, ...] = default_parameters()


class OptimizerError(ValueError):
    """The history cannot be fitted (too few reviews, unusable parameters)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: which card, on which study day, which button (1 Again … 4 Easy)."""

    card_id: int
    day: date
    rating: int


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How well a parameter set predicts the history: lower is better for both."""

    log_loss: float
    rmse_bins: float

    def better_than(self, other: Evaluation) -> bool:
        """True when this beats ``other`` on both measures."""
        return self.log_loss < other.log_loss and self.rmse_bins < other.rmse_bins


@dataclass(frozen=True, slots=True)
class Fit:
    """The optimizer's result beside the defaults, on the same history."""

    parameters: tuple[float, ...]
    fitted: Evaluation
    defaults: Evaluation
    reviews: int  # answers that count towards MIN_REVIEWS
    cards: int
    seconds: float

    @property
    def improves(self) -> bool:
        """Whether the fitted parameters beat the defaults (the only case we apply them)."""
        return self.fitted.better_than(self.defaults)


def check_parameters(parameters: Sequence[float]) -> tuple[float, ...]:
    """The parameters as a tuple the ``fsrs`` scheduler accepts, or OptimizerError."""
    values = tuple(float(w) for w in parameters)
    if len(values) != len(DEFAULT_PARAMETERS):
        raise OptimizerError(f"expected {len(DEFAULT_PARAMETERS)} FSRS parameters, got "
                             f"{len(values)}")
    refused = accepts_parameters(values)
    if refused is not None:
        raise OptimizerError(f"the fitted parameters are out of range ({refused})")
    return values


def training_items(answers: Iterable[Answer]) -> tuple[list[fsrs_rs_python.FSRSItem], list[int]]:
    """FSRS training items: one per answer on a later day than the card's previous one.

    Each item is the card's answers up to that one, with the days between them; several
    answers on one day (learning steps) count as same-day (``delta_t`` 0), as in Anki.
    """
    by_card: dict[int, list[Answer]] = {}
    for answer in answers:
        by_card.setdefault(answer.card_id, []).append(answer)
    items: list[fsrs_rs_python.FSRSItem] = []
    card_ids: list[int] = []
    for card_id, history in by_card.items():
        history.sort(key=lambda a: a.day)
        reviews: list[fsrs_rs_python.FSRSReview] = []
        previous: date | None = None
        for answer in history:
            delta = 0 if previous is None else (answer.day - previous).days
            previous = answer.day
            reviews.append(fsrs_rs_python.FSRSReview(answer.rating, delta))
            if delta > 0:
                items.append(fsrs_rs_python.FSRSItem(list(reviews)))
                card_ids.append(card_id)
    return items, card_ids


def evaluate(parameters: Sequence[float],
             items: Sequence[fsrs_rs_python.FSRSItem]) -> Evaluation:
    """Log-loss and RMSE (bins) of ``parameters`` on ``items``."""
    result = fsrs_rs_python.FSRS(list(parameters)).evaluate(list(items))
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def fit(answers: Iterable[Answer], *, minimum: int = MIN_REVIEWS) -> Fit:
    """Fit FSRS to a learner's answers and score the fit against the defaults.

    Raises:
        OptimizerError: fewer than ``minimum`` usable reviews, or unusable parameters.
    """
    started = time.perf_counter()
    items, card_ids = training_items(answers)
    if len(items) < minimum:
        raise OptimizerError(f"{len(items)} usable reviews; optimizing needs at least "
                             f"{minimum}")
    fitted = check_parameters(fsrs_rs_python.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        items, card_ids=card_ids))
    return Fit(fitted, evaluate(fitted, items), evaluate(DEFAULT_PARAMETERS, items),
               len(items), len(set(card_ids)), time.perf_counter() - started)

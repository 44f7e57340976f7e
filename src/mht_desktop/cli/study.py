"""``mht-desktop study optimize``: fit FSRS to a learner's history from the command line.

Prints the fitted parameters' log-loss and RMSE beside the defaults' on the same history and
the learner's true retention; ``--apply`` stores the fit, and only when it beats the defaults.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext


def add_parsers(commands: Any) -> None:
    """Register ``study`` on the top-level subparsers."""
    study = commands.add_parser("study", help="the learner's memory model (FSRS)")
    actions = study.add_subparsers(dest="action", metavar="ACTION", required=True)
    optimize = actions.add_parser(
        "optimize", help="fit FSRS to a learner's reviews and compare with the defaults",
        description="Fit FSRS parameters to the learner's own review history and print "
                    "log-loss and RMSE against the defaults on the same history. With "
                    "--apply, schedule with them from now on if they are better.")
    optimize.add_argument("--profile", metavar="NAME", required=True)
    optimize.add_argument("--apply", action="store_true",
                          help="use the fitted parameters if they beat the defaults")
    optimize.add_argument("--reset", action="store_true",
                          help="go back to FSRS's default parameters")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def study_optimize(args: argparse.Namespace, ctx: AppContext) -> int:
    """Run the optimizer for one learner and print the comparison."""
    from mht_desktop.services.banks import drain

    profile = ctx.profiles.by_name(args.profile)
    model = ctx.memory_model(profile.id)
    if args.reset:
        model.reset()
        print(f"{profile.name} now uses FSRS's default parameters.")
        return 0
    retention = model.retention()
    print(f"Desired retention: {retention.desired:.0%}. True retention (mature reviews, "
          "interval of 21 days or more):")
    for period in retention.periods:
        print(f"  last {period.days:>3} days: {_percent(period.rate)} "
              f"({period.passed}/{period.total})")
    report = drain(model.optimize())
    fit = report.fit
    if fit is None:
        print(report.message)
        return 0
    print(f"Fitted on {fit.reviews:,} reviews of {fit.cards:,} cards in {fit.seconds:.1f} s.")
    print(f"{'':10}{'log-loss':>10}{'RMSE':>10}")
    print(f"{'defaults':10}{fit.defaults.log_loss:>10.4f}{fit.defaults.rmse_bins:>10.4f}")
    print(f"{'fitted':10}{fit.fitted.log_loss:>10.4f}{fit.fitted.rmse_bins:>10.4f}")
    print("parameters: " + ", ".join(f"{w:.4f}" for w in fit.parameters))
    print(report.message)
    if args.apply:
        if fit.improves:
            model.apply(fit)
            print(f"Applied: {profile.name}'s cards are scheduled with these parameters "
                  "from the next answer on.")
        else:
            print("Not applied: the fitted parameters are not better than the defaults.")
    elif fit.improves:
        print("Run again with --apply to use them.")
    return 0

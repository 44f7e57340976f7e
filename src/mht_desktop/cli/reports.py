"""``mht-desktop report`` and ``mht-desktop progress export``: reports without a window.

Why these live on the command line too: an instructor may print reports for a whole cohort
from a script, and a lab machine may have no display. ``report`` has two forms that share
one parser — ``report --profile NAME --out FILE.pdf`` and ``report class FILE… --out
FILE.pdf`` — through an optional positional (``class`` then files), checked after parsing so
misuse still exits with 2 like any other usage error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The parser is built on every start, the window's included, so what only commands need
# (the data layer above all) is imported when a command runs.
if TYPE_CHECKING:
    from mht_desktop.core.periods import Period
    from mht_desktop.services.context import AppContext

USAGE_ERROR = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def add_parsers(commands: Any) -> None:
    """Register ``report`` and ``progress`` on the top-level subparsers."""
    report = commands.add_parser(
        "report", help="write a learner's progress report, or a class summary, as a PDF",
        description="Write a learner's progress report as a PDF (report --profile NAME "
                    "--out FILE.pdf), or a class summary from trainees' progress files "
                    "(report class FILE... --out FILE.pdf). Works without a display.")
    report.add_argument("what", nargs="*", metavar="class FILE",
                        help="'class' followed by progress files, for the class summary")
    report.add_argument("--profile", metavar="NAME", help="the learner to report on")
    report.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD",
                        help="first study date of the period (default: the first activity)")
    report.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD",
                        help="last study date of the period (default: today)")
    report.add_argument("--paper", choices=["letter", "a4"], default="letter",
                        help="paper size (default: letter)")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")

    progress = commands.add_parser("progress", help="export a learner's progress file")
    actions = progress.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write a progress file (JSON) or a CSV, one "
                                               "row per topic, for an instructor")
    export.add_argument("--profile", metavar="NAME", required=True)
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--format", choices=["json", "csv"],
                        help="file format (default: from the file name, else json)")
    export.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD")


def usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with a ``report`` command line, or None."""
    if args.what:
        if args.what[0] != "class":
            return (f"unknown report {args.what[0]!r}: use 'report --profile NAME' or "
                    "'report class FILE...'")
        if len(args.what) < 2:
            return "report class needs at least one progress file"
        if args.profile or args.date_from or args.date_to:
            return "report class takes progress files, not --profile, --from or --to"
        return None
    if not args.profile:
        return "report needs --profile NAME (or 'class FILE...' for a class summary)"
    return dates_problem(args)


def dates_problem(args: argparse.Namespace) -> str | None:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        return f"--from {args.date_from} is after --to {args.date_to}"
    return None


def usage_error(command: str, problem: str) -> int:
    """Print a usage error the way argparse does; return its exit code."""
    print(f"mht-desktop {command}: error: {problem}", file=sys.stderr)
    return USAGE_ERROR


def _period(ctx: AppContext, profile_id: int, args: argparse.Namespace) -> Period:
    from mht_desktop.core.periods import Period, PeriodKind

    stats = ctx.stats(profile_id)
    if args.date_from is None and args.date_to is None:
        return stats.period(PeriodKind.ALL)
    end = args.date_to or stats.period(PeriodKind.ALL).end
    return Period.between(args.date_from, end)


def report_learner(args: argparse.Namespace, ctx: AppContext) -> int:
    """``report --profile NAME``: the learner's report as a PDF."""
    from mht_desktop.rendering.report import Paper, write_learner_pdf

    profile = ctx.profiles.by_name(args.profile)
    report = ctx.stats(profile.id).report(_period(ctx, profile.id, args))
    out = Path(args.out)
    pages = write_learner_pdf(report, out, Paper(args.paper))
    print(f"Wrote {out} ({pages} page{'s' if pages != 1 else ''}, {args.paper}) for "
          f"{profile.name}.")
    return 0


def report_class(args: argparse.Namespace) -> int:
    """``report class FILE…``: the class summary PDF (never opens the database)."""
    from mht_desktop.rendering.class_report import write_class_pdf
    from mht_desktop.rendering.pages import Paper
    from mht_desktop.services.progress_file import class_summary, read_many

    files, errors = read_many(Path(name) for name in args.what[1:])
    if errors:
        for message in errors:
            print(f"mht-desktop: {message}", file=sys.stderr)
        print("mht-desktop: nothing written; fix or leave out the files above.",
              file=sys.stderr)
        return 1
    out = Path(args.out)
    pages = write_class_pdf(class_summary(files), out, Paper(args.paper))
    print(f"Wrote {out} ({pages} page{'s' if pages != 1 else ''}) for {len(files)} "
          "trainee(s).")
    return 0


def progress_export(args: argparse.Namespace, ctx: AppContext) -> int:
    """``progress export``: one learner's progress file."""
    from mht_desktop.services import progress_file

    profile = ctx.profiles.by_name(args.profile)
    out = Path(args.out)
    fmt = args.format or ("csv" if out.suffix.lower() == ".csv" else "json")
    report = ctx.stats(profile.id).report(_period(ctx, profile.id, args))
    progress_file.write(progress_file.from_report(report), out, fmt)
    print(f"Wrote {out} ({fmt}) for {profile.name}.")
    return 0

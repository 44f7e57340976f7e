"""``mht-desktop bank audit``: which items and figures must be checked against their sources.

An editor runs it before a release (``--shipped``) and an instructor on their own banks.
It exits 1 when anything is past its review date, has no review date, or cannot be read,
so a CI job or a pre-release script can stop on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

USAGE_ERROR = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from None


def add_parser(bank_commands: Any) -> None:
    """Register ``audit`` under ``mht-desktop bank``."""
    audit = bank_commands.add_parser(
        "audit", help="list items and figures past their review date; exit 1 if any",
        description="List questions, flashcards and figures past their review date, items "
                    "resting on unconfirmed facts, and items with no review date. Exits 1 "
                    "when anything is past due, undated or unreadable.")
    audit.add_argument("files", nargs="*", metavar="FILE", help="bank files to audit")
    audit.add_argument("--shipped", action="store_true",
                       help="audit the banks MHT Desktop ships and every figure they use")
    audit.add_argument("--as-of", dest="as_of", type=_date, metavar="YYYY-MM-DD",
                       help="judge review dates as of this day (default: today)")
    audit.add_argument("--json", action="store_true", help="print a JSON report")


def run_audit(args: argparse.Namespace) -> int:
    """Run ``bank audit``; needs no database of the user's."""
    from mht_desktop.services.context import AppContext
    from mht_desktop.services.currency import audit_files, shipped_bank_files

    paths = [Path(f) for f in args.files]
    if args.shipped:
        paths += shipped_bank_files()
    if not paths:
        print("mht-desktop bank audit: give bank files or --shipped", file=sys.stderr)
        return USAGE_ERROR
    as_of = args.as_of or date.today()
    ctx = AppContext.in_memory()
    try:
        report = audit_files(ctx.banks, paths, as_of=as_of, shipped=args.shipped)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for finding in report.findings:
            print(finding)
        print(report.summary())
    return 1 if report.stale else 0

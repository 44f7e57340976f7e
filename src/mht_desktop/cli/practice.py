"""``mht-desktop practice …`` and ``mht-desktop note check``: practice files for instructors.

``practice validate`` checks scenario, vignette and case files the way an import would (all
or nothing, FILE:LINE messages) without touching anyone's data; ``practice import`` stores
them; ``note check`` runs the objectivity checker on a note written in a text file, so an
instructor can try the lexicon on real notes and script it over a folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mht_desktop.services.context import AppContext

NOTE_FORMATS = ["dap", "soap", "narrative", "incident"]


def add_parsers(commands: Any) -> None:
    """Register ``practice`` and ``note`` on the top-level subparsers."""
    practice = commands.add_parser("practice", help="check, import or list practice files "
                                                    "(scenarios, vignettes, disclosure cases)")
    actions = practice.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = actions.add_parser("validate", help="check practice files; exit 1 if any is "
                                                   "invalid")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--json", action="store_true", help="print a JSON report")
    validate.add_argument("--strict", action="store_true",
                          help="missing sources, feedback or review dates are errors, as for "
                               "the files that ship with the app")
    imp = actions.add_parser("import", help="import practice files (all or nothing per file)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    actions.add_parser("list", help="one line per exercise: kind, id, title")

    note = commands.add_parser("note", help="check a practice note for objectivity")
    note_actions = note.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = note_actions.add_parser(
        "check", help="flag labels, opinions, missing times, paraphrased quotes, do-not-use "
                      "abbreviations, missing format parts and unmarked late entries; exit 1 "
                      "when anything is flagged")
    check.add_argument("file", metavar="FILE", help="the note, as plain text ('-' for stdin)")
    check.add_argument("--format", choices=NOTE_FORMATS, default="narrative",
                       help="the note's format (default: narrative)")
    check.add_argument("--vignette", metavar="ID",
                       help="check against a vignette's quotes and late-entry time")
    check.add_argument("--json", action="store_true", help="print the flags as JSON")


def practice_validate(args: argparse.Namespace) -> int:
    """``practice validate``: never opens the user's database."""
    from mht_desktop.services.context import AppContext

    service = AppContext.in_memory().practice(None)
    reports = [service.validate_file(Path(f), strict=args.strict) for f in args.files]
    if args.json:
        print(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False))
    else:
        for r in reports:
            for problem in r.problems:
                print(problem, file=sys.stdout if r.valid else sys.stderr)
            if r.valid and r.kind is not None:
                print(f"{r.file}: OK — {len(r.items)} {r.kind.plural}")
            else:
                print(f"{r.file}: INVALID — {len(r.errors)} error(s)", file=sys.stderr)
    return 0 if all(r.valid for r in reports) else 1


def practice_import(args: argparse.Namespace, ctx: AppContext) -> int:
    """``practice import``."""
    service = ctx.practice(None)
    status = 0
    for name in args.files:
        report, _ = service.import_file(Path(name))
        for problem in report.problems:
            print(problem, file=sys.stderr)
        if report.imported and report.kind is not None:
            verb = "Updated" if report.replaced else "Imported"
            print(f"{verb} {Path(name).name}: {len(report.items)} {report.kind.plural} "
                  f"({', '.join(i.id for i in report.items)})")
        else:
            print(f"{name}: not imported ({len(report.errors)} error(s)); nothing was "
                  "changed", file=sys.stderr)
            status = 1
    return status


def practice_list(args: argparse.Namespace, ctx: AppContext) -> int:
    """``practice list``."""
    catalogue = ctx.practice(None).catalogue()
    for kind, items in (("scenario", catalogue.scenarios), ("vignette", catalogue.vignettes),
                        ("case", catalogue.cases)):
        for item in items:
            mark = "  [imported]" if item.id in catalogue.imported else ""
            print(f"{kind}\t{item.id}\t{item.title}{mark}")
    return 0


def note_check(args: argparse.Namespace) -> int:
    """``note check``: exit 0 when clean, 1 when flagged, 2 when the note cannot be read."""
    from mht_desktop.core.practice.note_checker import NoteContext, NoteFormat, check_note
    from mht_desktop.services.practice import shipped_lexicon

    try:
        text = sys.stdin.read() if args.file == "-" else \
            Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"mht-desktop: cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}",
              file=sys.stderr)
        return 2
    context = NoteContext()
    if args.vignette:
        from mht_desktop.cli.main import open_context

        ctx = open_context(args)  # the learner's data (or the program's server)
        try:
            context = ctx.practice(None).vignette(args.vignette).context
        finally:
            ctx.close()
    flags = check_note(text.replace("\r\n", "\n"), NoteFormat(args.format), shipped_lexicon(),
                       context)
    name = "<stdin>" if args.file == "-" else args.file
    if args.json:
        print(json.dumps({"file": name, "format": args.format, "flagged": bool(flags),
                          "flags": [{"line": f.line, "column": f.column, "rule": f.rule.value,
                                     "text": f.text, "message": f.message,
                                     "instead": f.instead, "source": f.source}
                                    for f in flags]}, indent=2, ensure_ascii=False))
    else:
        for f in flags:
            shown = f" “{f.text}”" if f.text else ""
            print(f"{name}:{f.line}:{f.column}: {f.rule.value}:{shown} {f.message} "
                  f"Instead: {f.instead} [{f.source}]")
        print(f"{name}: {len(flags)} flag(s)" if flags else f"{name}: no flags",
              file=sys.stderr if flags else sys.stdout)
    return 1 if flags else 0

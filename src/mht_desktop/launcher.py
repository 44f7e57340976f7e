"""The ``mht-desktop`` command: the window by default, the CLI when a command is given."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mht_desktop.cli import build_parser, run
from mht_desktop.cli.main import database_url


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and open the app or run a command."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        from mht_desktop.system_libraries import missing_libraries_message, missing_qt_libraries

        missing = missing_qt_libraries()
        if missing:
            print(missing_libraries_message(missing), file=sys.stderr)
            return 1
        try:
            from mht_desktop.ui.app import run_app
        except ImportError as exc:  # Qt's own libraries could not load (libGL, libEGL, …)
            print(f"MHT Desktop cannot start its window: {exc}. See the README's section on "
                  "system libraries.", file=sys.stderr)
            return 1

        return run_app(data_dir=args.data_dir, database_url=database_url(args))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""The command line: profiles, banks and reports without opening a window.

Errors go to stderr with exit code 1; usage errors exit with 2 (argparse's convention).
"""

from mht_desktop.cli.main import build_parser, run

__all__ = ["build_parser", "run"]

"""The bundle's start script: the same entry point as the ``mht-desktop`` command."""

import sys

from mht_desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())

"""``python -m mht_desktop``."""

import sys

from mht_desktop.launcher import main

sys.exit(main())

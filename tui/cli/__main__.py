"""``python -m tui.cli``: the same as the ``warraq`` script (tests run it this way)."""

import sys

from tui.cli import main

sys.exit(main())

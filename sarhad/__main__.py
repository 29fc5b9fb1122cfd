"""``python -m sarhad``: the sarhad command."""

import sys

from sarhad.cli import main

sys.exit(main())

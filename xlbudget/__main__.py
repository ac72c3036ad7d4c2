"""``python -m xlbudget``: the same as the ``xlbudget`` command."""

import sys

from xlbudget.cli import main

sys.exit(main())

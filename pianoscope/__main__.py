"""`python -m pianoscope` is the same as the `pianoscope` command."""

from __future__ import annotations

import sys

from pianoscope.cli.main import main

sys.exit(main())

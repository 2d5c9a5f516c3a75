"""Helpers of the benchmark scripts, which are the modules beside this package.

The scripts run as ``python benchmarks/SCRIPT.py``, so ``benchmarks/`` is on ``sys.path`` and
they import their helpers as ``lib.NAME``. Importing this package puts the repository root
first on ``sys.path`` (the one place that touches it), so that the app's packages (``data``,
``dashboard``, ``ingest``, ...) are found in this checkout even when it is not installed.
"""

import sys
from pathlib import Path

#: The repository root.
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

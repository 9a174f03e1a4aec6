"""Solara entry point: ``saferstreets viz`` or ``solara run viz/app.py``.

Two pages: the trainer demo (``/``) and the strategy explorer (``/explorer``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:  # `solara run viz/app.py` loads this file by path
    sys.path.insert(0, ROOT)

import solara  # noqa: E402

from viz.explorer import ExplorerPage  # noqa: E402
from viz.trainer import TrainerPage  # noqa: E402

routes = [
    solara.Route(path="/", component=TrainerPage, label="Trainer demo"),
    solara.Route(path="explorer", component=ExplorerPage, label="Strategy explorer"),
]

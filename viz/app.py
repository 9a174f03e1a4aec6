"""Solara entry point: ``saferstreets viz`` or ``solara run viz/app.py``.

Two pages: the trainer demo (``/``) and the strategy explorer (``/explorer``), under one header
with a tab for each. Server settings for a room full of users are made here: disconnected tabs
are closed after :data:`~viz.sessions.CULL_TIMEOUT` (not a day), no "runs on Solara" banner,
no telemetry, the app's log lines go to the server's standard error, and the demo worker
processes start with the first browser session and are kept (so only the first visitor after
a restart waits for them).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:  # `solara run viz/app.py` loads this file by path
    sys.path.insert(0, ROOT)

import solara  # noqa: E402
import solara.lab  # noqa: E402
import solara.server.settings  # noqa: E402

from viz.explorer import ExplorerPage  # noqa: E402
from viz.sessions import CULL_TIMEOUT  # noqa: E402
from viz.trainer import TrainerPage  # noqa: E402
from viz.widgets import CSS  # noqa: E402
from viz.workers import DEMOS  # noqa: E402

solara.server.settings.kernel.cull_timeout = CULL_TIMEOUT
solara.server.settings.theme.show_banner = False
solara.server.settings.theme.title = "Safer streets"
solara.server.settings.telemetry.mixpanel_enable = False


def _log_to_stderr() -> None:
    """INFO (or ``SAFERSTREETS_VIZ_LOG_LEVEL``) lines of the ``saferstreets.viz`` logger on stderr."""
    logger = logging.getLogger("saferstreets.viz")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(os.environ.get("SAFERSTREETS_VIZ_LOG_LEVEL", "INFO").upper())
        logger.propagate = False


_log_to_stderr()
solara.lab.on_kernel_start(DEMOS.warm)

@solara.component
def Layout(children: list = []) -> None:  # noqa: B006 - Solara's layout signature
    """A slim header with the page tabs; each page fills the rest of the window."""
    _, all_routes = solara.use_route()
    with solara.Column(gap="0px", style={"height": "100vh", "overflow": "hidden"}):
        solara.Style(CSS)
        solara.Title("Safer streets")
        with solara.Div(classes=["ss-header"]):
            solara.HTML(tag="div", unsafe_innerHTML="Safer streets", classes=["ss-brand"])
            with solara.lab.Tabs(background_color="transparent", dark=True):
                for route in all_routes:
                    solara.lab.Tab(route.label, path_or_route=route)
        solara.Div(children=children, classes=["ss-page"])


routes = [
    solara.Route(path="/", component=TrainerPage, label="Trainer demo", layout=Layout),
    solara.Route(path="explorer", component=ExplorerPage, label="Strategy explorer"),
]

"""``saferstreets viz``: serve the browser pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

APP = Path(__file__).resolve().parent / "app.py"


def register(app: typer.Typer) -> None:
    """Add the ``viz`` command to the ``saferstreets`` CLI."""

    @app.command()
    def viz(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
            port: Annotated[int, typer.Option(min=1024, max=65535, help="Port (1024-65535).")] = 8765,
            open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a browser tab.")] = False,
            ) -> None:
        """Serve the trainer demo (/) and the strategy explorer (/explorer) in the browser (offline)."""
        env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
        command = [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port),
                   "--production", *([] if open_browser else ["--no-open"])]
        typer.echo(f"Serving on http://{host}:{port}/ (trainer) and http://{host}:{port}/explorer (Ctrl+C stops)")
        try:
            code = subprocess.call(command, env=env, cwd=APP.parent.parent)
        except KeyboardInterrupt:
            code = 0
        raise typer.Exit(code)

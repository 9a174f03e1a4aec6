"""Small building blocks shared by the pages: labelled sliders, offline prose, the busy notice, CSS."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import markdown
import solara
import solara.lab  # noqa: F401 - registers solara.lab for the pages

v = solara.v
log = logging.getLogger("saferstreets.viz")


@solara.component
def Prose(text: str, classes: list[str] | None = None) -> None:
    """Markdown rendered on the server to plain HTML (no KaTeX or other assets fetched from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(text), classes=["ss-prose", *(classes or [])])


@solara.component
def LabelledSlider(label: str, value: float, shown: str, lo: float, hi: float, step: float,
                   on_value: Callable[[Any], None]) -> None:
    """A slider with its name and current value (in real units) always visible above it.

    ``on_value`` gets whatever the browser sends (validate it there); ``label`` is also the
    slider's accessible name.
    """
    with solara.Div(classes=["ss-slider"]):
        solara.HTML(tag="div", classes=["ss-slider-head"],
                    unsafe_innerHTML=f"<span>{html.escape(label)}</span><b>{html.escape(shown)}</b>")
        v.Slider(v_model=value, min=lo, max=hi, step=step, on_v_model=on_value, label=label, hide_details=True,
                 dense=True, class_="ss-slider-bar")


@solara.component
def Guarded(body: Callable[[], solara.Element]) -> None:
    """``body()``, or a friendly message (and the traceback in the server log) if drawing it fails.

    ``body`` is a component called here, so that an error anywhere inside it is caught here.
    """
    error, clear = solara.use_exception()
    if error is not None:
        log.error("a page failed to draw", exc_info=error)
        with solara.Div(classes=["ss-busy"]):
            solara.Error("Sorry, this page hit a problem and could not be shown. Nothing else is affected.")
            solara.Button("Show the page again", on_click=clear, color="primary")
        return
    body()


@solara.component
def ServerBusy(what: str = "this page") -> None:
    """Shown instead of a page when the server already serves as many tabs as it can."""
    with solara.Div(classes=["ss-busy"]):
        solara.Warning(f"The server is busy: it is already serving as many people as it can. "
                       f"Please close other tabs or try {what} again in a few minutes.")


CSS = """
.ss-prose p { margin: 0 0 0.6em 0; }
.ss-slider { margin: 0 0 6px 0; }
.ss-slider-head { display: flex; justify-content: space-between; gap: 8px; font-size: 15px; }
.ss-slider-head b { white-space: nowrap; }
.ss-slider .v-label { display: none !important; }
.ss-slider .v-slider { margin: 0 !important; }
.ss-hint { font-size: 13px; color: #555; }
.ss-busy { max-width: 720px; margin: 40px auto; font-size: 18px; }
.ss-header { display: flex; align-items: center; gap: 16px; padding: 0 16px; height: 52px; background: #1f3a5f;
  color: white; flex: 0 0 auto; }
.ss-header .ss-brand { font-size: 20px; font-weight: bold; white-space: nowrap; }
.ss-header .v-tabs { flex: 0 1 auto; width: auto; }
.ss-header .v-tabs-bar { background: transparent !important; height: 52px; }
.ss-header .v-tab { color: #ffffff !important; font-size: 16px; text-transform: none; letter-spacing: 0; }
.ss-page { height: calc(100vh - 52px); overflow: auto; }
.v-btn { text-transform: none !important; letter-spacing: 0 !important; }
"""
"""Styles of the shared pieces (pages add their own)."""

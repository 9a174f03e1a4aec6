"""Strategy explorer for policy staff: which strategy prevents crime, how surely, and for how much.

Inputs on the left, answers on the right: a plain verdict per strategy, a figure of crimes
prevented and of outcomes over time with 95% bands, a table, what the shipped robustness result says
about the strategies compared (:mod:`viz.robustness`), where the prevented crimes went (routes and
displacement) and downloads. The comparison runs
in the shared worker pool (:data:`viz.workers.COMPARISONS`) from a background thread owned by the
browser session, so it survives switching tabs, shows progress and time left, can be cancelled,
and stops when the tab is closed. Every input is checked on the server before use.
"""

from __future__ import annotations

import base64
import html
import logging
import math
import threading
from dataclasses import dataclass, replace
from typing import Any, Callable

import pandas as pd
import solara

from simulation.params import ParameterError, Params
from simulation.scenarios import scenario_names
from viz import sessions, workers
from simulation.pathways import ROUTES
from viz.comparison import (BASELINE, BUDGET_GBP, DISPLACEMENT_COLUMNS, NEIGHBOURHOODS, ORGANISER_SHARES, PRECISION,
                            PRICE_YEAR, ROUTE_COLUMNS, RUN_COLUMNS, SPLIT, SUMMARY_COLUMNS, Comparison, Progress, Setup,
                            budget_strategies, money_line, pounds, readable_csv, run_comparison,
                            scenario_strategies, settings_csv, signed)
from viz.controls import HORIZON_DAYS, SEED_MAX, check_whole, control
from viz.figures import PRINT_DPI, draw_comparison, figure_png, figure_text
from viz.robustness import robustness_lines
from viz.widgets import Guarded, LabelledSlider, Prose, ServerBusy
from viz.workers import CORES, Cancelled
from viz.workers import ServerBusy as PoolBusy

log = logging.getLogger("saferstreets.viz")
SECONDS_PER_HOUSEHOLD_DAY = 9e-7
"""Rough cost of one simulated household-day on one core (2,000 households x 365 days ~ 0.66 s here)."""
MODES = ("Shipped strategies", "Budget split")
APPROACHES = {"listening": "Listening-led organisers", "broadcast": "Broadcast consultation"}


@dataclass(frozen=True)
class JobState:
    """What the results side shows; replaced whole."""

    running: bool = False
    progress: Progress | None = None
    waiting: int | None = None
    result: Comparison | None = None
    message: str | None = None


class ComparisonJob:
    """Runs one session's comparisons, one at a time, in a background thread."""

    def __init__(self, session: sessions.Session, publish: Callable[[JobState], None]) -> None:
        self.session, self._publish = session, publish
        self._lock = threading.Lock()
        self._state = JobState()
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, setup: Setup) -> None:
        """Start ``setup`` unless one is already running (a second click is ignored)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._cancelled = threading.Event()
            self._thread = threading.Thread(target=self._run, args=(setup, self._cancelled),
                                            name=f"compare-{self.session.id}", daemon=True)
            self._set(running=True, progress=None, waiting=None, message=None)
            self._thread.start()

    def cancel(self) -> None:
        """Stop after the runs in progress; the complete replicates are kept."""
        self._cancelled.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the running comparison to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _set(self, **changes: Any) -> None:
        self._state = replace(self._state, **changes)
        self._publish(self._state)

    def _run(self, setup: Setup, cancelled: threading.Event) -> None:
        try:
            def waiting(ahead: int) -> None:
                self._set(waiting=ahead)
            with workers.COMPARISONS.job(self.session.id, cancelled, on_wait=waiting) as pool:
                self._set(waiting=None)
                result = run_comparison(setup, pool, lambda p: self._set(progress=p), cancelled, 2 * CORES)
            self._set(running=False, result=result, message=None)
        except (Cancelled, PoolBusy) as err:
            self._set(running=False, message=str(err).capitalize() + ".")
        except ParameterError as err:
            message = "Cancelled before two replicates were complete." if cancelled.is_set() else str(err)
            self._set(running=False, message=message)
        except Exception as err:  # noqa: BLE001 - one line for the user, the traceback in the log
            log.exception("session %s: comparison failed", self.session.id)
            self._set(running=False, message=f"Sorry, the comparison failed ({type(err).__name__}). "
                                             "Please try again.")


# ---------------------------------------------------------------- per-session page state
mode = solara.reactive(MODES[0])
chosen = solara.reactive(["broadcast", "listening_led", "neighbourhood_watch", "target_hardening"])
budget = solara.reactive(100_000)
shares = solara.reactive([0, 50, 100])
approach = solara.reactive("listening")
neighbourhood = solara.reactive(next(iter(NEIGHBOURHOODS)))
households = solara.reactive(Params().n_residents)
days = solara.reactive(365)
precision = solara.reactive("Standard")
seed = solara.reactive("0")
form_error = solara.reactive("")
job_state = solara.reactive(JobState())


def job(session: sessions.Session) -> ComparisonJob:
    """The session's comparison runner (cancelled when the tab goes)."""
    def make() -> ComparisonJob:
        new = ComparisonJob(session, lambda state: session.publish(lambda: job_state.set(state)))
        session.on_close(new.cancel)
        return new
    return session.part("comparison", make)


def checked(setter: Callable[[Any], None], check: Callable[[Any], Any]) -> Callable[[Any], None]:
    """An input handler that stores ``check(value)``, or shows why the value is refused (forged ones too)."""
    def handle(value: Any) -> None:
        try:
            setter(check(value))
        except ParameterError as err:
            form_error.set(str(err))
            return
        form_error.set("")
    return handle


def one_of(name: str, allowed: Any) -> Callable[[Any], Any]:
    """A check that ``value`` is one of ``allowed``."""
    def check(value: Any) -> Any:
        if not isinstance(value, str) or value not in allowed:
            raise ParameterError(f"{name}={value!r}: expected one of {', '.join(map(str, allowed))}")
        return value
    return check


def whole(name: str, lo: int, hi: int) -> Callable[[Any], int]:
    """A check for a whole number in [lo, hi]."""
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return check_whole(name, value, lo, hi)
    return check


def toggled(values: list, value: Any, on: Any) -> list:
    """``values`` with ``value`` added (``on`` true) or removed; ParameterError for a non-boolean."""
    if not isinstance(on, bool):
        raise ParameterError(f"checkbox={on!r}: expected true or false")
    return sorted(set(values) | {value}) if on else [x for x in values if x != value]


def build_setup() -> Setup:
    """The request from the inputs, validated (ParameterError naming the field)."""
    strategies = (scenario_strategies(chosen.value) if mode.value == MODES[0] else
                  budget_strategies(budget.value, shares.value, approach.value))
    return Setup(strategies, neighbourhood.value, households.value, days.value, precision.value,
                 check_whole("seed", seed.value, 0, SEED_MAX))


@solara.component
def ExplorerPage() -> None:
    """Inputs on the left, answers on the right (a friendly message if it fails to draw)."""
    Guarded(Explorer)


@solara.component
def Explorer() -> None:
    """This tab's explorer."""
    session = sessions.current()
    if session is None:
        ServerBusy("the explorer")
        return
    runner = job(session)
    with solara.Div(classes=["ss-explorer"]):
        solara.Style(CSS)
        Inputs(runner)
        Answers(runner)


def run(runner: ComparisonJob) -> None:
    """Validate the inputs and start the comparison."""
    try:
        setup = build_setup()
    except ParameterError as err:
        form_error.set(str(err))
        return
    form_error.set("")
    runner.start(setup)


@solara.component
def Inputs(runner: ComparisonJob) -> None:
    """What to compare, where, for how long and how precisely; Run and Cancel always in view below."""
    state = job_state.value
    with solara.Div(classes=["ss-inputs"], attributes={"role": "form", "aria-label": "Comparison settings"}):
        with solara.Div(classes=["ss-inputs-scroll"]):
            Fields()
        with solara.Div(classes=["ss-inputs-foot"]):
            solara.HTML(tag="div", classes=["ss-hint"], unsafe_innerHTML=html.escape(size_line()))
            if form_error.value:
                solara.Error(form_error.value, dense=True)
            with solara.Row():
                solara.Button("Run comparison", color="primary", on_click=lambda: run(runner), disabled=state.running)
                if state.running:
                    solara.Button("Cancel", outlined=True, on_click=runner.cancel)


@solara.component
def Fields() -> None:
    """The inputs themselves (scrolling above the always-visible Run button)."""
    solara.HTML(tag="h2", unsafe_innerHTML="What to compare", classes=["ss-h2"])
    solara.v.BtnToggle(v_model=mode.value, on_v_model=checked(mode.set, one_of("mode", MODES)), mandatory=True,
                       children=[solara.v.Btn(children=[m], value=m, small=True) for m in MODES])
    if mode.value == MODES[0]:
        solara.HTML(tag="div", classes=["ss-hint"], unsafe_innerHTML="Each is compared with doing nothing.")
        for strategy in scenario_strategies([n for n in scenario_names() if n != BASELINE]):
            solara.Checkbox(label=strategy.title, value=strategy.key in chosen.value,
                            on_value=checked(chosen.set, lambda on, key=strategy.key: toggled(chosen.value, key, on)))
    else:
        LabelledSlider("Budget a year", budget.value, f"£{budget.value:,.0f}", *BUDGET_GBP, 25_000,
                       on_value=checked(budget.set, whole("budget", *BUDGET_GBP)))
        solara.HTML(tag="div", classes=["ss-hint"], unsafe_innerHTML="Share spent on organisers (rest: hardening):")
        with solara.Row(gap="0px", style={"flex-wrap": "wrap"}):
            for share in ORGANISER_SHARES:
                solara.Checkbox(label=f"{share}%", value=share in shares.value,
                                on_value=checked(shares.set, lambda on, s=share: toggled(shares.value, s, on)))
        solara.v.Select(label="Organisers' approach", v_model=approach.value, dense=True, outlined=True,
                        hide_details=True, items=[{"text": t, "value": k} for k, t in APPROACHES.items()],
                        on_v_model=checked(approach.set, one_of("approach", tuple(APPROACHES))), class_="ss-field")
    solara.HTML(tag="h2", unsafe_innerHTML="Where, how long, how sure", classes=["ss-h2"])
    solara.v.Select(label="Neighbourhood type", v_model=neighbourhood.value, items=list(NEIGHBOURHOODS), dense=True,
                    outlined=True, hide_details=True, class_="ss-field",
                    on_v_model=checked(neighbourhood.set, one_of("neighbourhood", tuple(NEIGHBOURHOODS))))
    size = control("n_residents")
    LabelledSlider("Households", households.value, f"{households.value:,}", size.lo, size.hi, size.step,
                   on_value=checked(households.set, size.check))
    LabelledSlider("Time simulated", days.value, years_text(days.value), *HORIZON_DAYS, 5,
                   on_value=checked(days.set, whole("horizon (days)", *HORIZON_DAYS)))
    solara.v.Select(label="Precision", v_model=precision.value, dense=True, outlined=True, hide_details=True,
                    class_="ss-field", on_v_model=checked(precision.set, one_of("precision", tuple(PRECISION))),
                    items=[{"text": f"{k}: ±{100 * share:g}% of the area's crime, ≤ {cap} replicates", "value": k}
                           for k, (share, cap) in PRECISION.items()])
    solara.v.TextField(label="Random seed (whole number)", v_model=seed.value, on_v_model=seed.set, dense=True,
                       outlined=True, hide_details=True, class_="ss-field")


def years_text(n: int) -> str:
    """``n`` days in words ("365 days (1 year)")."""
    return f"{n:,} days ({n / 365:.1f} years)" if n % 365 else f"{n:,} days ({n // 365} year{'s' * (n > 365)})"


def size_line() -> str:
    """How big the request is and, roughly, how long it can take."""
    count = (len(set(chosen.value) - {BASELINE}) if mode.value == MODES[0] else len(shares.value)) + 1
    if count == 1:
        return "Choose at least one strategy to compare with doing nothing."
    cap = PRECISION.get(precision.value, (0, 0))[1]
    seconds = count * cap * households.value * days.value * SECONDS_PER_HOUSEHOLD_DAY / CORES
    return (f"{count} strategies with doing nothing, up to {cap} replicates each: at most {count * cap} runs, "
            f"roughly {max(1, round(seconds / 60))} min at most on this server when idle (it usually stops earlier).")


@solara.component
def Answers(runner: ComparisonJob) -> None:
    """Progress, message, then the last comparison's verdicts, figure, table and downloads."""
    state = job_state.value
    with solara.Div(classes=["ss-results"]):
        solara.HTML(tag="h1", unsafe_innerHTML="Which strategy prevents crime, and for how much?", classes=["ss-h1"])
        if state.running:
            ProgressCard(state)
        if state.message:
            solara.Warning(state.message)
        if state.result is None:
            Prose(INTRO)
        else:
            Results(state.result)


@solara.component
def ProgressCard(state: JobState) -> None:
    """Queue position, or runs done, replicates, precision so far and time left."""
    p = state.progress
    if state.waiting is not None:
        text = f"Waiting for the server: {state.waiting} comparison(s) ahead of yours."
    elif p is None:
        text = "Starting the simulations..."
    else:
        left = "" if p.seconds_left is None else f", at most about {duration(p.seconds_left)} left"
        sure = ("" if p.half_width is None else
                f" Crimes prevented known within ±{p.half_width:.1f} a year so far (aiming for ±{p.target:.1f}).")
        text = f"{p.runs_done} of at most {p.max_runs} runs ({p.replicates} complete replicates){left}.{sure}"
    with solara.Div(classes=["ss-progress"], attributes={"role": "status", "aria-live": "polite"}):
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(text))
        solara.ProgressLinear(p.percent if p else True)


def duration(seconds: float) -> str:
    """``seconds`` in words, rounded."""
    return f"{math.ceil(seconds)} s" if seconds < 90 else f"{math.ceil(seconds / 60)} min"


@solara.component
def Results(result: Comparison) -> None:
    """Verdicts, figure, table, robustness, where the prevented crimes went, downloads and what each strategy
    is."""
    fig = solara.use_memo(lambda: draw_comparison(result), [result])
    screen = solara.use_memo(lambda: figure_png(fig), [fig])
    solara.Info(result.stopped)
    for _, row in result.table.iterrows():
        if row["strategy"] == BASELINE:
            continue
        with solara.Div(classes=["ss-verdict"]):
            solara.HTML(tag="div", classes=["ss-verdict-title"], unsafe_innerHTML=html.escape(row["title"]))
            solara.HTML(tag="div", classes=["ss-verdict-main"], unsafe_innerHTML=html.escape(row["verdict"]))
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(f"{row['ce_verdict']} {money_line(row)}"))
    solara.HTML(tag="img", classes=["ss-figure"],
                attributes={"src": "data:image/png;base64," + base64.b64encode(screen).decode(),
                            "alt": figure_text(result)})
    solara.HTML(tag="div", unsafe_innerHTML=table_html(result.table))
    robustness = solara.use_memo(lambda: robustness_html(result), [result])
    solara.HTML(tag="h2", unsafe_innerHTML="How sure across plausible settings?", classes=["ss-h2"])
    solara.HTML(tag="div", classes=["ss-robustness"], unsafe_innerHTML=robustness)
    solara.HTML(tag="h2", unsafe_innerHTML="Where did the prevented crimes go?", classes=["ss-h2"])
    solara.HTML(tag="div", unsafe_innerHTML=routes_html(result.routes))
    solara.HTML(tag="div", unsafe_innerHTML=displacement_html(result.displacement))
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(lambda: readable_csv(result.table, SUMMARY_COLUMNS), filename="strategy_summary.csv",
                            label="Summary (CSV)")
        solara.FileDownload(lambda: readable_csv(result.routes, ROUTE_COLUMNS), filename="strategy_routes.csv",
                            label="Routes (CSV)")
        solara.FileDownload(lambda: readable_csv(result.displacement, DISPLACEMENT_COLUMNS),
                            filename="strategy_displacement.csv", label="Displacement (CSV)")
        solara.FileDownload(lambda: readable_csv(result.runs, RUN_COLUMNS), filename="strategy_runs.csv",
                            label="Every run (CSV)")
        solara.FileDownload(lambda: settings_csv(result), filename="strategy_settings.csv", label="Settings (CSV)")
        solara.FileDownload(lambda: figure_png(fig, PRINT_DPI), filename="strategy_comparison.png",
                            label="Figure (PNG, print quality)", mime_type="image/png")
    Prose("\n".join(f"* **{s.title}**: {s.description}" for s in result.setup.with_baseline()))
    Prose(EXPLANATION)


def cell(row: pd.Series, col: str, fmt: Callable[[float], str]) -> str:
    """``row[col]`` with its 95% range (``<col>_low`` to ``<col>_high``) in small type; "–" if missing."""
    mean, low, high = row[col], row[f"{col}_low"], row[f"{col}_high"]
    if not math.isfinite(mean):
        return "–"
    if not math.isfinite(low) or not math.isfinite(high) or low == high:
        return fmt(mean)
    return f"{fmt(mean)} <small>({fmt(low)} to {fmt(high)})</small>"


def crimes(x: float) -> str:
    """A number of crimes to one decimal, never "-0.0"."""
    return f"{round(x, 1) + 0:,.1f}"


def table_html(table: pd.DataFrame) -> str:
    """The summary as an HTML table: averages with 95% ranges, in plain words."""
    header = ("<tr><th scope='col'>Strategy</th><th scope='col'>Crimes a year</th>"
              "<th scope='col'>Crimes prevented a year</th><th scope='col'>Collective efficacy gained (0-1)</th>"
              "<th scope='col'>Cost a year</th><th scope='col'>£ per crime prevented</th>"
              f"<th scope='col'>Cost of crime avoided a year ({PRICE_YEAR} £)</th></tr>")
    rows = []
    for _, row in table.iterrows():
        base = row["strategy"] == BASELINE
        rows.append(f"<tr><th scope='row'>{html.escape(row['title'])}</th>"
                    f"<td>{cell(row, 'completed', crimes)}</td>"
                    f"<td>{'–' if base else cell(row, 'prevented', crimes)}</td>"
                    f"<td>{'–' if base else cell(row, 'ce_gain', signed)}</td>"
                    f"<td>£{row['cost_gbp']:,.0f}</td>"
                    f"<td>{'–' if base else cell(row, 'gbp_per_prevented', pounds)}</td>"
                    f"<td>{'–' if base else cell(row, 'avoided_gbp', pounds)}</td></tr>")
    return ("<table class='ss-table'><caption>Averages over paired replicates, with 95% ranges in brackets."
            f"</caption><thead>{header}</thead><tbody>{''.join(rows)}</tbody></table>")


def robustness_html(result: Comparison) -> str:
    """What the shipped robustness result says about the compared strategies (:mod:`viz.robustness`): where it
    comes from, then a list of plain statements; one line if there is none or it does not apply."""
    if any(s.key.startswith(SPLIT) for s in result.setup.strategies):
        return ("<div>The robustness result is about the shipped strategies; it does not apply to a budget "
                "split. The ranges above show run-to-run variation for the settings chosen here.</div>")
    chosen = dict(zip(result.table["strategy"], result.table["title"]))
    chosen.pop(BASELINE, None)
    first, *lines = robustness_lines(chosen)
    if not lines:
        return f"<div>{html.escape(first)}</div>"
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return ("<div>The ranges above show run-to-run variation for the settings chosen here. Across what we do "
            f"not know about the parameters:</div><ul>{items}</ul>"
            f"<div class='ss-hint'>{html.escape(first)}</div>")


def routes_html(routes: pd.DataFrame) -> str:
    """Crimes prevented a year by route (rows) and strategy (columns), with 95% ranges and what each route is."""
    strategies = routes.drop_duplicates("strategy")
    meaning = {r.name: r.label for r in ROUTES} | {"total": "the routes add up to this"}
    cells = routes.set_index(["route", "strategy"])
    header = "".join(f"<th scope='col'>{html.escape(title)}</th>" for title in strategies["title"])
    rows = []
    for route, name in routes.drop_duplicates("route")[["route", "name"]].itertuples(index=False):
        values = "".join(f"<td>{cell(cells.loc[(route, key)], 'prevented', crimes)}</td>"
                         for key in strategies["strategy"])
        rows.append(f"<tr><th scope='row' title='{html.escape(meaning[route])}'>{html.escape(name)}</th>"
                    f"{values}</tr>")
    return ("<table class='ss-table'><caption>Crimes prevented a year in the area, by what happened to the "
            "offender who would have committed them, compared with doing nothing on the same seeds (averages, "
            "95% ranges in brackets; the routes add up to the last row; a negative number means fewer crimes were "
            "stopped that way than with doing nothing). 'Moved to the ring' means displaced just outside the area. 'Fewer offenders drawn to "
            "the area': ready offenders whose best opportunity was no longer here (learning from being caught, "
            f"or looking elsewhere).</caption><thead><tr><th scope='col'>Route</th>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def displacement_html(displacement: pd.DataFrame) -> str:
    """Change in crime in the area and the ring, and the weighted displacement quotient with its reading."""
    rows = [f"<tr><th scope='row'>{html.escape(row['title'])}</th>"
            f"<td>{cell(row, 'area_change', crimes)}</td><td>{cell(row, 'ring_change', crimes)}</td>"
            f"<td>{cell(row, 'wdq', signed)}</td><td>{html.escape(row['reading'].capitalize())}</td></tr>"
            for _, row in displacement.iterrows()]
    return ("<table class='ss-table'><caption>Displacement or diffusion: change in crimes a year in the area "
            "and in the ring around it, compared with doing nothing on the same seeds (averages, 95% ranges in "
            "brackets), and the weighted displacement quotient (WDQ; Bowers & Johnson 2003), ring change over "
            "area change. Where crime in the area clearly fell: above 0, crime fell in the ring too (diffusion "
            "of benefits); 0 to -1, some crime moved out, but less than was prevented; below -1, more moved out "
            "than was prevented.</caption><thead><tr><th scope='col'>Strategy</th>"
            "<th scope='col'>Change in the area</th><th scope='col'>Change in the ring</th>"
            "<th scope='col'>WDQ</th><th scope='col'>Reading</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


INTRO = """
Choose strategies (or a budget split) on the left and press **Run comparison**. Each strategy is simulated
many times, each time on the same neighbourhood and luck as *doing nothing*, until the number of crimes it
prevents is known precisely enough. You then get a plain verdict per strategy, a figure, a table and
downloads (CSV with readable headings, a settings sheet, and a print-quality figure).
"""

EXPLANATION = """
**How to read this.** Every strategy is run on the same simulated neighbourhoods and luck (seeds) as doing
nothing, so *crimes prevented* is the difference within each pair. The figure shows the average and a **95%
interval**: if the interval does not include zero, the difference is detectable and the verdict says
"prevents about N crimes a year"; otherwise it says "no detectable difference". **Collective efficacy** is
its true value in the model (0-1): residents' mean trust in their neighbours and willingness to intervene for
the common good, not a survey estimate (a survey of a few dozen residents per neighbourhood would measure it
with error); the gain is the strategy's change minus doing nothing's. **£ per crime prevented** divides the yearly cost by the crimes
prevented and is only given when prevention is detectable. The **cost of crime avoided** values each crime
prevented at the Home Office's economic and social cost of its type (Heeks et al. 2018 in 2015/16 prices:
domestic burglary £5,930, robbery £11,320, ...; shown uprated to 2023/24 prices, an assumed GDP deflator),
paired by seed like crimes prevented.
"""

CSS = """
.ss-explorer { box-sizing: border-box; display: flex; gap: 16px; height: 100%; min-height: 0;
  padding: 8px 12px 0 12px; }
.ss-inputs { flex: 0 0 340px; display: flex; flex-direction: column; min-height: 0; }
.ss-inputs-scroll { flex: 1 1 auto; overflow-y: auto; padding-right: 8px; min-height: 0; }
.ss-inputs-foot { flex: 0 0 auto; border-top: 1px solid #ddd; padding: 6px 8px 8px 0; }
.ss-inputs .v-input--checkbox { margin-top: 0 !important; padding-top: 0 !important; }
.ss-inputs .v-input--checkbox .v-messages { display: none; }
.ss-inputs .v-input--checkbox .v-input__slot { margin-bottom: 2px; }
.ss-inputs .v-input--checkbox .v-label { font-size: 15px; color: #222; }
.ss-field { margin: 8px 0 10px 0 !important; }
.ss-results { flex: 1 1 auto; min-width: 0; overflow-y: auto; padding-right: 8px; font-size: 15px; }
.ss-h1 { font-size: 22px; margin: 4px 0 10px 0; }
.ss-h2 { font-size: 18px; margin: 10px 0 6px 0; }
.ss-progress { margin: 0 0 12px 0; font-size: 16px; }
.ss-verdict { border-left: 5px solid #0072B2; padding: 4px 12px; margin: 0 0 10px 0; background: #f5f8fb; }
.ss-verdict-title { font-weight: bold; font-size: 16px; }
.ss-verdict-main { font-size: 19px; }
.ss-figure { max-width: 100%; height: auto; margin: 8px 0; }
.ss-table { border-collapse: collapse; margin: 8px 0 12px 0; font-size: 15px; }
.ss-table th, .ss-table td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
.ss-table th[scope=row], .ss-table th[scope=col]:first-child { text-align: left; }
.ss-table caption { caption-side: bottom; text-align: left; font-size: 13px; color: #555; }
"""

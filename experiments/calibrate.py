"""Bayesian calibration by approximate Bayesian computation (ABC-SMC, pyabc) against registered targets.

A calibration file (TOML, read as data) names the parameters to fit with
their priors, the targets of :mod:`experiments.targets` used for fitting
(``calibration``) or held back (``validation``), and the ABC settings::

    name = "example"
    seed = 2026
    [abc]
    population = 60          # particles per generation
    generations = 8          # at most
    min_epsilon = 0.5        # stop when the distance threshold is this small
    max_simulations = 1500   # stop after this many simulations (all generations, all sessions)
    max_minutes = 25         # stop after this long (per session)
    ppc_draws = 30           # posterior-predictive draws for the report
    [params]                 # fixed values for every simulation
    [settings.baseline_area] # shrink a setting to fit the time budget
    steps = 365
    params = { n_residents = 4000, n_neighbourhoods = 16 }
    [priors]                 # uniform on [lo, hi] (default: the Params range); scale = "log" for log-uniform
    cohesion_mean = [0.5, 0.85]
    p_join = { lo = 0.001, hi = 0.03, scale = "log" }
    [targets]                # role, optionally with your own observed value and scale
    belonging = "calibration"
    crime_rate = { role = "calibration", observed = 30, scale = 10 }
    ce_crime = "validation"

The distance of a simulation is the root mean square of
``(simulated - observed) / scale`` over the calibration targets, so each
target counts in units of its band's half-width. Everything is saved in
pyabc's SQLite database ``OUT/abc.db`` after each generation; ``--resume``
continues from the last finished generation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.spec import _expect, _integer
from experiments.targets import SETTINGS, TARGETS, Setting, evaluate, target
from simulation.output import manifest, write_json, write_parquet
from simulation.params import ParameterError, Params, allowed, check_keys, kind, spec

TOP_LEVEL = ("name", "description", "seed", "abc", "params", "settings", "priors", "targets")
ABC_KEYS = {"population": (10, 100_000, 60), "generations": (1, 1000, 8), "max_simulations": (10, 10**9, 2000),
            "max_minutes": (1, 100_000, 25), "ppc_draws": (2, 10_000, 30)}
SETTING_KEYS = ("steps", "params", "replicates")
ROLES = ("calibration", "validation")
SCALES = ("linear", "log")


@dataclass(frozen=True)
class Prior:
    """A uniform (or log-uniform) prior on one parameter."""

    name: str
    lo: float
    hi: float
    scale: str = "linear"

    def rv(self) -> Any:
        """The pyabc random variable."""
        import pyabc
        if self.scale == "log":
            return pyabc.RV("loguniform", self.lo, self.hi)
        return pyabc.RV("uniform", self.lo, self.hi - self.lo)

    def value(self, x: float) -> float | int:
        """A sampled value as the parameter's type (whole numbers rounded)."""
        return round(float(x)) if kind(self.name) is int else float(x)


@dataclass(frozen=True)
class Calibration:
    """A validated calibration: what to fit, to what, and how long to try."""

    name: str
    description: str
    seed: int
    priors: tuple[Prior, ...]
    roles: dict[str, str]
    observed: dict[str, float]
    scales: dict[str, float]
    settings: dict[str, Setting]
    fixed: dict[str, Any] = field(default_factory=dict)
    population: int = 60
    generations: int = 8
    min_epsilon: float = 0.0
    max_simulations: int = 2000
    max_minutes: int = 25
    ppc_draws: int = 30
    sha256: str = ""

    def targets(self, role: str | None = None) -> list[str]:
        """Target names (of one role, or all), in file order."""
        return [name for name, r in self.roles.items() if role in (None, r)]

    def band(self, name: str) -> tuple[float, float]:
        """The band a target is judged against (the registry's, or observed +/- scale from the file)."""
        if name in self.observed or name in self.scales:
            centre, scale = self.observed.get(name, TARGETS[name].observed), self.scale(name)
            return centre - scale, centre + scale
        return TARGETS[name].band

    def scale(self, name: str) -> float:
        """Distance unit of a target."""
        return self.scales.get(name, TARGETS[name].scale)

    def point(self, parameter: Mapping[str, float]) -> dict[str, Any]:
        """A pyabc parameter as model parameter values."""
        return {p.name: p.value(parameter[p.name]) for p in self.priors}


EXAMPLES_DIR = Path(__file__).resolve().parent / "examples" / "calibration"
"""Shipped calibration and robustness files (not sweep experiments)."""


def resolve_path(name_or_path: str | Path) -> Path:
    """The given file, or the shipped calibration or robustness example of that name."""
    path = Path(name_or_path)
    shipped = EXAMPLES_DIR / f"{name_or_path}.toml"
    if path.is_file():
        return path
    if path.suffix != ".toml" and shipped.is_file():
        return shipped
    raise ParameterError(f"file not found: '{name_or_path}'. Shipped examples: "
                         f"{', '.join(sorted(p.stem for p in EXAMPLES_DIR.glob('*.toml')))}")


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parsed TOML and the file's sha256 (one clear line if it is not TOML)."""
    raw = path.read_bytes()
    try:
        return tomllib.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ParameterError(f"{path}: not valid TOML: {err}") from None


def load_calibration(name_or_path: str | Path) -> Calibration:
    """Read and validate a calibration file (a path or a shipped example name)."""
    path = resolve_path(name_or_path)
    data, sha = read_toml(path)
    return calibration_from_mapping(data, source=str(path), sha256=sha, default_name=path.stem)


def unknown_keys(data: Mapping[str, Any], allowed_keys: tuple[str, ...], where: str) -> None:
    """One line naming an unknown key, the closest allowed one and all allowed keys."""
    import difflib
    for key in data:
        if key not in allowed_keys:
            close = difflib.get_close_matches(key, allowed_keys, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ParameterError(f"{where}unknown key '{key}'.{hint} Allowed keys: {', '.join(allowed_keys)}")


def calibration_from_mapping(data: Mapping[str, Any], source: str = "calibration", sha256: str = "",
                             default_name: str = "calibration") -> Calibration:
    """Validate a parsed calibration table; every error names the file, the field and the allowed values."""
    unknown_keys(data, TOP_LEVEL, f"{source}: ")
    abc = _table(data, "abc", source)
    unknown_keys(abc, (*ABC_KEYS, "min_epsilon"), f"{source}: [abc] ")
    numbers = {key: _integer(abc, key, lo, hi, f"{source}: [abc]", default) for key, (lo, hi, default)
               in ABC_KEYS.items()}
    min_epsilon = abc.get("min_epsilon", 0.0)
    if isinstance(min_epsilon, bool) or not isinstance(min_epsilon, (int, float)) or min_epsilon < 0:
        raise ParameterError(f"{source}: [abc] min_epsilon={min_epsilon!r}: expected a number >= 0 "
                             "(distance in band half-widths)")
    fixed = _table(data, "params", source)
    check_keys(fixed, where=f"{source}: [params] ")
    priors = _priors(_table(data, "priors", source), fixed, source)
    settings = _settings(_table(data, "settings", source), source)
    roles, observed, scales = _targets(_table(data, "targets", source), source)
    calibration = Calibration(
        name=_expect(data, "name", str, "text", source, default=default_name),
        description=_expect(data, "description", str, "text", source, default=""),
        seed=_integer(data, "seed", 0, 2**32 - 1, source, default=0), priors=priors, roles=roles,
        observed=observed, scales=scales, settings=settings, fixed=fixed, min_epsilon=float(min_epsilon),
        sha256=sha256, **numbers)
    for name in {TARGETS[t].setting for t in roles}:
        if problem := settings[name].problem(settings[name].params_for({}, fixed)):
            raise ParameterError(f"{source}: [settings.{name}] {problem}")
        for prior in priors:
            for x in (prior.lo, prior.hi):
                try:
                    settings[name].params_for({prior.name: prior.value(x)}, fixed)
                except ParameterError as err:
                    raise ParameterError(f"{source}: setting '{name}' with the prior of {prior.name}: {err}") from None
    return calibration


def _table(data: Mapping[str, Any], key: str, source: str) -> dict[str, Any]:
    return _expect(dict(data), key, dict, f"a table [{key}]", source, default={})


def _priors(table: dict[str, Any], fixed: dict[str, Any], source: str) -> tuple[Prior, ...]:
    if not table:
        raise ParameterError(f"{source}: [priors] is empty: name at least one parameter to fit, e.g. "
                             "cohesion_mean = [0.5, 0.85]")
    check_keys(table, where=f"{source}: [priors] ")
    priors = []
    for name, entry in table.items():
        where = f"{source}: [priors] {name}"
        s = spec(name)
        if s.lo is None or kind(name) not in (int, float):
            raise ParameterError(f"{where}: not numeric ({allowed(name)}); choose a numeric parameter")
        if name in fixed:
            raise ParameterError(f"{where}: also fixed in [params]; keep it in one")
        if isinstance(entry, list):
            entry = dict(zip(("lo", "hi"), entry)) if len(entry) == 2 else {"bad": entry}
        if not isinstance(entry, dict):
            raise ParameterError(f"{where}={entry!r}: expected [lo, hi] or {{ lo = .., hi = .., scale = "
                                 "\"linear\"|\"log\" }")
        unknown_keys(entry, ("lo", "hi", "scale"), f"{where}: ")
        lo, hi, scale = entry.get("lo", s.lo), entry.get("hi", s.hi), entry.get("scale", "linear")
        if scale not in SCALES:
            raise ParameterError(f"{where}: scale={scale!r}: expected one of {', '.join(SCALES)}")
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi))
        if not ok or not s.lo <= lo < hi <= s.hi or scale == "log" and lo <= 0:
            raise ParameterError(f"{where}: expected lo < hi within [{s.lo:g}, {s.hi:g}] ({s.unit})"
                                 + ("; lo > 0 for scale = \"log\"" if scale == "log" else "") + f", got {entry!r}")
        priors.append(Prior(name, float(lo), float(hi), scale))
    return tuple(priors)


def _settings(table: dict[str, Any], source: str) -> dict[str, Setting]:
    settings = dict(SETTINGS)
    for name, entry in table.items():
        where = f"{source}: [settings.{name}]"
        if name not in SETTINGS:
            raise ParameterError(f"{where}: unknown setting; known settings: {', '.join(SETTINGS)}")
        if not isinstance(entry, dict):
            raise ParameterError(f"{where} must be a table with {', '.join(SETTING_KEYS)}")
        unknown_keys(entry, SETTING_KEYS, f"{where} ")
        params = _table(entry, "params", where)
        check_keys(params, where=f"{where} params: ")
        settings[name] = replace(SETTINGS[name], steps=_integer(entry, "steps", 1, 5 * 365, where,
                                                                SETTINGS[name].steps),
                                 replicates=_integer(entry, "replicates", 1, 100, where, SETTINGS[name].replicates),
                                 params={**SETTINGS[name].params, **params})
    return settings


def _targets(table: dict[str, Any], source: str) -> tuple[dict[str, str], dict[str, float], dict[str, float]]:
    roles, observed, scales = {}, {}, {}
    for name, entry in table.items():
        where = f"{source}: [targets] {name}"
        registered = target(name)
        entry = {"role": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict):
            raise ParameterError(f"{where}={entry!r}: expected \"calibration\", \"validation\" or "
                                 "{ role = .., observed = .., scale = .. }")
        unknown_keys(entry, ("role", "observed", "scale"), f"{where}: ")
        role = entry.get("role")
        if role not in ROLES:
            raise ParameterError(f"{where}: role={role!r}: expected one of {', '.join(ROLES)}")
        for key, store in (("observed", observed), ("scale", scales)):
            if key in entry:
                value = entry[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                        or key == "scale" and value <= 0:
                    raise ParameterError(f"{where}: {key}={value!r}: expected a "
                                         f"{'positive ' if key == 'scale' else ''}number")
                store[name] = float(value)
        if role == "calibration" and registered.observed is None and name not in observed:
            raise ParameterError(f"{where}: a pass/fail pattern without a point value cannot be a calibration "
                                 "target; make it \"validation\" or give observed = .. and scale = ..")
        if name in scales and name not in observed and registered.observed is None:
            raise ParameterError(f"{where}: scale needs observed = .. (this target has no registered value)")
        roles[name] = role
    if "calibration" not in roles.values():
        raise ParameterError(f"{source}: [targets] has no calibration target; mark at least one "
                             f"\"calibration\" (known targets: {', '.join(TARGETS)})")
    return roles, observed, scales


class Simulator:
    """The pyabc model: a parameter point -> the calibration targets' simulated values (picklable)."""

    def __init__(self, calibration: Calibration) -> None:
        self.names = calibration.targets("calibration")
        self.calibration = calibration

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, float]:
        leave_interrupts_to_the_parent()
        seed = int(np.random.randint(0, 2**32 - 1))  # pyabc seeds each worker's global generator
        cal = self.calibration
        checks = evaluate(self.names, cal.point(parameter), cal.settings, cal.fixed, seed)
        return {name: float(check.value) for name, check in checks.items()}


def leave_interrupts_to_the_parent() -> None:
    """In one of pyabc's forked worker processes, ignore Ctrl-C: the parent stops the run and saves what
    finished (no traceback from every worker; these daemon workers end with the parent)."""
    import multiprocessing
    import signal
    import threading

    if multiprocessing.parent_process() is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class BandDistance:
    """Root mean square of (simulated - observed) / scale over the calibration targets; inf if any is NaN."""

    def __init__(self, scales: Mapping[str, float]) -> None:
        self.scales = dict(scales)

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        z = np.array([(x[k] - x0[k]) / s for k, s in self.scales.items()], dtype=float)
        return float(np.sqrt(np.mean(z**2))) if np.all(np.isfinite(z)) else math.inf


def observed_values(cal: Calibration) -> dict[str, float]:
    """Observed values of the calibration targets (the file's, else the registry's)."""
    return {name: cal.observed.get(name, TARGETS[name].observed) for name in cal.targets("calibration")}


def make_abc(cal: Calibration, sampler: Any) -> Any:
    """The pyabc ABCSMC object of a calibration."""
    import pyabc

    prior = pyabc.Distribution(**{p.name: p.rv() for p in cal.priors})
    distance = BandDistance({name: cal.scale(name) for name in cal.targets("calibration")})
    return pyabc.ABCSMC(Simulator(cal), prior, distance, population_size=cal.population, sampler=sampler)


def make_sampler(workers: int, scheduler: str | None) -> tuple[Any, Callable[[], None]]:
    """pyabc's multicore sampler (or one core), or its Dask sampler on ``scheduler``; and a close function."""
    from pyabc.sampler import DaskDistributedSampler, MulticoreEvalParallelSampler, SingleCoreSampler

    if scheduler:
        from experiments.executors import connect
        client = connect(scheduler)
        return DaskDistributedSampler(dask_client=client), client.close
    if workers > 1:
        return MulticoreEvalParallelSampler(n_procs=workers, check_max_eval=True), lambda: None
    return SingleCoreSampler(check_max_eval=True), lambda: None


@dataclass
class GenerationReport:
    """Where a calibration stands after a generation (for a progress display)."""

    generation: int
    epsilon: float
    acceptance: float
    simulations: int
    seconds: float
    stop: str = ""


def generations(history: Any) -> pd.DataFrame:
    """pyabc's stored generations (its first sample from the prior, t = -1, left out)."""
    pops = history.get_all_populations()
    return pops[pops["t"] >= 0]


def spent(history: Any, discarded: int) -> int:
    """Simulations so far: those pyabc stored, and the ``discarded`` ones of generations cut short."""
    return (int(history.total_nr_simulations) if history is not None and history.max_t >= 0 else 0) + discarded


def stop_reason(cal: Calibration, history: Any, seconds_this_session: float, discarded: int = 0) -> str:
    """Why the calibration is finished ('' if it is not); ``discarded`` simulations of generations cut short
    count against ``max_simulations``."""
    if (used := spent(history, discarded)) >= cal.max_simulations:
        return f"{used} simulations >= max_simulations {cal.max_simulations}"
    if history is None or history.max_t < 0:
        return ""
    pops = generations(history)
    if len(pops) >= cal.generations:
        return f"{cal.generations} generations"
    if float(pops["epsilon"].iloc[-1]) <= cal.min_epsilon:
        return f"distance threshold {float(pops['epsilon'].iloc[-1]):.3g} <= min_epsilon {cal.min_epsilon:g}"
    if seconds_this_session >= 60 * cal.max_minutes:
        return f"time limit of {cal.max_minutes} minutes"
    return ""


def generation_budget(cal: Calibration, used: int, seconds_left: float, pace: float | None) -> float:
    """Most simulations the next generation may use: what is left of ``max_simulations`` after ``used`` and,
    given a ``pace`` (simulations a second, from the generations stored so far), of the session's time, but at
    least one population. pyabc otherwise samples a generation until it is full, however long that takes.
    Local samplers stop there; pyabc's Dask sampler ignores it, so on Dask a generation runs until it is full
    and the budgets are checked between generations."""
    left = max(cal.max_simulations - used, cal.population)
    if pace:
        left = min(left, max(pace * seconds_left, cal.population))
    return float(left)


def stored_pace(history: Any) -> float | None:
    """Simulations a second over the stored generations (pyabc records each one's samples and wall time)."""
    pops = generations(history)
    seconds = float(pops["wall_time"].sum()) if len(pops) else 0.0
    return float(pops["samples"].sum()) / seconds if seconds > 0 else None


def report_generation(history: Any, cal: Calibration, start: float, on_generation: Callable[[GenerationReport], None]
                      ) -> None:
    """Tell ``on_generation`` where the calibration stands after its last finished generation."""
    last = history.get_all_populations().iloc[-1]
    on_generation(GenerationReport(int(last["t"]), float(last["epsilon"]),
                                   cal.population / max(int(last["samples"]), 1), int(history.total_nr_simulations),
                                   time.perf_counter() - start))


def generation_seed(seed: int, generation: int) -> int:
    """Seed of pyabc's global generator for one generation: a resumed run draws what an uninterrupted one
    would (on one core; parallel workers reseed themselves)."""
    return int(np.random.SeedSequence([seed, generation]).generate_state(1)[0])


def run_abc(cal: Calibration, out: Path, workers: int = 1, scheduler: str | None = None, resume: bool = False,
            on_generation: Callable[[GenerationReport], None] | None = None) -> Any:
    """Run (or resume) ABC-SMC into ``out/abc.db`` generation by generation; returns pyabc's History."""
    out.mkdir(parents=True, exist_ok=True)
    db, state_path = out / "abc.db", out / "manifest.json"
    if db.exists() and not resume:
        raise ParameterError(f"--out {out} already holds a calibration (abc.db); add --resume to continue it, "
                             "or choose another --out")
    if resume and not db.exists():
        raise ParameterError(f"--resume: {out} holds no calibration (no abc.db) to continue; run without --resume")
    if resume and state_path.exists():
        prior_sha = json.loads(state_path.read_text()).get("calibration_sha256")
        if prior_sha and cal.sha256 and prior_sha != cal.sha256:
            raise ParameterError(f"--resume: {out} was made from a different calibration file (sha256 "
                                 f"{prior_sha[:12]}..., this one {cal.sha256[:12]}...); use another --out")
    discarded = _discarded(state_path) if resume else 0
    sampler, close = make_sampler(workers, scheduler)
    quiet_pyabc()
    url = f"sqlite:///{db.resolve()}"

    def mark_running() -> None:
        write_json(manifest(calibration=cal.name, calibration_sha256=cal.sha256, seed=cal.seed, status="running",
                            discarded_simulations=discarded, backend=scheduler or f"{workers} local process(es)",
                            versions_extra=_pyabc_version()), state_path)
    mark_running()
    start = time.perf_counter()
    try:
        np.random.seed(generation_seed(cal.seed, 0))
        abc = make_abc(cal, sampler)
        history = abc.load(url, 1) if resume else abc.new(url, observed_values(cal))
        if on_generation and history.max_t >= 0:
            report_generation(history, cal, start, on_generation)
        while not (reason := stop_reason(cal, history, time.perf_counter() - start, discarded)):
            if history.max_t >= 0:  # a fresh object per generation: pyabc's own resume path (see docs)
                abc = make_abc(cal, sampler)
                history = abc.load(url, 1)
            np.random.seed(generation_seed(cal.seed, history.max_t + 1))
            seconds_left = max(1.0, 60 * cal.max_minutes - (time.perf_counter() - start))
            last = history.max_t
            budget = generation_budget(cal, spent(history, discarded), seconds_left,
                                       stored_pace(history) if last >= 0 else None)
            history = abc.run(max_nr_populations=1, minimum_epsilon=cal.min_epsilon,
                              max_total_nr_simulations=cal.max_simulations,
                              max_walltime=timedelta(seconds=seconds_left), min_acceptance_rate=cal.population / budget)
            if history.max_t == last:
                discarded += int(getattr(sampler, "nr_evaluations_", 0) or budget)
                mark_running()
                reason = (f"the budget ran out during generation {last + 1} (at most {budget:,.0f} simulations "
                          "left; its partial sample is not kept)")
                break
            if on_generation:
                report_generation(history, cal, start, on_generation)
    finally:
        close()
    if history.max_t < 0:
        raise ParameterError(f"no generation finished within max_simulations={cal.max_simulations} and "
                             f"max_minutes={cal.max_minutes:g} ({reason}); raise them or lower population="
                             f"{cal.population}")
    if on_generation:
        on_generation(GenerationReport(history.max_t, math.nan, math.nan, spent(history, discarded),
                                       time.perf_counter() - start, reason))
    return history


def _discarded(state_path: Path) -> int:
    """Simulations of generations cut short in earlier sessions (kept in the manifest; pyabc stores none)."""
    try:
        return int(json.loads(state_path.read_text()).get("discarded_simulations", 0))
    except (OSError, ValueError, AttributeError, TypeError):
        return 0


def quiet_pyabc() -> None:
    """Silence pyabc's per-generation INFO logging (the command shows its own progress)."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("ABC", "pyabc")):
            logging.getLogger(name).setLevel(logging.WARNING)


def _pyabc_version() -> dict[str, str]:
    from importlib import metadata
    found = {}
    for name in ("pyabc", "SALib", "dask", "distributed"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def posterior_table(cal: Calibration, history: Any) -> pd.DataFrame:
    """The last generation's particles: parameter values (as used), normalised weight, generation."""
    df, w = history.get_distribution(t=history.max_t)
    table = pd.DataFrame({p.name: [p.value(x) for x in df[p.name]] for p in cal.priors})
    return table.assign(weight=np.asarray(w, float) / np.sum(w), generation=int(history.max_t))


def generations_table(history: Any, population: int) -> pd.DataFrame:
    """Per generation: distance threshold, simulations and acceptance rate."""
    pops = generations(history)
    return pd.DataFrame({"generation": pops["t"].astype(int), "epsilon": pops["epsilon"].astype(float),
                         "simulations": pops["samples"].astype(int),
                         "acceptance_rate": population / pops["samples"].astype(float)}).reset_index(drop=True)


def summarise_posterior(cal: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior range, weighted posterior mean, median and 90% credible interval, and how much of
    the prior range the interval still covers."""
    rows = []
    for p in cal.priors:
        lo, med, hi = weighted_quantiles(posterior[p.name].to_numpy(float), posterior["weight"].to_numpy(), (0.05, 0.5, 0.95))
        width = (math.log(hi / lo) / math.log(p.hi / p.lo)) if p.scale == "log" and lo > 0 else (hi - lo) / (p.hi - p.lo)
        rows.append({"parameter": p.name, "prior": f"{p.lo:g} to {p.hi:g}" + (" (log)" if p.scale == "log" else ""),
                     "default": getattr(Params(), p.name),
                     "mean": float(np.average(posterior[p.name], weights=posterior["weight"])),
                     "median": med, "ci90_low": lo, "ci90_high": hi, "ci90_share_of_prior": width})
    return pd.DataFrame(rows)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> tuple[float, ...]:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF)."""
    order = np.argsort(values)
    cdf = np.cumsum(np.asarray(weights, float)[order])
    cdf /= cdf[-1]
    return tuple(float(values[order][min(np.searchsorted(cdf, q), len(values) - 1)]) for q in qs)


def ppc_task(task: dict[str, Any]) -> dict[str, Any]:
    """One posterior-predictive draw: every target's value and pass/fail (runs in a worker)."""
    checks = evaluate(task["targets"], task["point"], task["settings"], task["fixed"], task["seed"])
    return {"draw": task["draw"], **task["point"],
            **{f"{name}": check.value for name, check in checks.items()},
            **{f"{name}_passed": check.passed for name, check in checks.items()}}


def posterior_predictive(cal: Calibration, posterior: pd.DataFrame, workers: int = 1,
                         scheduler: str | None = None, on_draw: Callable[[], None] | None = None) -> pd.DataFrame:
    """Simulate every target (calibration and held back) at ``ppc_draws`` parameter sets drawn from the posterior."""
    from concurrent.futures import as_completed

    from experiments.executors import open_executor
    from simulation.replicates import replicate_seeds

    rng = np.random.default_rng(np.random.SeedSequence(cal.seed, spawn_key=(1,)))
    picks = rng.choice(len(posterior), size=cal.ppc_draws, p=posterior["weight"].to_numpy(float))
    seeds = replicate_seeds(cal.seed + 1, cal.ppc_draws)
    tasks = [{"draw": d, "point": {p.name: posterior[p.name].iloc[i] for p in cal.priors}, "seed": seeds[d],
              "targets": cal.targets(), "settings": cal.settings, "fixed": cal.fixed}
             for d, i in enumerate(picks)]
    for task in tasks:
        task["point"] = {k: (int(v) if kind(k) is int else float(v)) for k, v in task["point"].items()}
    rows = []
    with open_executor(workers, scheduler) as backend:
        futures = [backend.executor.submit(ppc_task, task) for task in tasks]
        for future in as_completed(futures):
            rows.append(future.result())
            if on_draw:
                on_draw()
    return pd.DataFrame(rows).sort_values("draw", ignore_index=True)


def check_targets(cal: Calibration, ppc: pd.DataFrame) -> pd.DataFrame:
    """Per target: role, observed, band, posterior-predictive median and 90% interval, share of draws passing,
    and the result (pass if more than half the draws pass the target's check)."""
    rows = []
    for name in cal.targets():
        values = ppc[name].to_numpy(float)
        lo, hi = cal.band(name)
        custom = name in cal.observed or name in cal.scales
        passed = ((values >= lo) & (values <= hi)) if custom else ppc[f"{name}_passed"].to_numpy(bool)
        finite = values[np.isfinite(values)]
        q = np.quantile(finite, (0.05, 0.5, 0.95)) if len(finite) else (math.nan,) * 3
        observed = cal.observed.get(name, TARGETS[name].observed)
        rows.append({"target": name, "role": cal.roles[name], "observed": observed, "band_low": lo, "band_high": hi,
                     "ppc_median": q[1], "ppc_low": q[0], "ppc_high": q[2], "share_passing": float(np.mean(passed)),
                     "result": "pass" if np.mean(passed) > 0.5 else "FAIL", "source": TARGETS[name].source})
    return pd.DataFrame(rows)


def write_outputs(cal: Calibration, history: Any, ppc: pd.DataFrame, out: Path, stop: str,
                  seconds: float, backend: str) -> dict[str, pd.DataFrame]:
    """Posterior Parquet, generation and target tables, figures, report.md and the manifest."""
    from experiments.calibration_report import write_report

    posterior = posterior_table(cal, history)
    tables = {"posterior": posterior, "summary": summarise_posterior(cal, posterior),
              "generations": generations_table(history, cal.population), "targets": check_targets(cal, ppc),
              "ppc": ppc}
    write_parquet(posterior, out / "posterior.parquet")
    write_parquet(ppc, out / "ppc.parquet")
    for name in ("summary", "generations", "targets"):
        tables[name].to_csv(out / f"{name}.csv", index=False)
    written = write_report(cal, tables, out, stop, int(history.total_nr_simulations))
    sha = hashlib.sha256((out / "posterior.parquet").read_bytes()).hexdigest()
    write_json(manifest(calibration=cal.name, calibration_sha256=cal.sha256, seed=cal.seed, status="complete",
                        stop=stop, simulations=int(history.total_nr_simulations),
                        discarded_simulations=_discarded(out / "manifest.json"), seconds_last_session=seconds,
                        backend=backend, posterior_sha256=sha, particles=len(posterior),
                        priors=[vars(p) for p in cal.priors], roles=cal.roles,
                        observed=observed_values(cal), fixed=cal.fixed,
                        settings={k: v.record() for k, v in cal.settings.items()},
                        files=["posterior.parquet", "ppc.parquet", "summary.csv", "generations.csv",
                               "targets.csv", *written], versions_extra=_pyabc_version()),
               out / "manifest.json")
    return tables


def load_posterior(path: str | Path) -> pd.DataFrame:
    """A posterior written by a calibration (its ``posterior.parquet``, or the directory holding it)."""
    path = Path(path)
    path = path / "posterior.parquet" if path.is_dir() else path
    if not path.is_file():
        raise ParameterError(f"posterior {str(path)!r}: no such file; give the posterior.parquet a calibration "
                             "wrote (saferstreets calibrate ... --out DIR)")
    table = pd.read_parquet(path)
    if "weight" not in table:
        raise ParameterError(f"posterior {str(path)!r}: no 'weight' column; not a calibration posterior")
    check_keys({c: None for c in table if c not in ("weight", "generation")}, where=f"posterior {path}: ")
    return table

"""Bad inputs on the six surfaces of saferstreets, and how each one is answered.

Each :class:`Case` is one distinct bad input: a ``--set`` value, a scenario
file, an experiment file, a network file, command-line arguments or a Python
API call. :func:`run_case` runs it in a sandbox directory under a deadline
and classifies the answer:

* ``clean``: one line ``error: ...`` naming the field or file (or, from the
  API, a one-line ``ParameterError``/``EnvironmentFault`` naming it), the
  right exit code, nothing written outside the output folder;
* ``traceback``, ``internal`` (the catch-all "internal error" line),
  ``hang`` (over the deadline), ``silent`` (accepted), ``escape`` (a file
  written outside the output folder) or ``unclear`` (an error, but not one
  line, without the name, or with the wrong exit code).

``python tests/fuzz/fuzzkit.py`` prints the counts by surface and kind (run
it with ``PYTHONPATH`` pointing at an older checkout to count "before").
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import os
import random
import shutil
import signal
import socketserver
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

DEADLINE_S = 20.0
"""A case taking longer than this is a hang."""
TINY = ("--steps", "1", "--set", "n_residents=20", "--set", "n_neighbourhoods=1")
"""Options that keep an accidentally accepted run short."""
OUT = ("--out", "{d}/out")
SURFACES = ("set", "scenario", "experiment", "network", "cli", "api")


@dataclass(frozen=True)
class Case:
    """One bad input and what a clean answer must contain."""

    surface: str
    name: str
    needle: str
    argv: tuple[str, ...] = ()
    """Command-line arguments; ``{d}`` is the sandbox, ``{service}`` a fake loopback service's address."""
    files: tuple[tuple[str, bytes], ...] = ()
    code: int = 2
    call: Callable[[Path], Any] | None = None
    """For API cases: called with the sandbox; must raise a one-line error."""
    prepare: Callable[[Path], None] | None = None
    service: str = ""
    """A fake loopback service to start: 'http', 'banner' or 'close'."""
    preamble: bool = False
    """Lines (e.g. a sweep's plan) may come before the error line."""
    new: bool = False
    """Uses an option added by issue 14 (left out of 'before' counts)."""


@dataclass
class Outcome:
    kind: str
    detail: str = ""
    seconds: float = 0.0
    output: str = field(default="", repr=False)


class Hang(BaseException):
    """The deadline passed (BaseException, so no ``except Exception`` in the code under test swallows it)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)  # and again each second, should clean-up wait too
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ----------------------------------------------------------------------- fake services (loopback only, bounded)
@contextlib.contextmanager
def fake_service(kind: str) -> Iterator[str]:
    """A service on 127.0.0.1 that is not a Dask scheduler: an HTTP server, an SSH-like banner, or a hang-up."""
    if kind == "http":
        class Quiet(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass
        server: socketserver.BaseServer = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
    else:
        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                if kind == "banner":
                    self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
                    self.request.settimeout(5)
                    with contextlib.suppress(OSError):
                        self.request.recv(1024)
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# -------------------------------------------------------------------------------------------- running a case
def snapshot(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


def run_case(case: Case, sandbox: Path, seconds: float = DEADLINE_S) -> Outcome:
    """Run ``case`` in ``sandbox`` (an empty directory) and classify the answer."""
    for name, content in case.files:
        (sandbox / name).parent.mkdir(parents=True, exist_ok=True)
        (sandbox / name).write_bytes(content)
    if case.prepare:
        case.prepare(sandbox)
    before = snapshot(sandbox)
    start = time.monotonic()
    with fake_service(case.service) if case.service else contextlib.nullcontext("") as address, \
            contextlib.chdir(sandbox):
        try:
            with deadline(seconds):
                outcome = _run_api(case, sandbox) if case.call else _run_cli(case, sandbox, address)
        except Hang:
            outcome = Outcome("hang", f"over {seconds:g} s")
    outcome.seconds = time.monotonic() - start
    escaped = sorted(str(p) for p in snapshot(sandbox) - before
                     if p.parts[0] not in ("out", "results") and not p.name.startswith(".pytest"))
    if escaped and outcome.kind == "clean":
        return Outcome("escape", f"wrote {escaped[:3]}", outcome.seconds, outcome.output)
    return outcome


def _run_cli(case: Case, sandbox: Path, address: str) -> Outcome:
    from typer.testing import CliRunner

    from experiments.cli import app

    argv = [a.format(d=sandbox, service=address) for a in case.argv]
    result = CliRunner().invoke(app, argv, env={"COLUMNS": "200", "SAFERSTREETS_DEBUG": ""})
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return Outcome("traceback", f"{type(result.exception).__name__}: {result.exception}"[:300], output=output)
    if "Traceback (most recent call last)" in output:
        return Outcome("traceback", output.strip().splitlines()[-1][:300], output=output)
    if "internal error:" in output:
        return Outcome("internal", output.strip()[:300], output=output)
    if result.exit_code == 0:
        return Outcome("silent", "exit code 0", output=output)
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    problems = []
    if result.exit_code != case.code:
        problems.append(f"exit code {result.exit_code}, expected {case.code}")
    if len(errors) != 1 or lines[-1] != errors[0] or (len(lines) > 1 and not case.preamble):
        problems.append(f"not one 'error:' line ({len(lines)} lines)")
    elif case.needle.lower() not in errors[0].lower():
        problems.append(f"does not name {case.needle!r}")
    if problems:
        return Outcome("unclear", "; ".join(problems) + f": {output.strip()[-300:]!r}", output=output)
    return Outcome("clean", errors[0][:300], output=output)


def _run_api(case: Case, sandbox: Path) -> Outcome:
    from simulation.params import ParameterError
    try:
        from simulation.files import EnvironmentFault
    except ImportError:  # before issue 14
        EnvironmentFault = ParameterError  # noqa: N806
    try:
        result = case.call(sandbox)
    except (ParameterError, EnvironmentFault) as err:
        message = str(err)
        if "\n" in message or case.needle.lower() not in message.lower():
            return Outcome("unclear", f"{message[:300]!r}")
        return Outcome("clean", message[:300])
    except Exception as err:  # noqa: BLE001 - what the fuzz suite looks for
        return Outcome("traceback", f"{type(err).__name__}: {err}"[:300])
    return Outcome("silent", f"returned {result!r}"[:300])


# --------------------------------------------------------------------------------------------- helpers
def toml(text: str) -> bytes:
    return text.encode()


def fifo(name: str) -> Callable[[Path], None]:
    return lambda d: os.mkfifo(d / name)


def directory(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).mkdir(parents=True)


def symlink_loop(name: str) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        (d / name).symlink_to(d / f"{name}.2")
        (d / f"{name}.2").symlink_to(d / name)
    return make


def damaged_files() -> list[tuple[str, bytes, str]]:
    """Files that are not UTF-8 TOML, too deep or too large: (name, content, what the message names)."""
    rng = random.Random(14)
    body = 'name = "x"\ndescription = "café"\n'
    return [
        ("utf16-bom", body.encode("utf-16"), "UTF-16"),
        ("utf16le-no-bom", body.encode("utf-16-le"), "UTF-16"),
        ("utf16be-no-bom", body.encode("utf-16-be"), "UTF-16"),
        ("utf32", body.encode("utf-32"), "UTF-"),
        ("latin1", body.encode("latin-1"), "not UTF-8"),
        ("cp1252-quotes", 'name = “x”\n'.encode("cp1252"), "not UTF-8"),
        ("random-binary", rng.randbytes(3000), "line"),
        ("nul-byte", b'name = "x"\n\x00\n', "NUL"),
        ("png-header", b"\x89PNG\r\n\x1a\n" + rng.randbytes(200), "line"),
        ("gzip", gzip.compress(body.encode()), "line"),
        ("arrays-17-deep", toml("a = " + "[" * 17 + "]" * 17), "nested"),
        ("arrays-1000-deep", toml("a = " + "[" * 1000 + "]" * 1000), "nested"),
        ("arrays-200000-unclosed", toml("a = " + "[" * 200_000), "toml"),
        ("inline-tables-30-deep", toml("a = " + "{b = " * 30 + "1" + "}" * 30), "nested"),
        ("dotted-keys-40-deep", toml(".".join(["a"] * 40) + " = 1\n"), "nested"),
        ("table-header-40-deep", toml("[" + ".".join(["t"] * 40) + "]\nx = 1\n"), "nested"),
        ("over-1mb", toml('description = "' + "x" * 1_100_000 + '"\n'), "limit"),
        ("unclosed-string", toml('name = "x\n'), "toml"),
        ("duplicate-key", toml('name = "a"\nname = "b"\n'), "toml"),
        ("missing-value", toml("name =\n"), "toml"),
        ("bare-words", toml("this is not toml\n"), "toml"),
        ("unclosed-table", toml("[params\n"), "toml"),
        ("bad-escape", toml('name = "\\q"\n'), "toml"),
        ("json", toml('{"name": "x"}\n'), "toml"),
        ("yaml", toml("name: x\nparams:\n  p_home: 0.5\n"), "toml"),
        ("python", toml("import os\nos.system('echo pwned')\n"), "toml"),
        ("long-garbage-line", toml("a" * 500_000), "toml"),
        ("control-char-in-string", toml('name = "a\x01b"\n'), "toml"),
        ("lone-surrogate-escape", toml('name = "\\uD800"\n'), "toml"),
    ]


# ----------------------------------------------------------------------------------------- the six surfaces
def set_cases() -> list[Case]:
    """--set values: for every parameter, values of the wrong type, out of range or not finite."""
    from simulation.params import FIELDS, kind, spec

    cases = []
    for name in FIELDS:
        s, k = spec(name), kind(name)
        if name == "network_file":
            continue
        if s.choices:
            bad = ["nope", s.choices[0].upper() + "!"]
        elif k is int:
            bad = ["lots", "2.5", f"{s.hi * 10 + 1:.0f}" if s.hi is not None else "-1"]
        else:
            bad = ["abc", "nan", "1e400", str(float(s.hi * 2 + 1)) if s.hi is not None else "inf"]
        for value in bad:
            cases.append(Case("set", f"{name}={value}", name, ("run", "baseline", *TINY, "--set", f"{name}={value}",
                                                               *OUT)))
    structural = [("no-equals", "p_home", "key=value"), ("empty-key", "=3", "key=value"),
                  ("blank", "", "key=value"), ("typo", "n_organisrs=3", "n_organisers"),
                  ("unknown", "colour=red", "colour"), ("two-equals", "p_home=0.5=1", "p_home"),
                  ("comma-decimal", "p_home=0,5", "p_home"), ("unicode-half", "p_home=½", "p_home"),
                  ("spaces-only-value", "p_home=   ", "p_home"), ("nul-in-value", "p_home=0.5\0", "p_home"),
                  ("shares-do-not-add-up", "share_burglary=0.9", "add up to 1"),
                  ("int-as-fraction", "n_organisers=2.000001", "n_organisers"),
                  ("hex-int", "n_organisers=0x10", "n_organisers"), ("bool-for-int", "n_organisers=true", "n_organisers"),
                  ("huge-int", "n_residents=" + "9" * 5000, "n_residents"),
                  ("newline-in-value", "organising=listening\nbroadcast", "organising"),
                  ("network-file-missing", "network_file={d}/missing.txt", "network_file")]
    cases += [Case("set", f"structural-{name}", needle, ("run", "baseline", "--set", value, *TINY, *OUT))
              for name, value, needle in structural]
    return cases


def scenario_cases() -> list[Case]:
    """Scenario files: damaged files, bad fields and bad paths (run SCENARIO)."""
    cases = [Case("scenario", f"file-{name}", "s.toml", ("run", "{d}/s.toml", *TINY, *OUT),
                  files=(("s.toml", content),)) for name, content, _ in damaged_files()]
    fields = [
        ("unknown-top-key", 'colour = "red"\n', "colour"), ("typo-top-key", 'descripton = "x"\n', "descripton"),
        ("name-number", "name = 3\n", "name"), ("name-bool", "name = true\n", "name"), ("name-empty", 'name = ""\n', "name"),
        ("name-newline", 'name = "a\\nb"\n', "name"), ("name-too-long", f'name = "{"n" * 100}"\n', "name"),
        ("name-array", 'name = ["a"]\n', "name"), ("title-number", "title = 5\n", "title"),
        ("title-too-long", f'title = "{"t" * 200}"\n', "title"), ("description-array", 'description = ["a"]\n', "description"),
        ("description-multiline", 'description = """a\nb"""\n', "description"),
        ("params-number", "params = 3\n", "[params]"), ("params-string", 'params = "p_home=1"\n', "[params]"),
        ("params-array", "params = [1, 2]\n", "[params]"), ("param-typo", "[params]\nn_organisrs = 3\n", "n_organisers"),
        ("param-numeric-key", "[params]\n3 = 1\n", "'3'"), ("p_home-above", "[params]\np_home = 2.0\n", "p_home"),
        ("p_home-below", "[params]\np_home = -0.1\n", "p_home"), ("p_home-inf", "[params]\np_home = inf\n", "p_home"),
        ("p_home-nan", "[params]\np_home = nan\n", "p_home"), ("p_home-text", '[params]\np_home = "0.5"\n', "p_home"),
        ("p_home-bool", "[params]\np_home = true\n", "p_home"), ("p_home-date", "[params]\np_home = 1979-05-27\n", "p_home"),
        ("p_home-array", "[params]\np_home = [0.5]\n", "p_home"), ("p_home-table", "[params]\np_home = {x = 1}\n", "p_home"),
        ("n_residents-below", "[params]\nn_residents = 5\n", "n_residents"),
        ("n_residents-above", "[params]\nn_residents = 3000000\n", "n_residents"),
        ("n_residents-fraction", "[params]\nn_residents = 2.5\n", "n_residents"),
        ("n_residents-int64-max", "[params]\nn_residents = 9223372036854775807\n", "n_residents"),
        ("organising-unknown", '[params]\norganising = "door"\n', "organising"),
        ("organising-case", '[params]\norganising = "Listening"\n', "organising"),
        ("issue-unknown", '[params]\nbroadcast_issue = "parking"\n', "broadcast_issue"),
        ("shares-do-not-add-up", "[params]\nshare_burglary = 0.9\n", "add up to 1"),
        ("network-file-missing", '[params]\nnetwork_file = "/nonexistent/ties.txt"\n', "network_file"),
        ("network-file-number", "[params]\nnetwork_file = 3\n", "network_file"),
        ("params-subtable", "[params.extra]\nx = 1\n", "extra"),
        ("code-as-value", "[params]\nn_organisers = \"__import__('os').system('true')\"\n", "n_organisers"),
    ]
    cases += [Case("scenario", f"field-{name}", needle, ("run", "{d}/s.toml", *TINY, *OUT),
                   files=(("s.toml", toml(text)),)) for name, text, needle in fields]
    paths = [
        ("directory", "{d}/dir.toml", directory("dir.toml"), "dir.toml"),
        ("missing", "{d}/missing.toml", None, "missing.toml"),
        ("missing-under-dir", "{d}/sub/missing.toml", None, "missing.toml"),
        ("fifo", "{d}/pipe.toml", fifo("pipe.toml"), "pipe.toml"),
        ("device", "/dev/zero", None, "/dev/zero"),
        ("symlink-loop", "{d}/loop.toml", symlink_loop("loop.toml"), "loop.toml"),
        ("name-300-bytes", "{d}/" + "n" * 300 + ".toml", None, "bytes long"),
        ("path-5000-bytes", "{d}/" + "/".join(["p" * 200] * 25) + ".toml", None, "5,"),
        ("empty", "", None, "scenario"), ("unknown-name", "nowhere", None, "nowhere"),
        ("nul-in-name", "base\0line", None, "NUL"), ("upper-suffix", "baseline.TOML", None, "baseline.TOML"),
    ]
    cases += [Case("scenario", f"path-{name}", needle, ("run", arg, *TINY, *OUT), prepare=prep)
              for name, arg, prep, needle in paths]
    return cases


GOOD_EXPERIMENT = 'name = "t"\nseed = 1\nreplicates = 2\nsteps = 5\nscenarios = ["baseline"]\n'


def experiment_cases() -> list[Case]:
    """Experiment files (sweep FILE): damaged files, bad fields, run counts over the limit, escaping names."""
    sweep = ("sweep", "{d}/e.toml", *OUT)
    cases = [Case("experiment", f"file-{name}", "e.toml", sweep, files=(("e.toml", content),))
             for name, content, _ in damaged_files()]
    values = ", ".join(f"{0.001 * i:.3f}" for i in range(1, 1001))
    fields = [
        ("unknown-key", 'colour = "red"\n', "colour"), ("typo-key", 'replicate = 3\n', "replicates"),
        ("name-parent", 'name = "../escaped"\n', "name"), ("name-absolute", 'name = "/tmp/saferstreets-abs"\n', "name"),
        ("name-nested", 'name = "a/b"\n', "name"), ("name-dot", 'name = "."\n', "name"), ("name-dotdot", 'name = ".."\n', "name"),
        ("name-empty", 'name = ""\n', "name"), ("name-hidden", 'name = ".hidden"\n', "name"),
        ("name-space", 'name = "my sweep"\n', "name"), ("name-too-long", f'name = "{"n" * 80}"\n', "name"),
        ("name-newline", 'name = "a\\nb"\n', "name"), ("name-number", "name = 3\n", "name"),
        ("description-table", "description = {a = 1}\n", "description"),
        ("seed-negative", "seed = -1\n", "seed"), ("seed-too-big", "seed = 9223372036854775808\n", "seed"),
        ("seed-text", 'seed = "1"\n', "seed"), ("seed-fraction", "seed = 1.5\n", "seed"), ("seed-bool", "seed = true\n", "seed"),
        ("replicates-zero", "replicates = 0\n", "replicates"), ("replicates-1001", "replicates = 1001\n", "replicates"),
        ("replicates-fraction", "replicates = 2.5\n", "replicates"), ("steps-zero", "steps = 0\n", "steps"),
        ("steps-1826", "steps = 1826\n", "steps"), ("steps-negative", "steps = -5\n", "steps"),
        ("scenarios-empty", "scenarios = []\n", "scenarios"), ("scenarios-string", 'scenarios = "baseline"\n', "scenarios"),
        ("scenarios-numbers", "scenarios = [1]\n", "scenarios"), ("scenarios-unknown", 'scenarios = ["nowhere"]\n', "nowhere"),
        ("scenarios-repeated", 'scenarios = ["baseline", "baseline"]\n', "twice"),
        ("scenarios-missing-file", 'scenarios = ["../missing.toml"]\n', "missing.toml"),
        ("scenarios-many-repeats", "scenarios = [" + ", ".join(['"baseline"'] * 5000) + "]\n", "twice"),
        ("baseline-unknown", 'baseline = "nope"\n', "baseline"), ("baseline-number", "baseline = 3\n", "baseline"),
        ("level-unknown", 'level = "city"\n', "level"), ("level-number", "level = 3\n", "level"),
        ("metrics-empty", "metrics = []\n", "metrics"), ("metrics-unknown", 'metrics = ["nope"]\n', "nope"),
        ("metrics-string", 'metrics = "completed"\n', "metrics"),
        ("metrics-misspelt", 'metrics = ["eficacy"]\n', "eficacy"),
        ("params-number", "params = 3\n", "[params]"), ("params-typo", "[params]\nn_organisrs = 3\n", "n_organisers"),
        ("params-out-of-range", "[params]\np_home = 2\n", "p_home"),
        ("grid-number", "grid = 3\n", "[grid]"), ("grid-not-list", "[grid]\np_home = 0.5\n", "p_home"),
        ("grid-empty-list", "[grid]\np_home = []\n", "p_home"), ("grid-repeat", "[grid]\np_home = [0.5, 0.5]\n", "twice"),
        ("grid-results-column", "[grid]\nmean_degree = [4.0, 8.0]\n", "mean_degree"),
        ("grid-out-of-range", "[grid]\np_join = [2.0]\n", "p_join"),
        ("grid-and-params", "[params]\np_home = 0.5\n[grid]\np_home = [0.4, 0.6]\n", "p_home"),
        ("grid-unknown", "[grid]\ncolour = [1, 2]\n", "colour"),
        ("runs-a-million", f"[grid]\np_home = [{values}]\n", "runs"),
        ("runs-a-billion", f"[grid]\np_home = [{values}]\np_join = [{values}]\np_attempt = [{values}]\n", "runs"),
    ]
    for name, text, needle in fields:
        base = GOOD_EXPERIMENT
        key = text.split("=")[0].strip().strip("[").split("]")[0]
        if key in ("name", "seed", "replicates", "steps", "scenarios"):
            base = "\n".join(line for line in base.splitlines() if not line.startswith(key)) + "\n"
        if name == "runs-a-million":
            base = base.replace("replicates = 2", "replicates = 1000")
        cases.append(Case("experiment", f"field-{name}", needle, sweep, files=(("e.toml", toml(base + text)),)))
    cases += [
        Case("experiment", "max-runs-flag", "runs", ("sweep", "{d}/e.toml", "--max-runs", "1", *OUT),
             files=(("e.toml", toml(GOOD_EXPERIMENT)),), new=True),
        Case("experiment", "path-directory", "dir.toml", ("sweep", "{d}/dir.toml", *OUT), prepare=directory("dir.toml")),
        Case("experiment", "path-missing", "missing.toml", ("sweep", "{d}/missing.toml", *OUT)),
        Case("experiment", "path-fifo", "pipe.toml", ("sweep", "{d}/pipe.toml", *OUT), prepare=fifo("pipe.toml")),
        Case("experiment", "path-device", "/dev/zero", ("sweep", "/dev/zero", *OUT)),
        Case("experiment", "path-empty", "experiment", ("sweep", "", *OUT)),
        Case("experiment", "path-example-with-dir", "quick", ("sweep", "examples/quick", *OUT)),
    ]
    return cases


def network_cases() -> list[Case]:
    """Network files (--set network_file=...): malformed, ambiguous, unsafe or unreadable."""
    def run(name: str) -> tuple[str, ...]:
        return ("run", "baseline", *TINY, "--set", f"network_file={{d}}/{name}", *OUT)
    edge_lists = [
        ("self-tie", "0 1\n1 1\n"), ("self-tie-tabs", "0\t1\n2\t2\n"), ("self-tie-padded-zeros", "0 1\n3 003\n"),
        ("one-token", "0 1\n2\n"), ("four-tokens", "0 1 2 3\n"), ("word-after-ids", "0 1 strong\n"),
        ("semicolons", "0;1\n1;2\n"), ("repeat", "0 1\n0 1\n"), ("repeat-reversed", "0 1\n1 0\n"),
        ("repeat-padded-zeros", "00 1\n0 1\n"), ("out-of-range", "0 1\n1 20\n"), ("huge-id", "0 99999999999999999999999\n"),
        ("negative-id", "-5 1\n"), ("hex-id-mixed", "0 1\n0x1 2\n"), ("decimal-ids", "0 1\n1.0 2.0\n"),
        ("labels-too-few", "ann bob\nbob cat\n"), ("labels-with-numbers", "ann bob\n1 2\n3 4\n5 6\n"),
        ("empty", ""), ("comments-only", "# ties\n# none\n"), ("blank-lines", "\n\n   \n"),
        ("nul-byte", "0 1\n1\x002\n"), ("utf16", "0 1\n1 2\n".encode("utf-16")), ("latin1", "0 1\nj\xe9 2\n".encode("latin-1")),
        ("binary", random.Random(5).randbytes(2000)), ("gzip", gzip.compress(b"0 1\n1 2\n")),
        ("bad-line-10001", "".join(f"{i % 19} {i % 19 + 1}\n" for i in range(19)) + "\n" * 9981 + "7\n"),
        ("csv-header", "source,target\n0,1\n1,2\n"), ("json", '[[0, 1], [1, 2]]\n'),
    ]
    cases = [Case("network", f"edges-{name}", "network_file", run("net.txt"),
                  files=(("net.txt", text.encode() if isinstance(text, str) else text),))
             for name, text in edge_lists]
    g = '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">{}</graph></graphml>'
    nodes = "".join(f'<node id="{i}"/>' for i in range(20))
    graphml = [
        ("self-tie", g.format(nodes + '<edge source="3" target="3"/>')),
        ("node-twice", g.format(nodes + '<node id="4"/><edge source="0" target="1"/>')),
        ("undeclared-node", g.format(nodes + '<edge source="0" target="77"/>')),
        ("repeat", g.format(nodes + '<edge source="0" target="1"/><edge source="1" target="0"/>')),
        ("too-few-nodes", g.format('<node id="0"/><node id="1"/><edge source="0" target="1"/>')),
        ("no-edges", g.format(nodes)), ("nested-graph", g.format(nodes + "<graph/>")),
        ("hyperedge", g.format(nodes + "<hyperedge/>")), ("node-without-id", g.format("<node/>")),
        ("edge-without-target", g.format(nodes + '<edge source="0"/>')), ("wrong-root", "<html><body/></html>"),
        ("truncated", g.format(nodes)[:-30]), ("not-xml", "0 1\n1 2\n"),
        ("billion-laughs", '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                           + "".join(f'<!ENTITY {c} "' + f"&{p};" * 10 + '">' for p, c in zip("abcdefgh", "bcdefghi"))
                           + ']><graphml><graph><node id="&i;"/></graph></graphml>'),
        ("external-entity", '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                            '<graphml><graph><node id="&x;"/></graph></graphml>'),
        ("external-dtd", '<?xml version="1.0"?><!DOCTYPE graphml SYSTEM "http://127.0.0.1:9/g.dtd"><graphml/>'),
        ("mixed-ids", g.format("".join(f'<node id="{i}"/>' for i in range(19)) + '<node id="x"/>'
                               '<edge source="0" target="x"/>')),
    ]
    cases += [Case("network", f"graphml-{name}", "network_file", run("net.graphml"),
                   files=(("net.graphml", text.encode()),)) for name, text in graphml]
    cases += [
        Case("network", "path-directory", "network_file", run("netdir"), prepare=directory("netdir")),
        Case("network", "path-missing", "network_file", run("missing.txt")),
        Case("network", "path-fifo", "network_file", run("pipe.txt"), prepare=fifo("pipe.txt")),
        Case("network", "path-device", "network_file",
             ("run", "baseline", *TINY, "--set", "network_file=/dev/zero", *OUT)),
        Case("network", "path-symlink-loop", "network_file", run("loop.txt"), prepare=symlink_loop("loop.txt")),
    ]
    return cases


def tiny_sweep(d: Path) -> None:
    """A finished two-run sweep in ``d/sweep`` (copied from one made once per process)."""
    if not TINY_SWEEP:
        import tempfile

        from experiments.spec import experiment_from_mapping
        from experiments.sweep import sweep
        base = Path(tempfile.mkdtemp(prefix="fuzz-sweep-"))
        from rich.console import Console
        sweep(experiment_from_mapping({"name": "t", "seed": 1, "replicates": 2, "steps": 5, "scenarios": ["baseline"],
                                       "params": {"n_residents": 20}}, sha256="fuzz"), base / "sweep",
              console=Console(quiet=True))
        TINY_SWEEP.append(base / "sweep")
    shutil.copytree(TINY_SWEEP[0], d / "sweep")


TINY_SWEEP: list[Path] = []


def damage_manifest(text: str | None = None, edit: Callable[[dict], Any] | None = None,
                    as_dir: bool = False) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        import json
        tiny_sweep(d)
        path = d / "sweep" / "manifest.json"
        if as_dir:
            path.unlink()
            path.mkdir()
        elif text is not None:
            path.write_text(text)
        else:
            info = json.loads(path.read_text())
            edit(info)
            path.write_text(json.dumps(info))
    return make


def damage_run(content: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        tiny_sweep(d)
        run = sorted((d / "sweep" / "runs").glob("*.parquet"))[0]
        run.write_bytes(content(run.read_bytes()))
    return make


def swap_runs(d: Path) -> None:
    tiny_sweep(d)
    first, second = sorted((d / "sweep" / "runs").glob("*.parquet"))
    first.write_bytes(second.read_bytes())


def old_sweep(d: Path) -> None:
    (d / "out" / "runs").mkdir(parents=True)
    (d / "out" / "runs" / "0123456789abcdef.parquet").write_bytes(b"x")


def cli_cases() -> list[Case]:
    """Command-line arguments of every command."""
    run = ("run", "baseline", "--set", "n_residents=20")
    cases = []
    for option, values, lo_hi in [("--steps", ["0", "-1", "2.0", "abc", "1826", "", "1e3", "0x10"], "1 to 1,825"),
                                  ("--seed", ["-1", "abc", "1.5", str(2**64)], "--seed")]:
        for value in values:
            cases.append(Case("cli", f"run{option}={value}", lo_hi if option == "--steps" else option,
                              (*run, *([] if option == "--steps" else ["--steps", "1"]), option, value, *OUT)))
    outs = [
        ("out-is-file", "{d}/file.txt", lambda d: (d / "file.txt").write_text("x"), "file.txt"),
        ("out-under-file", "{d}/file.txt/sub", lambda d: (d / "file.txt").write_text("x"), "file.txt"),
        ("out-empty", "", None, "--out"), ("out-name-300", "{d}/out/" + "o" * 300, None, "bytes long"),
        ("out-path-5000", "{d}/out/" + "/".join(["p" * 200] * 25), None, "5,"),
        ("out-nul", "{d}/out\0x", None, "NUL"),
    ]
    for name, value, prep, needle in outs:
        cases.append(Case("cli", f"run-{name}", needle, (*run, "--steps", "1", "--out", value), prepare=prep))
        cases.append(Case("cli", f"compare-{name}", needle, ("compare", "baseline", *TINY, "--replicates", "1",
                                                             "--out", value), prepare=prep))
    cases += [
        Case("cli", "unknown-command", "runn", ("runn",)), Case("cli", "unknown-option", "--bogus", (*run, "--bogus")),
        Case("cli", "missing-argument", "scenario", ("run",)), Case("cli", "run-extra-argument", "extra",
                                                                    ("run", "baseline", "extra", *TINY, *OUT)),
        Case("cli", "compare-unknown", "nowhere", ("compare", "baseline", "nowhere", *TINY, *OUT)),
        Case("cli", "compare-repeated", "twice", ("compare", "baseline", "baseline", *TINY, "--replicates", "1",
                                                  *OUT)),
        Case("cli", "compare-replicates-0", "--replicates", ("compare", *TINY, "--replicates", "0", *OUT)),
        Case("cli", "compare-replicates-201", "--replicates", ("compare", *TINY, "--replicates", "201", *OUT)),
        Case("cli", "compare-replicates-2.5", "--replicates", ("compare", *TINY, "--replicates", "2.5", *OUT)),
        Case("cli", "sweep-workers-0", "--workers", ("sweep", "quick", "--workers", "0", *OUT)),
        Case("cli", "sweep-workers-abc", "--workers", ("sweep", "quick", "--workers", "abc", *OUT)),
        Case("cli", "sweep-workers-513", "--workers", ("sweep", "quick", "--workers", "513", *OUT)),
        Case("cli", "sweep-out-is-file", "file.txt", ("sweep", "quick", "--out", "{d}/file.txt"), preamble=True,
             prepare=lambda d: (d / "file.txt").write_text("x")),
        Case("cli", "sweep-max-runs-0", "--max-runs", ("sweep", "quick", "--max-runs", "0", *OUT), new=True),
        Case("cli", "sweep-wait-for-workers-0", "--wait-for-workers", ("sweep", "quick", "--wait-for-workers", "0",
                                                                        *OUT), new=True),
        Case("cli", "sweep-again-without-resume", "--resume", ("sweep", "quick", "--out", "{d}/out"),
             prepare=old_sweep, preamble=True),
    ]
    for name, address, needle in [("no-scheme-word", "foo", "--scheduler"), ("no-port", "tcp://127.0.0.1", "--scheduler"),
                                  ("port-word", "tcp://127.0.0.1:port", "--scheduler"),
                                  ("port-99999", "tcp://127.0.0.1:99999", "--scheduler"),
                                  ("http-scheme", "http://127.0.0.1:8786", "--scheduler"),
                                  ("empty-host", "tcp://:8786", "--scheduler"),
                                  ("path", "tcp://127.0.0.1:8786/x", "--scheduler")]:
        cases.append(Case("cli", f"scheduler-{name}", needle, ("sweep", "quick", "--scheduler", address, *OUT)))
    cases += [
        Case("cli", "scheduler-refused", "--scheduler", ("sweep", "quick", "--scheduler", "tcp://127.0.0.1:1", *OUT),
             code=1, preamble=True),
        Case("cli", "scheduler-http-server", "--scheduler", ("sweep", "quick", "--scheduler", "{service}", *OUT),
             code=1, service="http", preamble=True),
        Case("cli", "scheduler-banner", "--scheduler", ("sweep", "quick", "--scheduler", "{service}", *OUT),
             code=1, service="banner", preamble=True),
        Case("cli", "scheduler-hangs-up", "--scheduler", ("sweep", "quick", "--scheduler", "{service}", *OUT),
             code=1, service="close", preamble=True),
    ]
    report = [
        ("missing-dir", ("report", "{d}/nowhere"), None, "manifest.json"),
        ("file", ("report", "{d}/file.txt"), lambda d: (d / "file.txt").write_text("x"), "manifest.json"),
        ("empty-dir", ("report", "{d}/empty"), directory("empty"), "manifest.json"),
        ("manifest-not-json", ("report", "{d}/sweep"), damage_manifest("{not json"), "manifest.json"),
        ("manifest-empty", ("report", "{d}/sweep"), damage_manifest(""), "manifest.json"),
        ("manifest-list", ("report", "{d}/sweep"), damage_manifest("[1, 2]"), "manifest.json"),
        ("manifest-directory", ("report", "{d}/sweep"), damage_manifest(as_dir=True), "manifest.json"),
        ("manifest-binary", ("report", "{d}/sweep"), damage_manifest("\x00\x01\x02"), "manifest.json"),
        ("manifest-no-runs", ("report", "{d}/sweep"), damage_manifest(edit=lambda i: i.pop("runs")), "runs"),
        ("manifest-runs-text", ("report", "{d}/sweep"), damage_manifest(edit=lambda i: i.update(runs="x")), "runs"),
        ("manifest-steps-text", ("report", "{d}/sweep"), damage_manifest(edit=lambda i: i.update(steps="5")), "steps"),
        ("manifest-level", ("report", "{d}/sweep"), damage_manifest(edit=lambda i: i.update(level="city")), "level"),
        ("manifest-run-outside", ("report", "{d}/sweep"),
         damage_manifest(edit=lambda i: i["runs"][0].update(file="../../../etc/passwd")), "runs[0]"),
        ("manifest-run-absolute", ("report", "{d}/sweep"),
         damage_manifest(edit=lambda i: i["runs"][0].update(file="/etc/passwd")), "runs[0]"),
        ("manifest-run-id", ("report", "{d}/sweep"),
         damage_manifest(edit=lambda i: i["runs"][0].update(id="../x")), "runs[0]"),
        ("manifest-run-not-object", ("report", "{d}/sweep"),
         damage_manifest(edit=lambda i: i["runs"].append(3)), "runs[2]"),
        ("run-truncated", ("report", "{d}/sweep"), damage_run(lambda b: b[: len(b) // 2]), "parquet"),
        ("run-empty", ("report", "{d}/sweep"), damage_run(lambda b: b""), "parquet"),
        ("run-garbage", ("report", "{d}/sweep"), damage_run(lambda b: random.Random(3).randbytes(len(b))), "parquet"),
        ("run-of-another-run", ("report", "{d}/sweep"), swap_runs, "parquet"),
        ("outcome-unknown", ("report", "{d}/sweep", "--outcome", "BADNAME", "--out", "{d}/out"), tiny_sweep, "BADNAME"),
        ("precision-0", ("report", "{d}/sweep", "--precision", "0", *OUT), tiny_sweep, "--precision"),
        ("precision-nan", ("report", "{d}/sweep", "--precision", "nan", *OUT), tiny_sweep, "--precision"),
        ("out-is-file", ("report", "{d}/sweep", "--out", "{d}/file.txt"),
         lambda d: tiny_sweep(d) or (d / "file.txt").write_text("x"), "file.txt"),
    ]
    cases += [Case("cli", f"report-{name}", needle, argv, prepare=prep) for name, argv, prep, needle in report]
    survey = ("survey", "baseline", *TINY)
    cases += [
        Case("cli", "survey-bad-suffix", ".csv", (*survey, "--out", "{d}/out/answers.txt")),
        Case("cli", "survey-out-dir", "directory", (*survey, "--out", "{d}/out.csv"), prepare=directory("out.csv")),
        Case("cli", "survey-waves-0", "--waves", (*survey, "--waves", "0", "--out", "{d}/out/a.csv")),
        Case("cli", "survey-observed-ce-6", "--observed-ce", (*survey, "--observed-ce", "6", "--out", "{d}/out/a.csv")),
        Case("cli", "survey-observed-ce-nan", "--observed-ce", (*survey, "--observed-ce", "nan", "--out",
                                                               "{d}/out/a.csv")),
        Case("cli", "survey-missing-out", "--out", survey),
        Case("cli", "validate-replicates-0", "--replicates", ("validate", "--replicates", "0", "--steps", "1")),
        Case("cli", "validate-out-dir", "directory", ("validate", "--steps", "1", "--out", "{d}/out.csv"),
             prepare=directory("out.csv")),
        Case("cli", "bench-sizes-word", "--sizes", ("bench", "--sizes", "abc", "--steps", "1")),
        Case("cli", "bench-sizes-5", "--sizes", ("bench", "--sizes", "5", "--steps", "1")),
        Case("cli", "bench-sizes-float", "--sizes", ("bench", "--sizes", "1e3", "--steps", "1")),
        Case("cli", "bench-out-suffix", ".json", ("bench", "--sizes", "1000", "--steps", "1", "--out", "{d}/out/b.txt")),
        Case("cli", "bench-steps-0", "--steps", ("bench", "--steps", "0")),
        Case("cli", "viz-port-80", "--port", ("viz", "--port", "80")),
        Case("cli", "viz-port-word", "--port", ("viz", "--port", "http")),
        Case("cli", "viz-host-bad", "--host", ("viz", "--host", "bad host!")),
    ]
    sensitivity = ("sensitivity", "--steps", "1", "--samples", "2", "--set", "n_residents=20")
    cases += [Case("cli", f"sensitivity-{name}", needle, (*sensitivity, *extra, *OUT), new=name == "max-runs")
              for name, extra, needle in [
        ("method", ("--method", "fast"), "--method"), ("param-unknown", ("--param", "nope"), "nope"),
        ("param-text", ("--param", "organising"), "organising"), ("bounds-form", ("--param", "p_join", "--bounds", "p_join"),
                                                                  "--bounds"),
        ("bounds-reversed", ("--param", "p_join", "--bounds", "p_join=0.5:0.1"), "--bounds"),
        ("bounds-outside", ("--param", "p_join", "--bounds", "p_join=0:5"), "--bounds"),
        ("bounds-other", ("--param", "p_join", "--bounds", "p_home=0:1"), "--bounds"),
        ("samples-1", ("--samples", "1"), "--samples"), ("sobol-not-power-of-2", ("--method", "sobol", "--samples", "3"),
                                                         "--samples"),
        ("outcome", ("--outcome", "nope"), "--outcome"), ("scenario", ("--scenario", "nowhere"), "nowhere"),
        ("versus", ("--versus", "nowhere"), "nowhere"), ("set", ("--set", "p_home=2"), "p_home"),
        ("max-runs", ("--max-runs", "3"), "runs"),
    ]]
    return cases


def api_cases() -> list[Case]:
    """Calls of the Python API with arguments of the wrong type or value."""
    from simulation.model import CommunityModel
    from simulation.params import Params

    def model(*args: Any, **kwargs: Any) -> Callable[[Path], Any]:
        return lambda d: CommunityModel(*args, **kwargs)

    def run_for(value: Any) -> Callable[[Path], Any]:
        return lambda d: CommunityModel(n_residents=20, rng=1).run_for(value)

    def scenario(*args: Any, **kwargs: Any) -> Callable[[Path], Any]:
        from simulation.scenarios import load_scenario
        return lambda d: load_scenario(*args, **kwargs)

    def experiment(value: Any) -> Callable[[Path], Any]:
        from experiments.spec import load_experiment
        return lambda d: load_experiment(value)

    def from_mapping(data: Any, name: str) -> Callable[[Path], Any]:
        from experiments.spec import experiment_from_mapping
        return lambda d: experiment_from_mapping(data, source=name)

    def network(value: Any) -> Callable[[Path], Any]:
        from simulation.network_file import read_network_file
        return lambda d: read_network_file(value(d) if callable(value) else value, 20)

    def load_runs(value: Callable[[Path], Any]) -> Callable[[Path], Any]:
        from experiments.sweep import load_runs as load
        return lambda d: load(value(d))

    def sweep_into(out: Callable[[Path], Any]) -> Callable[[Path], Any]:
        from experiments.spec import experiment_from_mapping
        from experiments.sweep import sweep
        spec = {"seed": 1, "replicates": 1, "steps": 2, "scenarios": ["baseline"], "params": {"n_residents": 20}}
        return lambda d: sweep(experiment_from_mapping(spec), out(d))

    def file(d: Path) -> Path:
        return d / "file.txt"

    calls: list[tuple[str, Callable[[Path], Any], str, bool]] = [
        ("model-int", model(123), "scenario", False), ("model-bytes", model(b"x"), "scenario", False),
        ("model-dict", model({"n_residents": 500}), "scenario", False), ("model-list", model([1, 2]), "scenario", False),
        ("model-float", model(1.5), "scenario", False), ("model-object", model(object()), "scenario", False),
        ("model-unknown-name", model("nowhere"), "nowhere", False), ("model-nul", model("a\0b"), "NUL", False),
        ("model-empty-name", model(""), "scenario", False),
        ("rng-word", model(rng="abc"), "seed", False), ("rng-negative", model(rng=-1), "seed", False),
        ("rng-fraction", model(rng=1.5), "seed", False), ("rng-list", model(rng=[1]), "seed", False),
        ("rng-bool", model(rng=True), "seed", False), ("rng-float-text", model(rng="1e3"), "seed", False),
        ("override-text", model(n_residents="5"), "n_residents", False),
        ("override-bool", model(n_residents=True), "n_residents", False),
        ("override-huge", model(p_home=10**400), "p_home", False),
        ("override-enormous", model(n_residents=10**5000), "n_residents", False),
        ("override-none", model(p_home=None), "p_home", False), ("override-nan", model(p_home=float("nan")), "p_home", False),
        ("override-unknown", model(n_organisrs=3), "n_organisers", False),
        ("override-complex", model(p_home=0.5j), "p_home", False),
        ("run_for-text", run_for("3"), "run_for", False), ("run_for-fraction", run_for(1.5), "run_for", False),
        ("run_for-negative", run_for(-1), "run_for", False), ("run_for-none", run_for(None), "run_for", False),
        ("run_for-bool", run_for(True), "run_for", False), ("run_for-nan", run_for(float("nan")), "run_for", False),
        ("params-huge", lambda d: Params(p_home=10**400), "p_home", False),
        ("params-text", lambda d: Params(p_home="0.5"), "p_home", False),
        ("params-list", lambda d: Params(n_residents=[5]), "n_residents", False),
        ("from_mapping-list", lambda d: Params.from_mapping(["p_home"]), "mapping", False),
        ("from_mapping-base-text", lambda d: Params.from_mapping({}, base="baseline"), "base", False),
        ("from_mapping-unknown", lambda d: Params.from_mapping({"x": 1}), "'x'", False),
        ("from_mapping-int-key", lambda d: Params.from_mapping({1: 2}), "'1'", False),
        ("replace-out-of-range", lambda d: Params().replace(p_home=2), "p_home", False),
        ("load_scenario-int", scenario(123), "scenario", False), ("load_scenario-none", scenario(None), "scenario", False),
        ("load_scenario-bytes", scenario(b"baseline"), "scenario", False),
        ("load_scenario-shipped-only-path", scenario("scenarios/baseline.toml", shipped_only=True), "baseline", True),
        ("load_scenario-shipped-only-parent", scenario("../baseline", shipped_only=True), "baseline", True),
        ("load_experiment-int", experiment(123), "experiment", False),
        ("load_experiment-none", experiment(None), "experiment", False),
        ("experiment-list", from_mapping(["x"], "e"), "e", False),
        ("experiment-scenarios-text", from_mapping({"scenarios": "baseline"}, "e"), "scenarios", False),
        ("network-int", network(123), "network_file", False),
        ("network-missing", network("/nonexistent/ties.txt"), "network_file", False),
        ("load_runs-missing", load_runs(lambda d: d / "nowhere"), "manifest", False),
        ("load_runs-file", load_runs(file), "manifest", False),
        ("load_runs-int", load_runs(lambda d: 5), "sweep directory", False),
        ("sweep-out-is-file", sweep_into(file), "file.txt", False),
        ("sweep-out-under-file", sweep_into(lambda d: file(d) / "sub"), "file.txt", False),
    ]
    return [Case("api", name, needle, call=call, new=new, prepare=make_file if "file" in name else None)
            for name, call, needle, new in calls]


def make_file(d: Path) -> None:
    (d / "file.txt").write_text("x")


def all_cases() -> list[Case]:
    cases = [*set_cases(), *scenario_cases(), *experiment_cases(), *network_cases(), *cli_cases(), *api_cases()]
    names = Counter((c.surface, c.name) for c in cases)
    assert max(names.values()) == 1, [n for n, k in names.items() if k > 1]
    return cases


def run_isolated(case: Case, sandbox: Path, seconds: float = DEADLINE_S) -> Outcome:
    """:func:`run_case` in a forked child, killed if it outlives the deadline (code that swallows the alarm)."""
    import pickle
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            outcome = run_case(case, sandbox, seconds)
        except BaseException as err:  # noqa: BLE001 - reported to the parent
            outcome = Outcome("traceback", f"{type(err).__name__}: {err}"[:300])
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(Outcome(outcome.kind, outcome.detail, outcome.seconds), pipe)
        os._exit(0)
    os.close(write)
    end, exited = time.monotonic() + seconds + 10, False
    while not exited and time.monotonic() < end:
        exited = os.waitpid(pid, os.WNOHANG) != (0, 0)
        time.sleep(0.05)
    if not exited:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    return pickle.loads(data) if data else Outcome("hang", f"killed after {seconds + 10:g} s")


def tally(include_new: bool = True) -> dict[str, Counter]:
    """Run every case (each in a forked child) and count the kinds of answer per surface."""
    import tempfile

    import experiments.cli  # noqa: F401 - imported once, before forking
    counts: dict[str, Counter] = {surface: Counter() for surface in SURFACES}
    for case in all_cases():
        if case.new and not include_new:
            continue
        with tempfile.TemporaryDirectory() as sandbox:
            outcome = run_isolated(case, Path(sandbox))
        counts[case.surface][outcome.kind] += 1
        if outcome.kind != "clean":
            print(f"{case.surface:10} {case.name:40} {outcome.kind:9} {outcome.detail[:150]!r}", file=sys.stderr)
    return counts


if __name__ == "__main__":
    result = tally(include_new="--before" not in sys.argv)
    kinds = sorted({k for c in result.values() for k in c})
    print(f"{'surface':12}" + "".join(f"{k:>11}" for k in ["inputs", *kinds]))
    for surface, counter in result.items():
        print(f"{surface:12}" + f"{sum(counter.values()):>11}" + "".join(f"{counter[k]:>11}" for k in kinds))
    total = sum(result.values(), Counter())
    print(f"{'total':12}" + f"{sum(total.values()):>11}" + "".join(f"{total[k]:>11}" for k in kinds))

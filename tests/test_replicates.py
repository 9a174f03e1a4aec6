"""Tests of the replicate runner."""

import multiprocessing
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from simulation.params import Params
from simulation.replicates import alive, die_with, paired_runs, replicate_seeds, run_all, simulate

TINY = Params(n_residents=200, n_neighbourhoods=2)


def test_replicate_seeds_are_reproducible_and_distinct():
    assert replicate_seeds(3, 4) == replicate_seeds(3, 4)
    assert len(set(replicate_seeds(3, 4))) == 4 and replicate_seeds(3, 4) != replicate_seeds(4, 4)


def test_paired_runs_share_seeds_across_strategies():
    runs = paired_runs({"a": TINY, "b": TINY.replace(n_organisers=1, organising="listening")}, [5, 6], 3)
    assert [(r.label, r.replicate, r.seed) for r in runs] == [("a", 0, 5), ("a", 1, 6), ("b", 0, 5), ("b", 1, 6)]


def test_run_all_gives_the_same_results_inline_and_on_an_executor():
    runs = paired_runs({"a": TINY}, [1, 2, 3], 5)
    inline = {r.seed: df for r, df in run_all(runs)}
    with ThreadPoolExecutor(2) as pool:
        pooled = {r.seed: df for r, df in run_all(runs, pool, max_in_flight=2)}
    assert inline.keys() == pooled.keys()
    for seed, df in inline.items():
        assert df.equals(pooled[seed]) and set(df["label"]) == {"a"} and df["step"].max() == 5


def test_simulate_labels_rows():
    df = simulate(paired_runs({"x": TINY}, [9], 2)[0])
    assert set(df[["label", "replicate", "seed"]].itertuples(index=False, name=None)) == {("x", 0, 9)}


def watched(parent: int) -> None:
    die_with(parent)
    time.sleep(60)


def test_a_worker_exits_when_its_parent_is_gone() -> None:
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = multiprocessing.get_context("forkserver").Process(target=watched, args=(parent.pid,))
    worker.start()
    try:
        assert alive(parent.pid)
        parent.kill()
        parent.wait()
        assert not alive(parent.pid)
        worker.join(10)
        assert worker.exitcode == 1
    finally:
        if worker.is_alive():
            worker.kill()

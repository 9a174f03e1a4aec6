"""The demo driver: one thread per session steps the model and publishes whole snapshots."""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Callable

import pytest
from conftest import ThreadWorkers, wait_until

from viz import demo
from viz.demo import DemoDriver, DemoLost, DemoSettings, DemoState
from viz.trainer import demo_params

SMALL = DemoSettings(demo_params().replace(n_residents=300), 5)


class Recorder:
    """Collects published states."""

    def __init__(self) -> None:
        self.states: list[DemoState] = []
        self.lock = threading.Lock()

    def __call__(self, state: DemoState) -> None:
        with self.lock:
            self.states.append(state)

    @property
    def last(self) -> DemoState:
        with self.lock:
            return self.states[-1] if self.states else DemoState()

    def day(self) -> int:
        frame = self.last.frame
        return -1 if frame is None else frame.day


@pytest.fixture
def make_driver():
    drivers: list[DemoDriver] = []

    def make(connected: Callable[[], bool] = lambda: True, workers: ThreadWorkers | None = None,
             session: str = "test") -> tuple[DemoDriver, Recorder, ThreadWorkers]:
        workers = workers or ThreadWorkers()
        recorder = Recorder()
        driver = DemoDriver(f"{session}-{len(drivers)}", recorder, connected, workers, interval=0.01)
        drivers.append(driver)
        return driver, recorder, workers
    yield make
    for driver in drivers:
        driver.close()
        driver.join(5)


def test_worker_side_keeps_one_model_per_session() -> None:
    layout, first = demo.start("w1", SMALL.params, SMALL.seed)
    assert first.day == 0 and len(json.loads(layout)["xy"]) == 600
    assert demo.step("w1", 3).day == 3
    assert json.loads(demo.step("w1", 1).json)["day"] == 4
    demo.end("w1")
    with pytest.raises(DemoLost):
        demo.step("w1", 1)


def test_reset_then_steps_publish_whole_snapshots(make_driver) -> None:
    driver, rec, _ = make_driver()
    driver.reset(SMALL)
    wait_until(lambda: rec.day() == 0)
    assert rec.last.settings == SMALL and rec.last.layout is not None
    for _ in range(3):
        driver.step()
    wait_until(lambda: rec.day() == 3)
    frames = [s.frame for s in rec.states if s.frame is not None]
    assert all(json.loads(f.json)["day"] == f.day for f in frames)
    assert any(s.busy for s in rec.states) and not rec.last.busy


def test_play_runs_until_paused_or_the_browser_is_gone(make_driver) -> None:
    connected = threading.Event()
    connected.set()
    driver, rec, _ = make_driver(connected.is_set)
    driver.reset(SMALL)
    driver.play()
    wait_until(lambda: rec.day() >= 5 and rec.last.playing)
    driver.pause()
    wait_until(lambda: not rec.last.playing)
    paused_at = rec.day()
    time.sleep(0.2)
    assert rec.day() == paused_at
    driver.play()
    wait_until(lambda: rec.day() > paused_at)
    connected.clear()                                      # the tab is closed or the network drops
    wait_until(lambda: not rec.last.playing, timeout=2)
    stopped_at = rec.day()
    time.sleep(0.3)
    assert rec.day() == stopped_at and not driver.playing


def test_hammering_play_pause_and_step_never_fails(make_driver) -> None:
    driver, rec, _ = make_driver()
    driver.reset(SMALL)
    wait_until(lambda: rec.day() == 0)
    rng = random.Random(1)

    def hammer() -> None:
        for _ in range(150):
            rng.choice([driver.play, driver.pause, driver.step])()
            time.sleep(rng.random() * 0.004)
    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    driver.pause()
    wait_until(lambda: not rec.last.playing and not rec.last.busy)
    days = [s.frame.day for s in rec.states if s.frame is not None]
    assert days == sorted(days) and days[-1] > 0                  # never went back, never skipped a snapshot
    assert all(s.message is None for s in rec.states)


def test_reset_wins_over_queued_steps(make_driver) -> None:
    driver, rec, _ = make_driver()
    driver.reset(SMALL)
    wait_until(lambda: rec.day() == 0)
    for _ in range(5):
        driver.step()
    other = DemoSettings(SMALL.params.replace(organising="broadcast"), 9)
    driver.reset(other)
    wait_until(lambda: rec.last.settings == other and not rec.last.busy)
    time.sleep(0.1)
    assert rec.last.settings == other and rec.day() in (0, 1, 2, 3, 4, 5)


def test_a_failing_step_becomes_a_message_and_stops_play(make_driver) -> None:
    broken = threading.Event()
    workers = ThreadWorkers(lambda kind: RuntimeError("boom") if kind == "step" and broken.is_set() else None)
    driver, rec, _ = make_driver(workers=workers)
    driver.reset(SMALL)
    driver.play()
    wait_until(lambda: rec.day() >= 2)
    broken.set()
    wait_until(lambda: rec.last.message is not None)
    assert rec.last.message.startswith("Sorry, something went wrong (RuntimeError)")
    assert "Traceback" not in rec.last.message
    wait_until(lambda: not rec.last.playing)


def test_a_lost_worker_rebuilds_the_demo(make_driver) -> None:
    lost = threading.Event()
    workers = ThreadWorkers(lambda kind: DemoLost("x") if kind == "step" and lost.is_set() else None)
    driver, rec, _ = make_driver(workers=workers)
    driver.reset(SMALL)
    driver.step()
    wait_until(lambda: rec.day() == 1)
    lost.set()
    driver.step()
    wait_until(lambda: rec.last.message is not None)
    assert "restarted" in rec.last.message and rec.day() == 0 and rec.last.settings == SMALL


def test_close_stops_the_thread_and_frees_the_model(make_driver) -> None:
    driver, rec, workers = make_driver()
    driver.reset(SMALL)
    driver.play()
    wait_until(lambda: rec.day() >= 1)
    driver.close()
    driver.join(5)
    count = len(rec.states)
    time.sleep(0.1)
    assert driver.session in workers.released and len(rec.states) == count
    with pytest.raises(DemoLost):
        workers.executor.submit(demo.step, driver.session, 1).result()

"""Tests of where runs execute: Dask addresses, refused connections, cluster health."""

import time

import pytest

from experiments.executors import dask_health, greet, scheduler_address
from simulation.files import EnvironmentFault
from simulation.params import ParameterError


@pytest.mark.parametrize(("text", "expected"), [
    ("tcp://127.0.0.1:8786", ("tcp://127.0.0.1:8786", "127.0.0.1", 8786)),
    ("127.0.0.1:8786", ("tcp://127.0.0.1:8786", "127.0.0.1", 8786)),
    ("tls://[::1]:8786", ("tls://[::1]:8786", "::1", 8786)),
    ("ucx://10.0.0.1:13337", ("ucx://10.0.0.1:13337", None, None)),
])
def test_valid_scheduler_addresses(text: str, expected: tuple) -> None:
    assert scheduler_address(text) == expected


@pytest.mark.parametrize("text", ["foo", "tcp://", "tcp://host", "tcp://host:port", "tcp://host:99999",
                                  "http://host:8786", "tcp://:8786", "tcp://host:8786/path", "tcp://u@host:1"])
def test_bad_scheduler_addresses_are_bad_input(text: str) -> None:
    with pytest.raises(ParameterError, match="expected a Dask scheduler address"):
        scheduler_address(text)


def test_nothing_listening_is_an_environment_fault() -> None:
    """Fake services that are not Dask (HTTP, a banner, a hang-up) are fuzz cases in tests/fuzz."""
    with pytest.raises(EnvironmentFault, match="nothing is listening"):
        greet("tcp://127.0.0.1:1", "127.0.0.1", 1)


class FakeClient:
    def __init__(self) -> None:
        self.status, self.workers = "running", {}

    def nthreads(self) -> dict:
        if self.status != "running":
            raise OSError("closed")
        return self.workers


def test_cluster_health_names_a_lost_scheduler_and_a_cluster_without_workers() -> None:
    client = FakeClient()
    problem = dask_health(client, "tcp://127.0.0.1:8786", no_workers_timeout=0.2)
    assert problem() is None                     # no workers yet: the clock starts
    time.sleep(0.3)
    assert "has had no workers for 0.2 s" in problem()
    client.workers = {"w": 1}
    assert problem() is None                     # a worker came: the clock resets
    client.workers = {}
    assert problem() is None
    client.status = "closed"
    assert "lost the connection to the Dask scheduler at tcp://127.0.0.1:8786" in problem()



"""Where runs execute: in this process, on local worker processes or on a Dask cluster, with bounded waits.

* Local workers (:func:`simulation.replicates.local_executor`) watch the
  main process and exit once it is gone, even after ``SIGKILL``; on Ctrl-C
  they exit at once, quietly.
* A Dask address is checked before connecting: a malformed address is bad
  input; nothing listening, or a service that does not greet like a Dask
  scheduler within :data:`CONNECT_TIMEOUT_S` seconds, is an environment fault
  with a one-line message (never a wait without end).
* While runs are pending, :meth:`Backend.problem` reports a lost scheduler, or
  a cluster that has had no workers for ``no_workers_timeout`` seconds.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from simulation.files import EnvironmentFault
from simulation.params import ParameterError
from simulation.replicates import local_executor

CONNECT_TIMEOUT_S = 10.0
"""Longest wait for a Dask scheduler to accept a connection and greet."""
NO_WORKERS_TIMEOUT_S = 60.0
"""Default longest time a Dask cluster may have no workers while runs are pending."""
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
START_HINT = "start one with 'dask scheduler --port 8786' and give its tcp://HOST:PORT address"


class InlineExecutor(Executor):
    """Runs each task in this process when submitted (``--workers 1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(err)
        return future


@dataclass
class Backend:
    """An executor, how many runs to keep in flight, and a check of the cluster's health."""

    executor: Executor
    capacity: int
    problem: Callable[[], str | None] = lambda: None
    """Why pending runs can no longer finish (lost scheduler, no workers for too long), or None."""


@contextmanager
def open_executor(workers: int = 1, scheduler: str | None = None,
                  no_workers_timeout: float = NO_WORKERS_TIMEOUT_S) -> Iterator[Backend]:
    """A :class:`Backend`: in-process, local processes or Dask."""
    if scheduler:
        client = connect(scheduler)
        try:
            yield Backend(client.get_executor(), 2 * max(1, sum(client.nthreads().values())),
                          dask_health(client, scheduler, no_workers_timeout))
        finally:
            client.close()
    else:
        with local_executor(workers) as executor:
            yield Backend(executor, 2 * workers) if executor else Backend(InlineExecutor(), 1)


def scheduler_address(text: str) -> tuple[str, str | None, int | None]:
    """``(address, host, port)`` of a Dask address ``[SCHEME://]HOST:PORT``; bad input raises."""
    address = text.strip() if "://" in text else f"tcp://{text.strip()}"
    scheme = address.split("://", 1)[0]
    bad = ParameterError(f"--scheduler {text!r}: expected a Dask scheduler address tcp://HOST:PORT "
                         "(e.g. tcp://127.0.0.1:8786)")
    if scheme not in SCHEMES:
        raise bad
    if scheme in ("ucx", "inproc"):
        return address, None, None
    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise bad from None
    if not host or port is None or parts.path not in ("", "/") or parts.query or parts.username:
        raise bad
    return address, host, port


def connect(text: str) -> Any:
    """A Dask client of the scheduler at ``text``, within :data:`CONNECT_TIMEOUT_S` seconds."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise ParameterError("--scheduler needs Dask: pip install -e '.[dask]'") from None
    address, host, port = scheduler_address(text)
    if address.startswith("tcp://") and host and port:
        greet(address, host, port)
    try:
        return Client(address, timeout=f"{CONNECT_TIMEOUT_S:g}s")
    except Exception as err:  # noqa: BLE001 - Dask raises many types (OSError, TimeoutError, CommClosedError...)
        raise EnvironmentFault(f"--scheduler {address}: cannot connect ({type(err).__name__}: {err}); "
                               f"{START_HINT}") from None


def greet(address: str, host: str, port: int) -> None:
    """Check that a Dask scheduler listens at ``host:port``: it greets first with a framed message."""
    try:
        sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
    except socket.gaierror as err:
        raise ParameterError(f"--scheduler {address}: unknown host {host!r} ({err.strerror})") from None
    except ConnectionRefusedError:
        raise EnvironmentFault(f"--scheduler {address}: nothing is listening there (connection refused); "
                               f"{START_HINT}") from None
    except TimeoutError:
        raise EnvironmentFault(f"--scheduler {address}: no answer within {CONNECT_TIMEOUT_S:g} s (wrong host or "
                               "port, or a firewall?)") from None
    except OSError as err:
        raise EnvironmentFault(f"--scheduler {address}: cannot connect ({err.strerror or err})") from None
    with sock:
        header = b""
        try:
            while len(header) < 8 and (chunk := sock.recv(8 - len(header))):
                header += chunk
        except TimeoutError:
            raise EnvironmentFault(f"--scheduler {address}: the service there did not greet like a Dask scheduler "
                                   f"within {CONNECT_TIMEOUT_S:g} s; is it a Dask scheduler?") from None
        except OSError as err:
            raise EnvironmentFault(f"--scheduler {address}: the connection failed ({err.strerror or err})") from None
    length = int.from_bytes(header, "little") if len(header) == 8 else 0
    if not 0 < length < 2**20:
        raise EnvironmentFault(f"--scheduler {address}: the service there is not a Dask scheduler (it "
                               f"{'answered ' + repr(header) if header else 'closed the connection'}); "
                               f"{START_HINT}")


def dask_health(client: Any, address: str, no_workers_timeout: float) -> Callable[[], str | None]:
    """A check that the scheduler is reachable and has had workers within ``no_workers_timeout`` seconds."""
    since: float | None = None

    def problem() -> str | None:
        nonlocal since
        try:
            workers = len(client.nthreads()) if client.status == "running" else None
        except Exception:  # noqa: BLE001 - any failure to ask the scheduler means it is gone
            workers = None
        if workers is None:
            return f"lost the connection to the Dask scheduler at {address}"
        if workers:
            since = None
            return None
        since = since or time.monotonic()
        if time.monotonic() - since > no_workers_timeout:
            return (f"the Dask cluster at {address} has had no workers for {no_workers_timeout:g} s; start some "
                    f"with 'dask worker {address}'")
        return None
    return problem

"""The load driver: wrk at a fixed number of connections, each request the next path of a list.

wrk (Debian package `wrk`) keeps N connections busy for a fixed time and measures each
response's latency; benchmarks/paths.lua hands it the paths and counts responses outside
200–299. Its own CPU use is small, but it runs on the machine it measures: one wrk thread
(plenty for 8 connections at these rates) leaves the most of the cores to the portal.

Before each measured run a warm-up requests the page's warm-up paths from Python, with as
many concurrent requests as there are workers, for a short time; every warm-up request is
allowed to finish, so none is still running when the measurement starts.
"""

import concurrent.futures
import http.client
import itertools
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.database import BenchmarkError
from benchmarks.server import fetch

LUA_SCRIPT = Path(__file__).with_name("paths.lua")
WRK_THREADS = 1
# A request slower than this counts as a timeout (wrk's own default, 2 s, would hide slow pages).
WRK_TIMEOUT_SECONDS = 120


@dataclass
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    not_2xx: int
    socket_errors: int
    timeouts: int
    paths_available: int

    @classmethod
    def not_measured(cls):
        """A row that could not be measured (wrk failed): no responses, one error, so it fails."""
        return cls(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, not_2xx=0, socket_errors=1, timeouts=0, paths_available=0)

    @property
    def requests_per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self):
        """Responses outside 200–299, plus connections that failed or timed out."""
        return self.not_2xx + self.socket_errors + self.timeouts

    @property
    def repeated_paths(self):
        """True when the run used up its list of paths and requested some again."""
        return self.requests > self.paths_available


def ensure_wrk():
    """The path to wrk; installs the Debian package as .ci/run installs packages, or says how to."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing the Debian package wrk…", flush=True)
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=environment, stdout=subprocess.DEVNULL
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchmarkError(
        "The benchmark drives the portal with wrk, which is not installed. Install it with\n"
        "    sudo apt-get install wrk\n"
        "(Debian and Ubuntu; `make bench` run as root installs it itself), then run `make bench` again. "
        "To measure nothing but the data load and the import, pass --skip-pages."
    )


@dataclass
class WarmUp:
    """What the warm-up saw: each path's last status, and how long each request took alone or nearly."""

    statuses: dict
    seconds: list
    unanswered: int = 0  # requests that failed or timed out: the server may still be working on them

    @property
    def failing(self):
        return {path: status for path, status in self.statuses.items() if not 200 <= status < 300}

    @property
    def median_ms(self):
        return statistics.median(self.seconds) * 1000 if self.seconds else None


def warm_up(base_url, paths, *, seconds, concurrency):
    """Request `paths` in turn with `concurrency` clients for about `seconds`; each request finishes.

    With as many clients as workers, requests hardly queue: their times are close to a request's
    own cost, which says something even about a page too slow to answer within a measured run.
    """
    result = WarmUp(statuses={}, seconds=[])
    if not paths or seconds <= 0:
        return result
    deadline = time.monotonic() + seconds
    queue = itertools.cycle(paths)  # shared by the clients: each takes the next path

    def client():
        for path in queue:
            started = time.perf_counter()
            try:
                result.statuses[path] = fetch(base_url + path, timeout=WRK_TIMEOUT_SECONDS)[0]
                result.seconds.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                result.statuses[path] = 0
                result.unanswered += 1
            if time.monotonic() >= deadline:
                break

    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(client) for _index in range(concurrency)]:
            future.result()
    return result


def run_wrk(wrk, base_url, paths, *, seconds, connections):
    """Measure `paths` with wrk for `seconds` at `connections` concurrent connections."""
    with tempfile.NamedTemporaryFile("w", prefix="bench-paths-", suffix=".txt", delete=False) as paths_file:
        paths_file.write("\n".join(paths) + "\n")
    try:
        command = [
            wrk,
            "--threads", str(WRK_THREADS),
            "--connections", str(connections),
            "--duration", f"{seconds}s",
            "--timeout", f"{WRK_TIMEOUT_SECONDS}s",
            "--script", str(LUA_SCRIPT),
            base_url,
            "--", paths_file.name, str(WRK_THREADS),
        ]  # fmt: skip
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.unlink(paths_file.name)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    return Measurement(
        requests=result["requests"],
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p90_ms=result["p90_us"] / 1000,
        p95_ms=result["p95_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        max_ms=result["max_us"] / 1000,
        not_2xx=result["not_2xx"],
        socket_errors=result["connect_errors"] + result["read_errors"] + result["write_errors"],
        timeouts=result["timeouts"],
        paths_available=len(paths),
    )

"""The portal under test: gunicorn serving clearinghouse.wsgi in production settings.

Worker count: 2, the number of cores on the reference machine (2 cores), not gunicorn's
"2 × cores + 1" rule of thumb. That rule assumes workers often wait on something off the
machine; here PostgreSQL, the workers and the load tool share the same two cores and the data
is in memory, so a worker waiting for the database leaves its core to the database backend
doing the work. More workers would only queue the same CPU work in more places (higher
latency, no more throughput). `--workers` changes it; docs/decisions/0006 has the reasoning.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.environment import FORWARDED_PROTO_HEADER

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_WORKERS = 2
# Slow pages must be measured, not killed: gunicorn's default would end a request after 30 s.
WORKER_TIMEOUT_SECONDS = 300
READY_TIMEOUT_SECONDS = 60


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, *, timeout=120):
    """(status, body) of one GET as the load driver sends it (with the load balancer's HTTPS header)."""
    request = urllib.request.Request(url, headers=dict([FORWARDED_PROTO_HEADER]))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    """A gunicorn process group on 127.0.0.1; start(), restart() and stop() it (also as a context manager)."""

    def __init__(self, environment, *, workers=DEFAULT_WORKERS, port=None):
        self.environment = environment
        self.workers = workers
        self.port = port or free_port()
        self.process = None
        handle, log_path = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")
        os.close(handle)
        self.log_path = Path(log_path)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        return [
            sys.executable, "-m", "gunicorn", "clearinghouse.wsgi",
            "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--timeout", str(WORKER_TIMEOUT_SECONDS),
            "--graceful-timeout", "2",
            "--error-logfile", str(self.log_path),
            "--log-level", "warning",
        ]  # fmt: skip

    def start(self):
        self.process = subprocess.Popen(
            self.command(),
            cwd=BASE_DIR,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches every worker
        )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _body = fetch(self.base_url + "/healthz", timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {READY_TIMEOUT_SECONDS} s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # Workers finishing an abandoned slow request may outlive the master by a moment.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def restart(self):
        self.stop()
        return self.start()

    def log_tail(self, lines=30):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def close(self):
        self.stop()
        with contextlib.suppress(OSError):
            self.log_path.unlink()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.close()


def collect_static(environment):
    """Run collectstatic into the environment's STATIC_ROOT (production serves hashed, compressed files)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
    )

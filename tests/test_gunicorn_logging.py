"""Issue 7, finding 6: gunicorn's access and error logs, run as the README runs them, hold no token or address.

A real gunicorn serves the app with the README's logging flags (the redacting logger class
and an access log on standard output); the test sends the requests that used to leak
(private links, a referer holding one, a reviewer's admin search for an email address and
the login page's `next` that repeats it) and reads what gunicorn wrote.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from clearinghouse.log_redaction import EMAIL_PLACEHOLDER, TOKEN_PLACEHOLDER
from pledges import tokens
from pledges.models import Pledge
from tests.test_settings import base_environment

# The flags the README's production command gives gunicorn for logging.
README_LOGGING_FLAGS = ["--logger-class", "clearinghouse.gunicorn_logging.RedactingLogger", "--access-logfile", "-"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn on a free port with the README's logging flags; yields (port, function returning its output)."""
    port = free_port()
    output = tmp_path / "gunicorn.log"
    environment = base_environment(
        DEBUG="1",  # static files from the finders: no collectstatic needed for the error pages
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    )
    command = [sys.executable, "-m", "gunicorn", "clearinghouse.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with open(output, "w") as log_file:
        process = subprocess.Popen(
            command + README_LOGGING_FLAGS,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, "/healthz") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"gunicorn did not start:\n{output.read_text()}")
            time.sleep(0.2)
        yield port, output.read_text
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def test_gunicorn_logs_no_token_and_no_email_address(gunicorn):
    port, read_output = gunicorn
    pledge = Pledge(pk=4812, verification_nonce="n" * 32, progress_link_nonce="p" * 32)
    progress_token = tokens.make_progress_token(pledge)
    verification_token = tokens.make_verification_token(pledge)
    address = "casey.morgan@agency.example.org"
    encoded = address.replace("@", "%40")

    statuses = [
        get(port, f"/pledge/progress/{progress_token}/"),
        get(port, f"/pledge/verify/{verification_token}/"),
        get(port, "/resources/", Referer=f"http://127.0.0.1:{port}/pledge/progress/{progress_token}/"),
        get(port, f"/admin/pledges/pledge/?q={encoded}"),
        get(port, f"/admin/login/?next=/admin/pledges/pledge/%3Fq%3D{encoded.replace('%', '%25')}"),
    ]
    time.sleep(0.5)  # let the worker flush its last access-log line
    logged = read_output()

    assert statuses[3] == 302  # the search, for someone not signed in: to the login page
    assert statuses[4] == 200
    # The access log is there, and useful: method, redacted path, status.
    assert f'"GET /pledge/progress/{TOKEN_PLACEHOLDER}/ HTTP/1.1" {statuses[0]}' in logged
    assert f'"GET /pledge/verify/{TOKEN_PLACEHOLDER}/ HTTP/1.1" {statuses[1]}' in logged
    assert f'"GET /admin/pledges/pledge/?q={EMAIL_PLACEHOLDER} HTTP/1.1" 302' in logged
    assert f"/pledge/progress/{TOKEN_PLACEHOLDER}/" in logged.split('"GET /resources/ HTTP/1.1"')[1]
    # And nothing secret anywhere in what gunicorn and the app wrote.
    for secret in (progress_token, verification_token, progress_token.split(":")[-1], "casey.morgan"):
        assert secret not in logged

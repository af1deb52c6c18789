"""A real HTTP server on a free local port, answering the ways web sites answer a link checker."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class LinkSiteHandler(BaseHTTPRequestHandler):
    """Paths: /ok, /moved (301 → /ok), /moved-twice (308 → 301 → /ok), /temporary (302 → /ok),
    /missing (404), /error (500), /slow (answers after 3 s), /no-head (405 to HEAD, 200 to GET),
    /loop (301 to itself), /gone-moved (301 → /missing). Every request is logged on the server."""

    protocol_version = "HTTP/1.1"

    def _answer(self, status, location=None, body=b"ok"):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _route(self):
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path, self.headers.get("User-Agent", ""), time.monotonic()))
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            path = self.path.split("?")[0]
            if path.startswith("/ok") or path.startswith("/page/"):
                time.sleep(server.think_time)
                self._answer(200)
            elif path == "/moved":
                self._answer(301, "/ok")
            elif path == "/moved-twice":
                self._answer(308, "/moved")
            elif path == "/temporary":
                self._answer(302, "/ok")
            elif path == "/gone-moved":
                self._answer(301, "/missing")
            elif path == "/missing":
                self._answer(404)
            elif path == "/error":
                self._answer(500)
            elif path == "/slow":
                time.sleep(3)
                self._answer(200)
            elif path == "/no-head":
                self._answer(405 if self.command == "HEAD" else 200)
            elif path == "/loop":
                self._answer(301, "/loop")
            else:
                self._answer(404)
        finally:
            with server.lock:
                server.in_flight -= 1

    do_GET = _route
    do_HEAD = _route

    def log_message(self, format, *args):  # Quiet test output.
        pass


class LinkSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address):
        super().__init__(address, LinkSiteHandler)
        self.lock = threading.Lock()
        self.requests = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.think_time = 0.0

    def url(self, path):
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture
def start_link_site():
    """Start another site (another host:port to the checker); all are stopped after the test."""
    sites = []

    def start():
        site = LinkSite(("127.0.0.1", 0))
        threading.Thread(target=site.serve_forever, daemon=True).start()
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.shutdown()
        site.server_close()


@pytest.fixture
def link_site(start_link_site):
    return start_link_site()


@pytest.fixture
def refused_url():
    """An address on a local port nothing listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/anything"

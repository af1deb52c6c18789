"""Time the link checker on N links spread over H local hosts (decision 0021).

    .venv/bin/python -m benchmarks.link_check --links 10000 --hosts 1 --delay 0 --per-host 20
    .venv/bin/python -m benchmarks.link_check --links 10000 --hosts 100 --delay 0.05

Each "host" is a local HTTP server on its own port (a host to the checker's per-host limits), run in
a child process so the server's work does not share the checker's event loop and GIL. Nine links in
ten answer 200 (one in twenty after a 301), the rest 404 (HEAD, then GET): the same mix on every host.
"""

import argparse
import multiprocessing
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from linkcheck.checker import LinkChecker, Politeness


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _route(self):
        number = int(self.path.rsplit("/", 1)[-1] or 0)
        status, location = 200, None
        if self.path.startswith("/moved/"):
            status, location = 301, f"/ok/{number}"
        elif number % 100 >= 90:
            status = 404
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _route

    def log_message(self, format, *args):
        pass


def serve(port_queue, count):
    servers = []
    for _ in range(count):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        port_queue.put(server.server_address[1])
    import threading

    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=Politeness().concurrency)
    parser.add_argument("--per-host", type=int, default=Politeness().per_host)
    parser.add_argument("--delay", type=float, default=Politeness().delay)
    args = parser.parse_args()

    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.hosts), daemon=True)
    server.start()
    hosts = [ports.get(timeout=10) for _ in range(args.hosts)]
    urls = []
    for number in range(args.links):
        # Every host gets the same mix: link k of a host is 404 when k % 100 >= 90, moved when k % 20 == 3.
        host_index, link_on_host = number % len(hosts), number // len(hosts)
        prefix = "moved" if link_on_host % 20 == 3 else "ok"
        urls.append(f"http://127.0.0.1:{hosts[host_index]}/{prefix}/{link_on_host}")
    politeness = Politeness(concurrency=args.concurrency, per_host=args.per_host, delay=args.delay, timeout=15)
    started = time.monotonic()
    results = LinkChecker(politeness).check(urls)
    elapsed = time.monotonic() - started
    server.terminate()
    ok = sum(result.ok for result in results)
    moved = sum(result.permanently_redirected for result in results)
    errors = sum(bool(result.error) for result in results)
    print(
        f"{args.links} links on {args.hosts} hosts (concurrency {args.concurrency}, {args.per_host} per host, "
        f"delay {args.delay} s): {elapsed:.1f} s, {args.links / elapsed:.0f} links/s; "
        f"{ok} ok ({moved} permanently moved), {args.links - ok - errors} failing answers, {errors} errors"
    )


if __name__ == "__main__":
    main()

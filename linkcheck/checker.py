"""Check web addresses concurrently but politely (decision 0021). No Django here: URLs in, results out.

- At most `concurrency` requests in flight overall and `per_host` to any one host, and at least
  `delay` seconds between the starts of two requests to the same host (redirect hops included).
- HEAD first; when a server refuses HEAD (any 4xx/5xx, or a broken answer to it) the same address
  is tried once with GET, reading only the headers.
- Redirects are followed by hand (up to MAX_REDIRECTS) so each hop is recorded; the chain is
  "permanent" when every hop was a 301 or 308, which is what curators are offered as an update.
- Every request has a timeout; a refused connection, a DNS failure or a timeout is a failure with
  a short reason, never an exception out of the checker.
"""

import asyncio
import concurrent.futures
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

MAX_REDIRECTS = 10
PERMANENT_REDIRECTS = {301, 308}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


@dataclass
class LinkResult:
    url: str
    status_code: int | None = None  # The final answer's status; None when no answer came.
    final_url: str = ""
    redirects: list = field(default_factory=list)  # [(status, location), ...] in order
    error: str = ""  # Why no usable answer came (timeout, refused, too many redirects)
    method: str = "HEAD"  # The method that gave the final answer
    elapsed: float = 0.0

    @property
    def ok(self):
        return self.status_code is not None and 200 <= self.status_code < 400 and not self.error

    @property
    def permanently_redirected(self):
        """Every hop was permanent and the address it ends at works: the link should be updated."""
        return bool(self.redirects) and self.ok and all(status in PERMANENT_REDIRECTS for status, _ in self.redirects)


@dataclass
class Politeness:
    concurrency: int = 20
    per_host: int = 2
    delay: float = 1.0  # seconds between request starts to the same host
    timeout: float = 15.0
    connect_timeout: float = 5.0
    user_agent: str = "ClearinghouseLinkChecker/1.0"


class _HostGate:
    """A per-host semaphore plus the earliest moment the next request to that host may start."""

    def __init__(self, per_host):
        self.semaphore = asyncio.Semaphore(per_host)
        self.lock = asyncio.Lock()
        self.next_start = 0.0


class LinkChecker:
    def __init__(self, politeness=None, *, transport=None):
        self.politeness = politeness or Politeness()
        self._transport = transport
        self._gates = {}

    def _gate(self, url):
        host = urlsplit(url).netloc.lower()
        if host not in self._gates:
            self._gates[host] = _HostGate(self.politeness.per_host)
        return self._gates[host]

    async def _request(self, client, overall, method, url):
        # The host's turn first, then a slot overall: a request waiting for a slow host's turn holds
        # no overall slot, so other hosts are checked meanwhile whatever the order of the addresses.
        gate = self._gate(url)
        async with gate.semaphore:
            async with gate.lock:  # Space the starts: the lock is held only while waiting our turn.
                wait = gate.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                gate.next_start = time.monotonic() + self.politeness.delay
            # stream(): the status and headers are all we need; the body is never downloaded.
            async with overall, client.stream(method, url) as response:
                return response.status_code, response.headers.get("location")

    async def _check_one(self, client, url, overall):
        result = LinkResult(url=url)
        started = time.monotonic()
        current = url
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                result.method = "HEAD"
                try:
                    status, location = await self._request(client, overall, "HEAD", current)
                except (httpx.RemoteProtocolError, httpx.ReadError):
                    status, location = 0, None  # A server that mishandles HEAD: try GET.
                if status == 0 or status >= 400:
                    result.method = "GET"
                    status, location = await self._request(client, overall, "GET", current)
                if status in REDIRECT_STATUSES and location:
                    current = urljoin(current, location)
                    result.redirects.append((status, current))
                    continue
                result.status_code = status
                result.final_url = current
                break
            else:
                result.error = f"More than {MAX_REDIRECTS} redirects"
                result.final_url = current
        except httpx.TimeoutException:
            result.error = "Timed out"
        except httpx.ConnectError as error:
            result.error = _connect_error_reason(error)
        except httpx.HTTPError as error:
            result.error = f"{type(error).__name__}: {error}"[:200] or type(error).__name__
        except (httpx.InvalidURL, ValueError) as error:  # An address httpx cannot even parse
            result.error = f"Invalid address: {error}"[:200]
        result.elapsed = time.monotonic() - started
        return result

    async def check_all(self, urls, *, on_result=None):
        """Check every address; `on_result(result)` is called as each finishes. Returns the results in order."""
        politeness = self.politeness
        timeout = httpx.Timeout(politeness.timeout, connect=politeness.connect_timeout)
        limits = httpx.Limits(max_connections=politeness.concurrency, max_keepalive_connections=politeness.concurrency)
        overall = asyncio.Semaphore(politeness.concurrency)
        async with httpx.AsyncClient(
            headers={"User-Agent": politeness.user_agent, "Accept": "*/*"},
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            transport=self._transport,
        ) as client:

            async def run(url):
                result = await self._check_one(client, url, overall)
                if on_result is not None:
                    on_result(result)
                return result

            return await asyncio.gather(*(run(url) for url in urls))

    def check(self, urls, *, on_result=None):
        """Synchronous entry point (management commands).

        Runs its own event loop; if this thread already runs one (Playwright's sync API does, in the
        browser tests' process), in a thread of its own, since a thread has at most one loop.
        """
        urls = list(urls)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.check_all(urls, on_result=on_result))
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(self.check_all(urls, on_result=on_result))).result()


def _connect_error_reason(error):
    cause = error
    while cause is not None:  # The OS's own reason is further down the chain (httpcore, anyio).
        if isinstance(cause, ConnectionRefusedError):
            return "Connection refused"
        if isinstance(cause, socket.gaierror):
            return "Host not found"
        cause = cause.__cause__ or cause.__context__
    text = str(error).lower()
    if "refused" in text:
        return "Connection refused"
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return "Host not found"
    return f"Could not connect: {error}"[:200]

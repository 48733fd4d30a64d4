"""The HTTP load generator of bench/submissions.py: keep-alive clients as browsers hold them,
forms opened before each timed phase, a closed loop (saturation) and an open loop (Poisson
arrivals at half load), and each phase's latencies and CPU use.
"""

from __future__ import annotations

import http.client
import itertools
import math
import os
import random
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from _submission_forms import BROWSER_HEADERS, Blank, Filled, Residents

if TYPE_CHECKING:
    from _submission_servers import Server

# Open-loop senders: enough that a free one is (almost) always waiting at half load.
SENDERS = 32
# gunicorn.conf.py keeps an idle connection open 5 s; reconnect before that, as a browser would.
IDLE_REOPEN_SECONDS = 4.0

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
_OPENED = re.compile(r'name="opened" type="hidden" value="([^"]*)"')
# Where an acknowledged form is sent: a testimony's receipt, a sign-in's.
RECEIPT_PATHS = ("/receipts/", "/positions/")


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection, as a browser (or a proxy) holds one."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.used = 0.0
        self.resent = 0

    def connect(self) -> http.client.HTTPConnection:
        if self.connection is not None and time.monotonic() - self.used > IDLE_REOPEN_SECONDS:
            self.close()
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.connect()
            self.used = time.monotonic()
        return self.connection

    def request(self, method: str, path: str, body=None, headers=None):
        """Return (status, headers, body). A keep-alive connection the server closed while idle
        is reopened and the request sent once more (nothing reached the app)."""
        for attempt in (1, 2):
            reused = self.connection is not None
            connection = self.connect()
            try:
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if reused and attempt == 1:
                    self.resent += 1
                    continue
                raise
            self.used = time.monotonic()
            if response.will_close:
                self.close()
            return response.status, response, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Sent:
    started: float
    finished: float
    status: int  # 0: the connection failed
    acknowledged: bool  # 303 to a receipt

    @property
    def latency(self) -> float:
        return self.finished - self.started


def send(client: Client, path: str, form: Filled, started: float) -> Sent:
    try:
        status, response, _ = client.request("POST", path, form.body, form.headers)
    except (OSError, http.client.HTTPException):
        client.close()
        return Sent(started, time.perf_counter(), 0, False)
    location = response.getheader("Location", "")
    acknowledged = status == 303 and any(path in location for path in RECEIPT_PATHS)
    return Sent(started, time.perf_counter(), status, acknowledged)


# --- CPU -------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


# --- the endpoints and their forms -----------------------------------------------------------


class Endpoint:
    """One server under test, with where its opened forms come from and all it answered."""

    def __init__(
        self,
        name: str,
        server: Server,
        path: str,
        opener: Callable[[int], list[Blank]],
        residents: Residents,
    ) -> None:
        self.name = name  # "full" or "bare"
        self.server = server
        self.path = path
        self.opener = opener
        self.residents = residents
        self.sent: list[Sent] = []  # every submission of the run
        self.resent = 0  # requests sent again on a keep-alive connection closed while idle
        self.spare: Blank | None = None
        self.lock = threading.Lock()

    def forms(self, count: int) -> deque[Filled]:
        """Open `count` forms (before a timed phase) and fill them in."""
        blanks = self.opener(count)
        self.spare = blanks[0]
        return deque(self.residents.fill(blank) for blank in blanks)

    def extra_form(self) -> Filled:
        """When a phase's forms run out: an opened form again with a fresh key (the server does
        the same work for it as for a new one; only the session cookie is shared)."""
        blank = replace(self.spare, submission_key=secrets.token_urlsafe(24))
        return self.residents.fill(blank)

    def record(self, sent: list[Sent], resent: int) -> None:
        with self.lock:
            self.sent.extend(sent)
            self.resent += resent


def open_forms(
    port: int, hearing_id: int, count: int, threads: int = 6, form: str = "testimony"
) -> list[Blank]:
    """GET the real form `count` times, each a new browser (own session cookie); `form`: the
    path's last part but one ("testimony", or "positions" for a sign-in)."""
    path = f"/hearings/{hearing_id}/{form}/new"
    blanks: list[Blank] = []
    remaining = itertools.count()

    def opener() -> None:
        client = Client(port)
        while next(remaining) < count:
            for _attempt in range(20):
                status, response, data = client.request("GET", path, headers=BROWSER_HEADERS)
                if status != 503:  # the busy page: the database was locked too long
                    break
                time.sleep(0.2)
            if status != 200:
                raise RuntimeError(f"the form answered {status}")
            page = data.decode()
            cookie = next(
                value.split(";", 1)[0]
                for name, value in response.getheaders()
                if name.lower() == "set-cookie" and value.startswith("session=")
            )
            blanks.append(
                Blank(
                    cookie,
                    _CSRF.search(page).group(1),
                    _KEY.search(page).group(1),
                    _OPENED.search(page).group(1),
                )
            )
        client.close()

    workers = [threading.Thread(target=opener) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if len(blanks) != count:
        raise RuntimeError(f"opened {len(blanks)} forms of {count}")
    return blanks


def bare_blanks(count: int) -> list[Blank]:
    """What the bare endpoint gets instead: the same fields, of about the same size."""
    return [
        Blank(
            f"session={secrets.token_urlsafe(60)}",
            secrets.token_urlsafe(66),
            secrets.token_urlsafe(24),
            secrets.token_urlsafe(30),
        )
        for _ in range(count)
    ]


# --- load ------------------------------------------------------------------------------------


@dataclass
class Phase:
    endpoint: str
    kind: str  # "saturation" or "half load"
    seconds: float
    offered: float | None  # arrivals per second (half load)
    sent: list[Sent]
    in_window: int  # acknowledged within the timed window
    server_cpu: float  # seconds, the gunicorn workers
    generator_cpu: float  # seconds, this process (the load generator's threads)
    machine_busy: float  # share of all cores busy, whoever used them
    others: float  # cores busy with anything else (other jobs; on PostgreSQL its server too)
    forms_reused: int  # form pool ran dry: a fresh key on an opened form
    # Seconds after the phase until the work that follows submissions (campaign placement,
    # receipt e-mail) was done too: what was acknowledged is only finished then.
    catch_up: float = 0.0

    @property
    def rate(self) -> float:
        return self.in_window / self.seconds

    @property
    def sustained(self) -> float:
        """Submissions per second including the follow-up work they left behind."""
        return self.in_window / (self.seconds + self.catch_up)

    def percentile(self, share: float) -> float:
        return percentile([s.latency for s in self.sent if s.acknowledged], share)

    @property
    def cpu_per_submission_ms(self) -> float:
        done = sum(s.acknowledged for s in self.sent)
        return 1000 * self.server_cpu / done if done else math.nan


def percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


class Meter:
    """CPU of the workers, of this process and of the machine over one phase."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.workers = server.cpu()
        self.own = time.process_time()
        self.busy, self.total = machine_busy()
        self.began = time.perf_counter()

    def read(self) -> tuple[float, float, float, float]:
        """(worker CPU s, generator CPU s, share of the machine busy, cores used by others)."""
        after = self.server.cpu()
        server = sum(after[pid] - self.workers.get(pid, 0.0) for pid in after)
        own = time.process_time() - self.own
        busy, total = machine_busy()
        wall = time.perf_counter() - self.began
        others = max(0.0, (busy - self.busy) - server - own) / wall
        return server, own, (busy - self.busy) / (total - self.total), others


def saturate(endpoint: Endpoint, clients: int, seconds: float, expected_rate: float) -> Phase:
    """Closed loop: each client sends its next form as soon as the last one is answered."""
    forms = endpoint.forms(int(expected_rate * seconds * 1.3) + 4 * clients)
    extra = itertools.count()
    lock = threading.Lock()

    def next_form() -> Filled:
        with lock:
            if forms:
                return forms.popleft()
        next(extra)
        return endpoint.extra_form()

    barrier = threading.Barrier(clients + 1)
    window: dict[str, float] = {}
    results: list[list[Sent]] = []

    def client_loop() -> None:
        client, mine = Client(endpoint.server.port), []
        client.connect()
        barrier.wait()
        while time.perf_counter() < window["stop"]:
            mine.append(send(client, endpoint.path, next_form(), time.perf_counter()))
        client.close()
        endpoint.record(mine, client.resent)
        with lock:
            results.append(mine)

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    meter = Meter(endpoint.server)
    window["stop"] = time.perf_counter() + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    sent = [s for mine in results for s in mine]
    in_window = sum(s.acknowledged and s.finished <= window["stop"] for s in sent)
    return Phase(
        endpoint.name, "saturation", seconds, None, sent, in_window, *meter.read(), next(extra)
    )


def poisson_arrivals(rate: float, seconds: float, seed: int) -> list[float]:
    rng, arrivals, moment = random.Random(seed), [], 0.0
    while (moment := moment + rng.expovariate(rate)) < seconds:
        arrivals.append(moment)
    return arrivals


def half_load(endpoint: Endpoint, rate: float, seconds: float, seed: int) -> Phase:
    """Open loop: Poisson arrivals at `rate`, each timed from when it was due to be sent, so
    time spent waiting for a free client counts too."""
    arrivals = poisson_arrivals(rate, seconds, seed)
    forms = endpoint.forms(len(arrivals))
    due: deque = deque()
    ready = threading.Semaphore(0)
    lock = threading.Lock()
    results: list[list[Sent]] = []

    def sender() -> None:
        client, mine = Client(endpoint.server.port), []
        while True:
            ready.acquire()
            item = due.popleft()
            if item is None:
                break
            scheduled, form = item
            mine.append(send(client, endpoint.path, form, scheduled))
        client.close()
        endpoint.record(mine, client.resent)
        with lock:
            results.append(mine)

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    meter = Meter(endpoint.server)
    start = time.perf_counter() + 0.05
    for offset, form in zip(arrivals, forms, strict=True):
        scheduled = start + offset
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        due.append((scheduled, form))
        ready.release()
    for _ in threads:
        due.append(None)
        ready.release()
    for thread in threads:
        thread.join()
    sent = [s for mine in results for s in mine]
    in_window = sum(s.acknowledged for s in sent)
    return Phase(endpoint.name, "half load", seconds, rate, sent, in_window, *meter.read(), 0)

"""Submission throughput: the real testimony form against a bare endpoint, in one run.

The real path is `wsgi:app` taking the testimony form (CSRF token, validation, rate limits,
campaign placement, running tallies, audit row, outbox mail queued in the transaction and
delivered after the response). The bare endpoint (bench/_bare_app.py) is a plain Flask +
Flask-SQLAlchemy app that parses the same urlencoded form and inserts the same row into the same
`testimonies` table, and nothing else. Both are served side by side by the project's own
gunicorn command and gunicorn.conf.py (same workers and threads), against the same database,
opened with the same settings (SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE; or PostgreSQL).

Each simulated resident opens the form (a GET: session cookie, CSRF token, submission key,
signed opening time) and sends it filled in (a POST) with a distinct e-mail address and a real
public comment as testimony (../shared/data/regulations-comments, read at run time; built-in
paragraphs if missing). The GETs are done before each timed phase, so only submissions are
timed. Per round, endpoints interleaved so background load falls on both:

  A. saturation: a closed loop of --clients concurrent clients for --seconds; submissions/s;
  B. half load: Poisson arrivals at 50% of that endpoint's own rate from A, for --seconds;
     latency from each submission's scheduled start (queueing in the client included).

The round order alternates (real first, then bare first), and the summary takes the median of
the per-round ratios; half-load latencies are pooled over rounds. Targets (from the issue):
full path >= 0.7 of the bare endpoint's throughput, and p99 < 100 ms at half load. These are
measurements, never assertions: the exit code is 0 either way.

Afterwards the database is checked: one row per acknowledged (303) submission for each
endpoint, nothing lost or doubled, no 5xx, and for the real path one audit row, one outbox
message and one tally count per testimony. Rate limits are raised out of the way and workers
are not recycled (max_requests=0) during the run; everything else is the production config.

    .venv/bin/python bench/submissions.py                      # SQLite in a temp folder
    .venv/bin/python bench/submissions.py --seconds 5 --rounds 2
    .venv/bin/python bench/submissions.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_submissions

The PostgreSQL database is emptied first (its public schema dropped and recreated), so its
name must contain "bench"; never point this at real data.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import itertools
import math
import os
import random
import re
import runpy
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app import create_app
from app.audit import AuditEvent
from app.campaigns.models import Campaign
from app.extensions import db
from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
from app.moderation.tallies import ReviewTally
from app.outbox import OutboxMessage
from app.testimony.models import Testimony
from app.timezones import utcnow

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
DATA = ROOT.parent / "shared" / "data" / "regulations-comments"
SECRET_KEY = "bench-submissions-secret-key-not-for-production"  # noqa: S105 (scratch only)
# Open-loop senders: enough that a free one is (almost) always waiting at half load.
SENDERS = 32
# gunicorn.conf.py keeps an idle connection open 5 s; reconnect before that, as a browser would.
IDLE_REOPEN_SECONDS = 4.0
MAX_CHARS = 10_000  # TESTIMONY_MAX_CHARS: longer texts would be refused, not stored

BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml",
    "Accept-Language": "en-US,en;q=0.9",
    "User-Agent": "Mozilla/5.0 (bench/submissions.py)",
}

FALLBACK_TEXTS = [
    "I live in Dorchester and I am writing in support of the ordinance banning municipal use "
    "of face surveillance. Cameras already watch the bus stops and the library steps on my "
    "street, and I do not want software matching my face to a database every time I walk my "
    "daughter to school.",
    "As a small business owner on Centre Street I oppose this measure. Our shop was broken into "
    "twice last winter and the footage helped the police find the people responsible. I would "
    "support clear rules on retention and audits instead of an outright prohibition.",
    "I am a nurse and a parent. Public health depends on people trusting public institutions, "
    "and people stop seeking care, reporting crimes and attending meetings when they feel "
    "watched. Please adopt the ban and require the council to approve any future surveillance "
    "technology in public.",
    "The proposed order does not define what counts as face surveillance closely enough. Does "
    "it cover a doorbell camera shared with the department, or a vendor who runs recognition on "
    "footage the city buys? I ask the committee to tighten the definitions before voting.",
]
FIRST_NAMES = [
    "Maria", "James", "Aisha", "Nguyen", "Patrick", "Rosa", "Daniel", "Fatima", "Kevin", "Mei",
    "Jose", "Siobhan", "Marcus", "Ana", "Tomas", "Grace", "Ibrahim", "Chloe", "Luis", "Hannah",
]  # fmt: skip
LAST_NAMES = [
    "Rodriguez", "O'Brien", "Okafor", "Tran", "Sullivan", "Pereira", "Cohen", "Haddad", "Walsh",
    "Chen", "Martinez", "Murphy", "Johnson", "Silva", "Kowalski", "Baptiste", "Ali", "Nguyen",
]  # fmt: skip
STREETS = ["Dorchester Ave", "Centre St", "Blue Hill Ave", "Washington St", "Tremont St"]
PLACES = [
    ("Dorchester", "02124"), ("Roxbury", "02119"), ("Jamaica Plain", "02130"),
    ("East Boston", "02128"), ("Brighton", "02135"), ("Boston", "02108"),
    ("South Boston", "02127"), ("Mattapan", "02126"), ("Cambridge", "02139"),
]  # fmt: skip

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
_OPENED = re.compile(r'name="opened" type="hidden" value="([^"]*)"')


# --- what residents send ---------------------------------------------------------------------


def load_texts() -> tuple[list[str], str]:
    """Real public comments, whitespace as written, if ../shared/data is there."""
    texts: dict[str, None] = {}
    csv.field_size_limit(sys.maxsize)
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = (row.get("text") or "").strip()
                if len(text.split()) >= 10 and len(text) <= MAX_CHARS:
                    texts[text] = None
    if texts:
        return list(texts), f"{len(texts):,} public comments from {DATA}"
    return FALLBACK_TEXTS, "built-in sample paragraphs (../shared/data not found)"


@dataclass(frozen=True)
class Blank:
    """An opened form: what the GET handed the browser."""

    cookie: str
    csrf_token: str
    submission_key: str
    opened: str


@dataclass(frozen=True)
class Filled:
    """A filled-in form, encoded and ready to send."""

    body: bytes
    headers: dict[str, str]


class Residents:
    """Fills in forms as distinct residents would: own name and e-mail, a real comment."""

    def __init__(self, texts: list[str], measure_id: int, seed: int = 1) -> None:
        self.texts = texts
        self.measure_id = measure_id
        self.rng = random.Random(seed)
        self.serial = itertools.count(1)
        self.lock = threading.Lock()

    def fill(self, blank: Blank) -> Filled:
        with self.lock:
            number = next(self.serial)
            rng = self.rng
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            city, zip_code = rng.choice(PLACES)
            organization = rng.random() < 0.05
            fields = {
                "csrf_token": blank.csrf_token,
                "submission_key": blank.submission_key,
                "opened": blank.opened,
                "website": "",
                "full_name": f"{first} {last}",
                "email": f"{first}.{last}.{number}@example.org".lower().replace("'", ""),
                "street_address": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                "city": city,
                "zip_code": zip_code,
                "hide_street_address": "y",
                "organization": "Dorchester Neighborhood Association" if organization else "",
                "measure_id": str(self.measure_id),
                "position": rng.choices(["support", "oppose", "neutral"], [6, 3, 1])[0],
                # Browsers send CRLF line breaks.
                "body": rng.choice(self.texts).replace("\n", "\r\n"),
                "speaking_request": "in_person" if rng.random() < 0.1 else "none",
                "interpreter_language": "",
                "accessibility_need": "",
                "public_record_acknowledged": "y",
            }
        if organization:
            fields["speaks_for_organization"] = "y"
        headers = {
            **BROWSER_HEADERS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": blank.cookie,
        }
        return Filled(urllib.parse.urlencode(fields).encode(), headers)


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
    return Sent(started, time.perf_counter(), status, status == 303 and "/receipts/" in location)


# --- the two servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


class Server:
    """One gunicorn (project command and config) on a free 127.0.0.1 port, stopped by PID."""

    def __init__(self, name: str, target: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = folder / f"{name}-gunicorn.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [str(GUNICORN), "-c", str(CONF), target],
                cwd=ROOT,
                env={**env, "OPENTESTIMONY_BIND": f"127.0.0.1:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} gunicorn stopped:\n{self.tail()}")
            try:
                status, _, _ = Client(self.port).request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} gunicorn never became healthy:\n{self.tail()}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def cpu(self) -> dict[int, float]:
        found = {}
        for pid in self.workers():
            try:
                found[pid] = cpu_seconds(pid)
            except FileNotFoundError:
                continue
        return found

    def problems(self) -> str:
        """What the server logged besides requests and mail: busy answers, failures."""
        text = self.log.read_text(errors="replace")
        found = {
            "answered 503 (database busy)": text.count("answered 503"),
            "mail delivery failed (left for `flask outbox deliver`)": text.count(
                "outbox delivery failed"
            ),
            "unhandled errors (500)": text.count("unhandled error"),
            "tracebacks": text.count("Traceback"),
            "worker timeouts": text.count("WORKER TIMEOUT"),
        }
        return ", ".join(f"{n} {what}" for what, n in found.items() if n) or "nothing unusual"

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


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


def open_forms(port: int, hearing_id: int, count: int, threads: int = 6) -> list[Blank]:
    """GET the real form `count` times, each a new browser (own session cookie)."""
    path = f"/hearings/{hearing_id}/testimony/new"
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

    @property
    def rate(self) -> float:
        return self.in_window / self.seconds

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


# --- the database ----------------------------------------------------------------------------


def prepare_database(url: str) -> None:
    """Empty a PostgreSQL database (a SQLite file is new), then migrate it to head."""
    if url.startswith("postgresql"):
        import psycopg

        name = urllib.parse.urlsplit(url).path.lstrip("/")
        if "bench" not in name:
            raise SystemExit(f"refusing to empty database {name!r}: its name must contain 'bench'")
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            connection.autocommit = True
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")
    migrated = subprocess.run(  # noqa: S603 (the project's own CLI, fixed arguments)
        [str(GUNICORN.with_name("flask")), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY},
        capture_output=True,
        text=True,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"migration failed:\n{migrated.stdout}{migrated.stderr}")


def create_hearing() -> tuple[int, int]:
    """One open hearing on one ordinance, speaker sign-up open, as residents would find it."""
    now = utcnow()
    body = Body(
        slug="boston-city-council",
        name="Boston City Council",
        jurisdiction="City of Boston",
        timezone="America/New_York",
    )
    committee = Committee(body=body, slug="gov-ops", name="Committee on Government Operations")
    measure = Measure(
        committee=committee,
        kind=MeasureKind.ORDINANCE,
        number="Docket #0683",
        title="Ordinance banning the use of face surveillance in the City of Boston",
        summary="Prohibits city agencies from obtaining or using face surveillance.",
    )
    hearing = Hearing(
        committee=committee,
        title="Hearing on Docket #0683, face surveillance",
        location="Iannella Chamber, Boston City Hall",
        starts_at=now + timedelta(days=31),
        testimony_opens_at=now - timedelta(days=1),
        testimony_closes_at=now + timedelta(days=30),
        measures=[measure],
    )
    db.session.add(hearing)
    db.session.commit()
    return hearing.id, measure.id


@dataclass
class Stored:
    rows: int
    distinct_keys: int


def stored(hearing_id: int, prefix: str) -> Stored:
    rows = select(Testimony.submission_key).where(
        Testimony.hearing_id == hearing_id, Testimony.tracking_number.startswith(prefix)
    )
    count = db.session.scalar(select(func.count()).select_from(rows.subquery()))
    distinct = db.session.scalar(select(func.count(func.distinct(rows.subquery().c[0]))))
    return Stored(count, distinct)


def check_database(hearing_id: int, endpoints: dict[str, Endpoint]) -> tuple[bool, list[str]]:
    """Every acknowledged submission stored once, nothing else; the real path's side rows."""
    lines, ok = [], True
    for name, prefix in (("full", "OT-"), ("bare", "BA-")):
        endpoint = endpoints[name]
        acknowledged = sum(s.acknowledged for s in endpoint.sent)
        statuses = Counter(s.status for s in endpoint.sent)
        errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
        found = stored(hearing_id, prefix)
        good = found.rows == acknowledged == found.distinct_keys and errors == 0
        ok &= good
        lines.append(
            f"  {name}: {acknowledged} acknowledged (303), {found.rows} rows stored "
            f"({found.distinct_keys} distinct forms); statuses "
            f"{dict(sorted(statuses.items()))}; 5xx/failed {errors}; resent after idle close "
            f"{endpoint.resent}: {'OK' if good else 'MISMATCH'}"
        )
    real = stored(hearing_id, "OT-").rows
    audited = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "testimony.submitted")
    )
    queued = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "testimony_received")
    )
    sent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "testimony_received", OutboxMessage.sent_at.is_not(None)
        )
    )
    tallied = db.session.scalar(
        select(func.coalesce(func.sum(ReviewTally.count), 0)).where(
            ReviewTally.hearing_id == hearing_id
        )
    )
    quarantined = db.session.scalar(
        select(func.count(Testimony.id)).where(
            Testimony.hearing_id == hearing_id, Testimony.quarantine_reason.is_not(None)
        )
    )
    grouped = db.session.scalar(
        select(func.count(Testimony.id)).where(
            Testimony.hearing_id == hearing_id, Testimony.campaign_id.is_not(None)
        )
    )
    campaigns = db.session.scalar(
        select(func.count(Campaign.id)).where(Campaign.hearing_id == hearing_id)
    )
    side_ok = audited == queued == tallied == real and quarantined == 0
    ok &= side_ok
    lines.append(
        f"  full path side rows: {audited} audit, {queued} receipt mails queued ({sent} "
        f"delivered after the response), tallies count {tallied}, {quarantined} quarantined; "
        f"{grouped} placed in {campaigns} campaigns: {'OK' if side_ok else 'MISMATCH'}"
    )
    lines.append(
        f"  columns the bare row leaves empty that the full path fills: {unfilled(hearing_id)}"
    )
    db.session.rollback()
    return ok, lines


def unfilled(hearing_id: int) -> str:
    """Compare one stored row of each: only campaign placement's columns should differ."""
    rows = {}
    for prefix in ("OT-", "BA-"):
        rows[prefix] = (
            db.session.execute(
                select(Testimony.__table__)
                .where(
                    Testimony.hearing_id == hearing_id,
                    Testimony.tracking_number.startswith(prefix),
                    Testimony.organization.is_(None),  # optional: some residents fill it in
                    Testimony.campaign_id.is_not(None) if prefix == "OT-" else True,
                )
                .limit(1)
            )
            .mappings()
            .first()
        )
    if None in rows.values():
        return "(no rows to compare)"
    empty = (None, "")
    missing = [
        column
        for column, value in rows["OT-"].items()
        if value not in empty and rows["BA-"][column] in empty
    ]
    expected = {"campaign_id", "wording_key"}
    verdict = "as expected" if set(missing) == expected else "CHECK _bare_app.py"
    return f"{', '.join(missing) or 'none'} ({verdict}: placement sets campaign_id, wording_key)"


# --- the run ---------------------------------------------------------------------------------


def server_environment(url: str, folder: Path, args: argparse.Namespace) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OPENTESTIMONY_") and key not in ("DATABASE_URL", "SECRET_KEY")
    }
    env = {
        **inherited,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "OPENTESTIMONY_SECURE_COOKIES": "0",
        "OPENTESTIMONY_SUBMIT_MIN_SECONDS": "0",
        "OPENTESTIMONY_UPLOAD_FOLDER": str(folder / "uploads"),
        "OPENTESTIMONY_MAIL_SERVER": "",  # mail goes to the log, after the response
        "OPENTESTIMONY_SUBMIT_LIMIT_PER_ADDRESS": "1000000 per minute",
        "OPENTESTIMONY_SUBMIT_LIMIT_PER_EMAIL": "1000000 per minute",
        # A worker replaced mid-phase would time its start-up, not submissions.
        "OPENTESTIMONY_MAX_REQUESTS": "0",
        "OPENTESTIMONY_EXPORT_RUNNER": "thread",
    }
    for name, value in (("WEB_CONCURRENCY", args.workers), ("OPENTESTIMONY_THREADS", args.threads)):
        if value:
            env[name] = str(value)
    return env


def gunicorn_settings(env: dict[str, str]) -> dict:
    """What gunicorn.conf.py makes of this environment (workers, threads, ...)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return runpy.run_path(str(CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run(args: argparse.Namespace, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    prepare_database(url)
    setup = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with setup.app_context():
        hearing_id, measure_id = create_hearing()
        db.engine.dispose()
    texts, source = load_texts()
    env = server_environment(url, folder, args)
    conf = gunicorn_settings(env)
    servers: list[Server] = []
    try:
        for name, target in (("full", "wsgi:app"), ("bare", "bench._bare_app:app")):
            servers.append(Server(name, target, env, folder))
        for server in servers:
            server.wait_until_healthy()
        path = f"/hearings/{hearing_id}/testimony/new"
        full, bare = servers
        endpoints = {
            "full": Endpoint(
                "full",
                full,
                path,
                lambda count: open_forms(full.port, hearing_id, count),
                Residents(texts, measure_id, seed=1),
            ),
            "bare": Endpoint("bare", bare, path, bare_blanks, Residents(texts, measure_id, seed=2)),
        }
        print(
            f"submissions on {dialect}: gunicorn workers={conf['workers']} "
            f"threads={conf['threads']} ({conf['worker_class']}), {args.clients} clients, "
            f"{args.seconds:g} s per phase, {args.rounds} rounds; texts: {source}",
            flush=True,
        )
        # Warm up (imports, caches, connections) and estimate how many forms a phase needs.
        expected = {}
        for name, endpoint in endpoints.items():
            warm = saturate(endpoint, args.clients, args.warmup, expected_rate=50)
            expected[name] = max(warm.rate, 10.0)
        rounds: list[dict[str, Phase]] = []
        for number in range(args.rounds):
            order = ["full", "bare"] if number % 2 == 0 else ["bare", "full"]
            phases: dict[str, Phase] = {}
            for name in order:
                phase = saturate(endpoints[name], args.clients, args.seconds, expected[name])
                phases[f"{name} saturation"] = phase
                expected[name] = phase.rate
            for name in order:
                rate = phases[f"{name} saturation"].rate / 2
                phases[f"{name} half"] = half_load(
                    endpoints[name], rate, args.seconds, seed=1000 * number + len(name)
                )
            rounds.append(phases)
            print_round(number + 1, phases)
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        print(f"{server.name} server log: {server.problems()}")
    with setup.app_context():
        ok, lines = check_database(hearing_id, endpoints)
        db.engine.dispose()
    summarise(dialect, conf, rounds)
    print(f"check: {'every acknowledged submission stored once' if ok else 'PROBLEMS'}")
    print("\n".join(lines))


def print_round(number: int, phases: dict[str, Phase]) -> None:
    for name in ("full", "bare"):
        sat, half = phases[f"{name} saturation"], phases[f"{name} half"]
        extra = f", {sat.forms_reused} forms re-sent with a new key" if sat.forms_reused else ""
        print(
            f"round {number} {name}: saturation {sat.rate:.1f}/s, p50 {ms(sat.percentile(0.5))}; "
            f"server CPU {sat.cpu_per_submission_ms:.1f} ms per submission; load generator "
            f"{sat.generator_cpu / sat.seconds:.0%} of a core; machine {sat.machine_busy:.0%} "
            f"busy, {sat.others:.1f} cores by others{extra}"
        )
        print(
            f"round {number} {name}: half load {half.rate:.1f}/s ({half.offered:.1f} offered): "
            f"p50 {ms(half.percentile(0.5))} p99 {ms(half.percentile(0.99))} "
            f"max {ms(half.percentile(1.0))}; machine {half.machine_busy:.0%} busy, "
            f"{half.others:.1f} cores by others",
            flush=True,
        )


def summarise(dialect: str, conf: dict, rounds: list[dict[str, Phase]]) -> None:
    full = statistics.median(r["full saturation"].rate for r in rounds)
    bare = statistics.median(r["bare saturation"].rate for r in rounds)
    ratio = statistics.median(r["full saturation"].rate / r["bare saturation"].rate for r in rounds)
    pooled = [s.latency for r in rounds for s in r["full half"].sent if s.acknowledged]
    bare_pooled = [s.latency for r in rounds for s in r["bare half"].sent if s.acknowledged]
    half_rate = statistics.median(r["full half"].rate for r in rounds)
    p50, p99 = percentile(pooled, 0.5), percentile(pooled, 0.99)
    cpu_full = statistics.median(r["full saturation"].cpu_per_submission_ms for r in rounds)
    cpu_bare = statistics.median(r["bare saturation"].cpu_per_submission_ms for r in rounds)
    generator = max(
        p.generator_cpu / p.seconds for r in rounds for p in r.values() if p.kind == "saturation"
    )

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    ratios = ", ".join(
        f"{r['full saturation'].rate / r['bare saturation'].rate:.2f}" for r in rounds
    )
    print(
        f"detail: ratio is the median of {len(rounds)} per-round ratios ({ratios}); "
        f"server CPU per submission at saturation: full {cpu_full:.1f} ms, bare {cpu_bare:.1f} ms "
        f"({cpu_full / cpu_bare:.1f}x)"
    )
    print(
        f"detail: half load pooled over rounds: full {len(pooled)} submissions p50 {ms(p50)} "
        f"p99 {ms(p99)}; bare {len(bare_pooled)} submissions p50 "
        f"{ms(percentile(bare_pooled, 0.5))} p99 {ms(percentile(bare_pooled, 0.99))}"
    )
    warning = "; it may be what limits the bare endpoint" if generator > 0.6 else ""
    print(
        f"detail: the load generator used at most {generator:.0%} of one core "
        f"({os.cpu_count()} cores in all{warning})"
    )
    print(
        f"submissions {dialect} workers={conf['workers']} threads={conf['threads']}: "
        f"full {full:.0f}/s, bare {bare:.0f}/s, ratio {ratio:.2f} "
        f"(target >= 0.70: {verdict(ratio >= 0.7)}); half load {half_rate:.0f}/s "
        f"p50 {ms(p50)} p99 {ms(p99)} (target p99 < 100 ms: {verdict(p99 < 0.1)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied!); default SQLite")
    parser.add_argument("--seconds", type=float, default=8, help="length of each timed phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=12, help="closed-loop clients")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (gunicorn.conf.py default)")
    parser.add_argument("--threads", type=int, help="OPENTESTIMONY_THREADS (default from conf)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, db)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    try:
        run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A crowd of residents and a bot, sending testimony to a served app over real HTTP.

Each resident opens the form (getting its CSRF token, submission key and cookie), fills it in
and sends it; on a dropped connection, a 503 or a 429 they wait and send the *same* form again,
as a person pressing the button once more would. A receipt (303 to /receipts/…) is the
acknowledgement: its page shows the tracking number the resident was given.
"""

from __future__ import annotations

import http.client
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
_OPENED = re.compile(r'name="opened" type="hidden" value="([^"]*)"')
_TRACKING = re.compile(r'data-testid="tracking-number">([A-Z0-9-]+)<')


@dataclass
class Outcome:
    acknowledged: str | None = None  # the tracking number on the receipt
    statuses: list[int] = field(default_factory=list)
    dropped: int = 0  # connections that broke (a worker killed mid-request)


class Browser:
    """One person's browser: one address, one cookie jar (the session cookie)."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address  # what the proxy in front would report
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None, form: bool = False):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-For": self.address, "Connection": "close"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text


def fields_from(page: str, measure_id: int, *, name: str, email: str, body: str) -> dict:
    return {
        "csrf_token": _CSRF.search(page).group(1),
        "submission_key": _KEY.search(page).group(1),
        "opened": _OPENED.search(page).group(1),
        "full_name": name,
        "email": email,
        "street_address": "12 Example Street",
        "city": "Dorchester",
        "zip_code": "02124",
        "measure_id": str(measure_id),
        "position": "support",
        "body": body,
        "speaking_request": "none",
        "public_record_acknowledged": "y",
    }


def send_until_acknowledged(
    browser: Browser, hearing_id: int, fields: dict, *, deadline: float, pause: float = 0.5
) -> Outcome:
    """Send the form, and the same form again after anything but a receipt, until `deadline`."""
    outcome = Outcome()
    path = f"/hearings/{hearing_id}/testimony/new"
    body = urllib.parse.urlencode(fields).encode()
    while time.monotonic() < deadline:
        try:
            status, headers, _text = browser.request("POST", path, body, form=True)
        except (OSError, http.client.HTTPException):
            outcome.dropped += 1
            time.sleep(pause)
            continue
        outcome.statuses.append(status)
        if status == 303 and "/receipts/" in headers.get("Location", ""):
            receipt = urllib.parse.urlsplit(headers["Location"]).path
            outcome.acknowledged = _read_tracking(browser, receipt, deadline)
            return outcome
        if status in (429, 503):
            time.sleep(min(float(headers.get("Retry-After", 1)), pause * 4))
        else:
            time.sleep(pause)
    return outcome


def _read_tracking(browser: Browser, receipt: str, deadline: float) -> str | None:
    while time.monotonic() < deadline:
        try:
            status, _headers, text = browser.request("GET", receipt)
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
            continue
        if status == 200:
            return _TRACKING.search(text).group(1)
        time.sleep(0.2)
    return None


def open_form(browser: Browser, hearing_id: int, *, deadline: float) -> str | None:
    while time.monotonic() < deadline:
        try:
            status, _headers, text = browser.request("GET", f"/hearings/{hearing_id}/testimony/new")
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
            continue
        if status == 200:
            return text
        time.sleep(0.2)
    return None


def bot_flood(
    browser: Browser, hearing_id: int, measure_id: int, count: int, *, deadline: float
) -> list[Outcome]:
    """One address firing filled-in forms as fast as it can, each with a fresh key, never
    waiting: what a script does. Returns one outcome per form."""
    page = open_form(browser, hearing_id, deadline=deadline)
    outcomes = []
    path = f"/hearings/{hearing_id}/testimony/new"
    for number in range(count):
        if page is None or time.monotonic() > deadline:
            break
        fields = fields_from(
            page,
            measure_id,
            name=f"Bot Person {number}",
            email=f"bot{number}@bots.example.net",
            body=f"Automated comment number {number}. Ban it now, ban it now, ban it now.",
        )
        fields["submission_key"] = secrets.token_urlsafe(24)
        outcome = Outcome()
        # Like any HTTP library, it sends again only when the connection broke.
        for _attempt in range(5):
            try:
                status, headers, _text = browser.request(
                    "POST", path, urllib.parse.urlencode(fields).encode(), form=True
                )
            except (OSError, http.client.HTTPException):
                outcome.dropped += 1
                continue
            outcome.statuses.append(status)
            if status == 303 and "/receipts/" in headers.get("Location", ""):
                receipt = urllib.parse.urlsplit(headers["Location"]).path
                outcome.acknowledged = _read_tracking(browser, receipt, deadline)
            break
        outcomes.append(outcome)
    return outcomes

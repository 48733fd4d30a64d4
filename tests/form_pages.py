"""The testimony form and receipt as a resident meets them: loading and sending the form,
and reading back the errors, the values it keeps and the receipt's facts. Shared by the tests of
the form, kept files, the amendment and the security catalogue."""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser

from tests.factories import form_fields, make_hearing

# --- Driving the form -------------------------------------------------------------------------


def form_url(hearing) -> str:
    return f"/hearings/{hearing.id}/testimony/new"


def open_form(client, hearing) -> str:
    page = client.get(form_url(hearing))
    assert page.status_code == 200
    return page.text


def submit(client, hearing, *, files=None, **overrides):
    """Load the form (for its CSRF token and submission key), then post it as multipart."""
    data = form_fields(hearing, open_form(client, hearing), **overrides)
    if files is not None:
        data["attachments"] = files
    return client.post(form_url(hearing), data=data, content_type="multipart/form-data")


def pdf_file(data: bytes, name: str):
    return (io.BytesIO(data), name, "application/pdf")


def open_hearing(db, **overrides):
    hearing = make_hearing(**overrides)
    db.session.commit()
    return hearing


# --- Reading the page back --------------------------------------------------------------------


def _text(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def summary_errors(page: str) -> list[str]:
    """The items of the error summary at the top of the page, as a resident reads them."""
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)]


def field_error(page: str, field_id: str) -> str:
    """The message shown next to one field."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert match, f"no error shown next to {field_id}"
    return _text(match.group(1))


class _FormValues(HTMLParser):
    """Collect what the re-rendered form would send again: field values and ticked boxes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value") or "on"
            elif kind != "file":
                self.values[name] = attributes.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # Browsers drop the line break that follows <textarea>.
            text = self.values[self._textarea]
            self.values[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def form_values(page: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(page)
    return parser.values


def receipt_fact(page: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert match, f"no {label} on the receipt"
    return html.unescape(match.group(1))


def receipt_testimony(page: str) -> str:
    match = re.search(r'<div class="testimony-text prewrap" dir="auto">(.*?)</div>', page, re.S)
    assert match, "no testimony text on the receipt"
    return html.unescape(match.group(1))

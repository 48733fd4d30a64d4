"""Personal data in testimony text: what the detector finds (and must not), and the review
page offering each finding to the moderator as a suggested redaction."""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
import time
from datetime import UTC, datetime

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.moderation.models import Redaction
from app.moderation.pii import Finding, Kind, find_personal_data, not_yet_redacted
from app.moderation.redaction import public_text
from app.moderation.services import active_spans, redact_phrase, remove_redaction
from app.platform.audit import AuditEvent
from app.testimony.models import ReviewStatus
from tests.factories import (
    OwnContextClient,
    csrf_token_from,
    make_admin,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind.value, finding.text) for finding in find_personal_data(text)]


# What is found

POSITIVE = [
    # Social Security numbers
    ("My SSN is 123-45-6789.", [("ssn", "123-45-6789")]),
    ("SSN: 123456789", [("ssn", "123456789")]),
    ("social security number 078 05 1120", [("ssn", "078 05 1120")]),
    ("Social Security #665-01-0001, thanks", [("ssn", "665-01-0001")]),
    # phone numbers
    ("Call (617) 555-0100 today", [("phone", "(617) 555-0100")]),
    ("Call (617)555-0100", [("phone", "(617)555-0100")]),
    ("Call 617-555-0100.", [("phone", "617-555-0100")]),
    ("Call 617.555.0100", [("phone", "617.555.0100")]),
    ("Call 617 555 0100", [("phone", "617 555 0100")]),
    ("Call 617 555-0100", [("phone", "617 555-0100")]),
    ("Call +1 617 555 0100", [("phone", "+1 617 555 0100")]),
    ("Call +1 (617) 555-0100", [("phone", "+1 (617) 555-0100")]),
    ("Call +16175550100", [("phone", "+16175550100")]),
    ("Call 1-800-555-0199", [("phone", "1-800-555-0199")]),
    ("Call 6175550100", [("phone", "6175550100")]),
    ("Call 617-555-0100 x12", [("phone", "617-555-0100 x12")]),
    ("Call 617-555-0100 ext. 4", [("phone", "617-555-0100 ext. 4")]),
    ("(Call 617-555-0100)", [("phone", "617-555-0100")]),
    # e-mail addresses
    ("Write to jo.smith+hearing@example.org.", [("email", "jo.smith+hearing@example.org")]),
    ("mailto:a@b.co.uk, please", [("email", "a@b.co.uk")]),
    ("Écrivez-moi : ÉLODIE@example.org merci", [("email", "ÉLODIE@example.org")]),
    # street addresses
    ("I live at 123 Main Street, Boston.", [("street_address", "123 Main Street")]),
    ("I live at 45 Tremont St. in Boston.", [("street_address", "45 Tremont St")]),
    ("Meet at 1 City Hall Square.", [("street_address", "1 City Hall Square")]),
    ("Send it to 12B Elm Ave Apt 4.", [("street_address", "12B Elm Ave Apt 4")]),
    ("We are at 12-14 Blue Hill Ave #3.", [("street_address", "12-14 Blue Hill Ave #3")]),
    ("at 100 Martin Luther King Jr Blvd", [("street_address", "100 Martin Luther King Jr Blvd")]),
    ("at 77 O'Brien Hwy", [("street_address", "77 O'Brien Hwy")]),
    ("at 12 5th Avenue", [("street_address", "12 5th Avenue")]),
    ("at 9 MAIN ST", [("street_address", "9 MAIN ST")]),
    ("at 3 Harbor Point Pkwy, Unit 2B", [("street_address", "3 Harbor Point Pkwy, Unit 2B")]),
    ("2020 Commonwealth Avenue is mine.", [("street_address", "2020 Commonwealth Avenue")]),
    # payment cards (Luhn-valid test numbers)
    ("Card 4111 1111 1111 1111.", [("card", "4111 1111 1111 1111")]),
    ("Card 4111-1111-1111-1111.", [("card", "4111-1111-1111-1111")]),
    ("Card 5555555555554444", [("card", "5555555555554444")]),
    ("Amex 3782 822463 10005", [("card", "3782 822463 10005")]),
    # several at once, in order
    (
        "Jane Roe, 12 Elm Street, 617-555-0100, jane@example.org, SSN 123-45-6789",
        [
            ("person_name", "Jane Roe"),
            ("street_address", "12 Elm Street"),
            ("phone", "617-555-0100"),
            ("email", "jane@example.org"),
            ("ssn", "123-45-6789"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE, ids=[t for t, _ in POSITIVE])
def test_personal_data_is_found(text, expected):
    assert found(text) == expected


NEGATIVE = [
    # bill, docket and chapter numbers, years, counts, amounts
    "H.1538",
    "S.2557 and H.1538 were reported out.",
    "Docket #0683",
    "Docket #0683-2020",
    "2020",
    "In 2020 the council voted 9-4.",
    "10,000 residents signed",
    "$1,234,567",
    "a $1,234,567,890 budget",
    "1,617,555,0100 people",
    "Section 12.3.4 of chapter 40B",
    "3.14159265358979",
    # dates and times
    "06/09/2020",
    "on 06-09-2020 at 10:30",
    "2020-06-09",
    "June 9, 2020",
    "10.06.2020",
    # ZIP codes alone
    "02124",
    "Dorchester MA 02124",
    "02124-1234",
    # not Social Security numbers
    "000-12-3456",
    "666-12-3456",
    "912-12-3456",
    "123-00-4567",
    "123-45-0000",
    "1123-45-6789",
    "123-45-67890",
    "123456789",  # nine digits without the word SSN
    # not phone numbers
    "16175550100123",
    "617-555-01001",
    "617-555-0100-2",
    "617-555-0100/2",
    "0617-555-0100",
    "123-456-7890",  # area codes never start with 1
    "617-155-0100",  # nor exchanges
    "5551234",
    "617-5550-100",
    "617/555/0100",
    "1.6175550100",
    "Version 3.617-555-0100",
    "ID#6175550100",
    "REF6175550100",
    # not e-mail addresses
    "foo@bar",
    "@handle on social media",
    "a@b.c",
    "user@@example.org",
    # not street addresses
    "the 12 residents Street",
    "12 main street",
    "In 2019 Superior Court ruled.",
    "Since 2020 Boston Police Way has closed",
    "1st Avenue",
    "Main Street",
    "$5 Main Street",
    "2 St",
    # not cards
    "4111 1111 1111 1112",  # fails the Luhn check
    "1234 5678 9012 3456",
    "2019 2020 2021 2022",
    "00000000000000",
    "",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_things_that_are_not_personal_data_are_not_flagged(text):
    assert found(text) == []


def test_findings_carry_their_offsets_into_the_original_text():
    text = "👋🏽 Ünïcödé first: call 617-555-0100 or write jo@example.org\nat 5 Elm St."

    findings = find_personal_data(text)

    assert [f.kind for f in findings] == [Kind.PHONE, Kind.EMAIL, Kind.STREET_ADDRESS]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    start = text.index("617")
    assert findings[0] == Finding(start, start + 12, Kind.PHONE, "617-555-0100")


def test_findings_are_sorted_and_never_overlap():
    text = (
        "6175550100@vtext.com and 123-45-6789 then SSN: 123-45-6789; call 617-555-0100 "
        "about 12 Elm Street, 12 Elm Street again, card 4111111111111111. "
    ) * 20

    findings = find_personal_data(text)

    assert findings == sorted(findings, key=lambda f: f.start)
    for before, after in itertools.pairwise(findings):
        assert before.end <= after.start
    # The e-mail address wins over the phone number that is its name; SSN is found once.
    assert findings[0] == Finding(0, 20, Kind.EMAIL, "6175550100@vtext.com")
    assert [f.kind for f in findings[:6]] == [
        Kind.EMAIL,
        Kind.SSN,
        Kind.SSN,
        Kind.PHONE,
        Kind.STREET_ADDRESS,
        Kind.STREET_ADDRESS,
    ]


def test_a_finding_is_a_frozen_value_and_its_kind_compares_as_a_string():
    finding = find_personal_data("617-555-0100")[0]

    assert finding.kind == "phone"
    kinds = ["ssn", "phone", "email", "street_address", "card", "person_name"]
    assert {Kind(k) for k in kinds} == set(Kind)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 3  # type: ignore[misc]


def test_a_year_is_only_ignored_after_words_that_introduce_one():
    assert found("since 1998 Tremont Street") == []
    assert found("moved to 1998 Tremont Street") == [("street_address", "1998 Tremont Street")]
    assert found("in 12 Elm Street") == [("street_address", "12 Elm Street")]


def test_long_text_is_searched_quickly():
    chunk = "Resident of Ward 4 since 2011; H.1538 and Docket #0683 matter. " * 200
    texts = [
        chunk + "Reach me at 617-555-0100.",
        "a" * 100_000,
        "1" * 100_000,
        "A " * 50_000,
        "x." * 50_000 + "@",
        "Aa " * 30_000 + "St",
        "1 A " * 25_000,
    ]
    # The CPU this thread spent, not the wall clock: a loaded machine or tests running in
    # parallel slow the clock, never the search's own work.
    started = time.thread_time()
    results = [find_personal_data(text) for text in texts]
    assert time.thread_time() - started < 2
    assert [f.text for f in results[0]] == ["617-555-0100"]
    assert all(result == [] for result in results[1:])


# not_yet_redacted

TEXT = (
    "Call 617-555-0100 or (617) 555-0100; call 617-555-0100 again. "
    "Mail JO@example.org, jo@example.org."
)


def test_not_yet_redacted_offers_each_text_once_ignoring_case():
    texts = [f.text for f in not_yet_redacted(TEXT, [])]
    assert texts == ["617-555-0100", "(617) 555-0100", "JO@example.org"]


def test_a_finding_hidden_completely_is_not_offered_again():
    phone = TEXT.index("617-555-0100")
    spans = [(phone, phone + len("617-555-0100"))]
    # The same number again later is still visible, so it is still offered.
    assert [f.text for f in not_yet_redacted(TEXT, spans)] == [
        "(617) 555-0100",
        "617-555-0100",
        "JO@example.org",
    ]

    every = [(m.start(), m.end()) for m in re.finditer(r"617-555-0100", TEXT)]
    assert [f.text for f in not_yet_redacted(TEXT, every)] == ["(617) 555-0100", "JO@example.org"]


def test_a_finding_hidden_only_in_part_is_still_offered():
    start = TEXT.index("(617)")
    assert "(617) 555-0100" in [f.text for f in not_yet_redacted(TEXT, [(start, start + 5)])]


def test_a_finding_hidden_by_touching_spans_counts_as_hidden():
    start = TEXT.index("(617)")
    spans = [(start, start + 5), (start + 5, start + 14)]
    assert "(617) 555-0100" not in [f.text for f in not_yet_redacted(TEXT, spans)]


# The review page

BODY = (
    "I oppose the cameras on my street. Call me at 617-555-0100 or write to "
    "denise.o@example.org. I live at 77 O'Brien Hwy Apt 4, next to H.1538's sponsor."
)


def review_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}"


def redact_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}/redactions"


_SUGGESTION = re.compile(
    r'<form method="post" action="(?P<action>[^"]+)" class="inline-form">'
    r'<input id="csrf_token" name="csrf_token" type="hidden" value="(?P<token>[^"]+)">'
    r'<input type="hidden" name="phrase" value="(?P<phrase>[^"]*)">'
    r'<input type="hidden" name="seen_version" value="(?P<version>\d+)">'
)


def suggestions_on(page_html: str) -> dict[str, dict]:
    """The suggested-redaction forms on the page: phrase -> what its button posts, and where."""
    section = page_html.split('id="suggestions-heading"', 1)
    if len(section) == 1:
        return {}
    forms = {}
    for match in _SUGGESTION.finditer(section[1].split("</section>", 1)[0]):
        phrase = html.unescape(match["phrase"])
        forms[phrase] = {
            "url": html.unescape(match["action"]),
            "data": {
                "csrf_token": match["token"],
                "phrase": phrase,
                "seen_version": match["version"],
            },
        }
    return forms


def count_redactions(db) -> int:
    return db.session.scalar(select(func.count(Redaction.id)))


def test_the_review_page_suggests_each_finding_with_its_kind(app, db):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    assert "Suggested redactions" in page
    assert "Phone number: “617-555-0100”" in page
    assert "E-mail address: “denise.o@example.org”" in page
    assert "Street address: “77 O&#39;Brien Hwy Apt 4”" in page, "escaped as Jinja does"
    assert list(suggestions_on(page)) == [
        "617-555-0100",
        "denise.o@example.org",
        "77 O'Brien Hwy Apt 4",
    ]
    assert {form["url"] for form in suggestions_on(page).values()} == {redact_url(testimony)}


def test_without_personal_data_there_is_no_suggestions_heading(app, db):
    testimony = make_testimony(body="I support the ban. See H.1538 and Docket #0683.").testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    assert "Suggested redactions" not in page
    assert suggestions_on(page) == {}


@pytest.mark.parametrize("phrase", ["617-555-0100", "denise.o@example.org", "77 O'Brien Hwy Apt 4"])
def test_pressing_a_suggestion_hides_exactly_that_text(app, db, phrase):
    hearing = make_hearing()
    testimony = make_testimony(hearing, body=BODY).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    moderator = make_staff_user()
    browser = signed_in_client(app, moderator)
    form = suggestions_on(browser.get(review_url(testimony)).text)[phrase]

    response = browser.post(form["url"], data=form["data"])

    assert response.status_code == 303
    assert response.headers["Location"] == review_url(testimony)
    assert [BODY[s:e] for s, e in active_spans(testimony)] == [phrase]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.redacted")
    ).one()
    assert event.actor == f"user:{moderator.id}"
    assert event.subject_id == testimony.id
    # The public page shows the marker in its place and everything else as written.
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)
    public = visitor.get(f"/hearings/{hearing.id}").text
    expected = str(escape(BODY.replace(phrase, "[redacted]")))
    assert expected in public
    assert str(escape(phrase)) not in public
    # Staff still see the original, marked; the suggestion is gone, the others remain.
    page = browser.get(review_url(testimony)).text
    assert "1 passage hidden." in page
    assert f'<mark class="mark-redacted">{escape(phrase)}</mark>' in page
    remaining = suggestions_on(page)
    assert phrase not in remaining
    assert len(remaining) == 2


def test_a_suggestion_hides_every_occurrence_and_is_offered_once(app, db):
    body = "Call 617-555-0100. Again: 617-555-0100. Or jo@example.org."
    testimony = make_testimony(body=body).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    browser = signed_in_client(app)
    forms = suggestions_on(browser.get(review_url(testimony)).text)
    assert list(forms) == ["617-555-0100", "jo@example.org"]

    browser.post(forms["617-555-0100"]["url"], data=forms["617-555-0100"]["data"])

    assert public_text(testimony.body, active_spans(testimony)) == (
        "Call [redacted]. Again: [redacted]. Or jo@example.org."
    )


def test_an_already_redacted_finding_is_no_longer_suggested(app, db):
    testimony = make_testimony(body=BODY).testimony
    moderator = make_staff_user()
    (redaction,) = redact_phrase(moderator, testimony, "617-555-0100", now=NOW)
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    assert "617-555-0100" not in suggestions_on(page)
    assert "Phone number: “617-555-0100”" not in page
    assert "denise.o@example.org" in suggestions_on(page)

    remove_redaction(moderator, redaction, now=NOW)
    assert "617-555-0100" in suggestions_on(browser.get(review_url(testimony)).text)


def test_once_everything_is_hidden_the_heading_goes_too(app, db):
    testimony = make_testimony(body="Call 617-555-0100.").testimony
    redact_phrase(make_staff_user(), testimony, "617-555-0100", now=NOW)
    browser = signed_in_client(app)

    assert "Suggested redactions" not in browser.get(review_url(testimony)).text


def test_pressing_a_suggestion_without_a_valid_csrf_token_changes_nothing(app, db, subtests):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)
    form = suggestions_on(browser.get(review_url(testimony)).text)["617-555-0100"]
    theirs = csrf_token_from(signed_in_client(app).get(review_url(testimony)).text)

    for label, token in [("none", None), ("empty", ""), ("junk", "x"), ("theirs", theirs)]:
        with subtests.test(token=label):
            data = {"phrase": form["data"]["phrase"]}
            if token is not None:
                data["csrf_token"] = token
            response = browser.post(form["url"], data=data)

            assert response.status_code == 400
            assert count_redactions(db) == 0


def test_signed_out_visitors_see_no_suggestions_and_cannot_press_them(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing, body=BODY).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)

    public = visitor.get(f"/hearings/{hearing.id}").text
    assert "Suggested redactions" not in public
    page = visitor.get(review_url(testimony))
    assert page.status_code in (302, 303)
    assert page.headers["Location"].startswith("/staff/login")
    # The public testimony form gives anyone a valid token for their own session.
    token = csrf_token_from(visitor.get(f"/hearings/{hearing.id}/testimony/new").text)
    response = visitor.post(
        redact_url(testimony), data={"csrf_token": token, "phrase": "617-555-0100"}
    )
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/staff/login")
    assert count_redactions(db) == 0


@pytest.mark.parametrize("who", ["admin", "clerk"])
def test_admins_and_clerks_can_press_a_suggestion_too(app, db, who):
    from app.accounts.models import Role

    user = make_admin() if who == "admin" else make_staff_user(Role.CLERK)
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app, user)
    form = suggestions_on(browser.get(review_url(testimony)).text)["denise.o@example.org"]

    response = browser.post(form["url"], data=form["data"])

    assert response.status_code == 303
    assert [BODY[s:e] for s, e in active_spans(testimony)] == ["denise.o@example.org"]

"""Reading a PDF attachment on the review page: page N of M as an image drawn on the server,
previous and next links, 404 for pages that do not exist, and a clear message with the
download link when a page cannot be drawn. The PDF itself is never put in the page."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from app.moderation.pdf_pages import cache_root
from app.platform.storage import file_store
from tests.factories import make_testimony, signed_in_client
from tests.moderation.drawn_pdfs import drawn_upload


@pytest.fixture(autouse=True)
def empty_cache(app):
    with app.app_context():
        shutil.rmtree(cache_root(), ignore_errors=True)
    yield


def review_url(testimony, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/staff/testimony/{testimony.id}" + (f"?{query}" if query else "")


def with_attachments(db, *uploads):
    testimony = make_testimony(uploads=uploads).testimony
    db.session.commit()
    return testimony


def images_on(page_html: str) -> list[tuple[str, str]]:
    return [
        (html.unescape(src), html.unescape(alt))
        for src, alt in re.findall(
            r'<img class="page-image" src="([^"]+)" alt="([^"]*)">', page_html
        )
    ]


def links_on(page_html: str, rel: str) -> list[str]:
    return [
        html.unescape(href) for href in re.findall(rf'<a href="([^"]+)" rel="{rel}">', page_html)
    ]


def test_the_first_page_of_each_attachment_shows_with_its_place(app, db):
    testimony = with_attachments(
        db, drawn_upload("Okafor & sons.pdf", pages=3), drawn_upload("map.pdf", pages=1)
    )
    first, second = testimony.attachments
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    assert images_on(page) == [
        (f"/staff/attachments/{first.id}/pages/1.png", "Page 1 of 3 of Okafor & sons.pdf"),
        (f"/staff/attachments/{second.id}/pages/1.png", "Page 1 of 1 of map.pdf"),
    ]
    assert "Page 1 of 3</span>" in page
    assert links_on(page, "prev") == []
    assert links_on(page, "next") == [
        f"/staff/testimony/{testimony.id}?attachment={first.id}&page=2#attachment-{first.id}"
    ]
    # A one-page file needs no pager; the file is never embedded, only downloaded.
    assert page.count('class="pager"') == 1
    assert not re.search(r"<(iframe|embed|object)\b", page)
    assert f'<a href="/staff/attachments/{first.id}" download>' in page
    # Every image answers.
    for src, _alt in images_on(page):
        assert browser.get(src).mimetype == "image/png"


def test_next_and_previous_page_through_one_attachment(app, db):
    testimony = with_attachments(db, drawn_upload("statement.pdf", pages=3))
    (item,) = testimony.attachments
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony, attachment=item.id, page=2)).text

    assert images_on(page) == [
        (f"/staff/attachments/{item.id}/pages/2.png", "Page 2 of 3 of statement.pdf")
    ]
    assert links_on(page, "prev") == [
        f"/staff/testimony/{testimony.id}?attachment={item.id}&page=1#attachment-{item.id}"
    ]
    assert links_on(page, "next") == [
        f"/staff/testimony/{testimony.id}?attachment={item.id}&page=3#attachment-{item.id}"
    ]
    last = browser.get(links_on(page, "next")[0]).text
    assert "Page 3 of 3</span>" in last
    assert links_on(last, "next") == []


def test_paging_one_attachment_leaves_the_others_on_their_first_page(app, db):
    testimony = with_attachments(db, drawn_upload("a.pdf", pages=2), drawn_upload("b.pdf", pages=2))
    second = testimony.attachments[1]
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony, attachment=second.id, page=2)).text

    assert [alt for _src, alt in images_on(page)] == [
        "Page 1 of 2 of a.pdf",
        "Page 2 of 2 of b.pdf",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=4",
        "page=-1",
        "page=two",
        "page=1.5",
        "page=99999999999999999999999",
        "page=",
        "page=%C2%B2",  # a superscript two: a digit to str.isdigit, not to int()
    ],
)
def test_a_page_that_does_not_exist_is_not_found(app, db, query):
    testimony = with_attachments(db, drawn_upload("statement.pdf", pages=3))
    browser = signed_in_client(app)

    response = browser.get(
        f"{review_url(testimony)}?attachment={testimony.attachments[0].id}&{query}"
    )

    assert response.status_code == 404


def test_an_attachment_of_another_testimony_is_not_found(app, db):
    testimony = with_attachments(db, drawn_upload("mine.pdf", pages=2))
    other = with_attachments(db, drawn_upload("theirs.pdf", pages=2))
    browser = signed_in_client(app)

    assert browser.get(review_url(testimony, attachment=other.attachments[0].id)).status_code == 404
    assert browser.get(review_url(testimony, attachment="x", page=1)).status_code == 404
    assert browser.get(review_url(testimony, page=1)).status_code == 404


def test_a_page_that_cannot_be_drawn_says_so_with_the_download_link(app, db):
    testimony = with_attachments(db, drawn_upload("statement.pdf", pages=2))
    (item,) = testimony.attachments
    stored = file_store().path(item.sha256)
    kept = stored.read_bytes()
    stored.write_bytes(b"%PDF-1.4\n" + b"\x00" * 64)  # no longer the file that was checked
    browser = signed_in_client(app)
    try:
        response = browser.get(review_url(testimony))
    finally:
        stored.write_bytes(kept)

    assert response.status_code == 200
    page = response.text
    assert images_on(page) == []
    assert (
        "Page 1 cannot be shown here: the file did not pass its safety checks. "
        f'<a href="/staff/attachments/{item.id}" download>Download the PDF to read it instead.</a>'
    ) in page
    # The pager still lets the moderator see that there is more.
    assert "Page 1 of 2</span>" in page


def test_a_missing_file_is_reported_on_the_page_not_as_an_error(app, db):
    testimony = with_attachments(db, drawn_upload("statement.pdf", pages=1))
    (item,) = testimony.attachments
    stored = file_store().path(item.sha256)
    kept = stored.read_bytes()
    stored.unlink()
    browser = signed_in_client(app)
    try:
        response = browser.get(review_url(testimony))
    finally:
        stored.write_bytes(kept)

    assert response.status_code == 200
    assert "Page 1 cannot be shown here: the stored file is missing." in response.text

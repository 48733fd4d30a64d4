"""A page of an attachment as an image: a PNG only staff see, never cached where others could
read it, and 404 for any page the file does not have."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from app.accounts.models import Role
from app.moderation.pdf_pages import cache_root
from app.platform.storage import file_store
from tests.factories import OwnContextClient, make_staff_user, make_testimony, signed_in_client
from tests.moderation.drawn_pdfs import drawn_upload


@pytest.fixture(autouse=True)
def empty_cache(app):
    with app.app_context():
        shutil.rmtree(cache_root(), ignore_errors=True)
    yield


def image_url(attachment, page: int) -> str:
    return f"/staff/attachments/{attachment.id}/pages/{page}.png"


def two_pages(db, name: str = "Denise Okafor statement.pdf"):
    testimony = make_testimony(uploads=(drawn_upload(name, pages=2),)).testimony
    db.session.commit()
    return testimony.attachments[0]


def test_a_page_is_sent_as_a_png_kept_private(app, db):
    item = two_pages(db)
    browser = signed_in_client(app)

    response = browser.get(image_url(item, 2))

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    picture = Image.open(io.BytesIO(response.data))
    assert picture.format == "PNG"
    assert picture.size == (1224, 1584)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    # The resident's file name stays out of the answer: the image is just "page 2".
    assert response.headers["Content-Disposition"] == 'inline; filename="page-2.png"'
    assert "Denise" not in str(response.headers)


@pytest.mark.parametrize("page", [0, 3, 99])
def test_a_page_the_file_does_not_have_is_not_found(app, db, page):
    item = two_pages(db)
    browser = signed_in_client(app)

    assert browser.get(image_url(item, page)).status_code == 404


@pytest.mark.parametrize("path", ["/pages/-1.png", "/pages/one.png", "/pages/1", "/pages/1.pdf"])
def test_an_address_that_is_not_a_page_number_is_not_found(app, db, path):
    item = two_pages(db)
    browser = signed_in_client(app)

    assert browser.get(f"/staff/attachments/{item.id}{path}").status_code == 404


def test_an_attachment_that_does_not_exist_is_not_found(app, db):
    browser = signed_in_client(app)

    assert browser.get("/staff/attachments/999999/pages/1.png").status_code == 404


def test_a_page_that_cannot_be_drawn_is_not_found(app, db):
    item = two_pages(db)
    stored = file_store().path(item.sha256)
    kept = stored.read_bytes()
    stored.write_bytes(b"%PDF-1.7\nsomething else entirely")
    browser = signed_in_client(app)
    try:
        response = browser.get(image_url(item, 1))
    finally:
        stored.write_bytes(kept)

    assert response.status_code == 404
    assert response.mimetype != "image/png"


def test_only_signed_in_staff_see_a_page(app, db):
    item = two_pages(db)
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)

    response = visitor.get(image_url(item, 1))

    assert response.status_code in (302, 303)
    assert "/staff/login" in response.headers["Location"]
    assert not (cache_root() / item.sha256).exists(), "nothing drawn for a visitor"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.CLERK, Role.ADMIN])
def test_every_staff_role_that_may_download_may_read(app, db, role):
    item = two_pages(db)
    browser = signed_in_client(app, make_staff_user(role))

    assert browser.get(image_url(item, 1)).status_code == 200
    assert browser.get(f"/staff/attachments/{item.id}").status_code == 200

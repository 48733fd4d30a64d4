"""A page of a PDF attachment as an image, for the viewer on the review page.

Only ids in the address (no file name, nothing the resident typed); the same role as the
download (moderation.attachment). The PDF itself is never sent to be shown in the browser:
only the PNG that app/moderation/pdf_pages.py drew from its cleaned copy.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort

from app.accounts.access import role_required
from app.accounts.models import Role
from app.moderation import pdf_pages
from app.platform.extensions import db
from app.testimony.models import Attachment

bp = Blueprint("attachment_pages", __name__, url_prefix="/staff")

IMAGE_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Caching: every /staff answer is "no-store" (app/accounts/access.py), these images included;
# the drawing is kept on the server instead (app/moderation/pdf_pages.py).


@bp.route("/attachments/<int:attachment_id>/pages/<int:page>.png")
@role_required(Role.MODERATOR)
def page_image(attachment_id: int, page: int):
    """One page, drawn on the server; 404 for a page the file does not have or cannot show."""
    item = db.get_or_404(Attachment, attachment_id)
    try:
        drawn = pdf_pages.draw(item, page)
    except pdf_pages.NoSuchPage:
        abort(404)
    if drawn.failure == "busy":
        return Response(status=503, headers={"Retry-After": "5"})
    if drawn.png is None:
        # The review page says why, with the download link; an image has nothing to say.
        abort(404)
    response = Response(drawn.png, mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="page-{page}.png"'
    for name, value in IMAGE_HEADERS.items():
        response.headers[name] = value
    return response

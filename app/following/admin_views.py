"""Administrators see how many addresses follow each body, committee, measure and hearing:
counts only, never an address."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.accounts.access import role_required
from app.accounts.models import Role
from app.following import services

bp = Blueprint("following_admin", __name__, url_prefix="/staff/admin/following")


@bp.route("")
@role_required(Role.ADMIN)
def index():
    """Followers per subject, and addresses by state."""
    return render_template(
        "following/admin.html",
        counts=services.subject_counts(),
        totals=services.follower_totals(),
    )

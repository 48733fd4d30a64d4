"""The package's wiring: the testimony services write residents' names through it, and the
moderators' review page lists a testimony's endorsements through its template function."""

from __future__ import annotations

from flask import render_template_string

from app.endorsements import named
from app.testimony.services import NAMED_ENDORSEMENTS, named_endorsements
from tests.factories import make_hearing, make_testimony


def test_the_testimony_services_are_handed_the_named_endorsements(app):
    assert app.extensions[NAMED_ENDORSEMENTS] is named
    with app.app_context():
        assert named_endorsements() is named


def test_templates_can_list_a_testimonys_endorsements(app, db):
    testimony = make_testimony(make_hearing(), endorsed_by=("Group <A>",)).testimony
    with app.test_request_context():
        html = render_template_string(
            "{% for e in testimony_endorsements(id) %}{{ e.name }}{% endfor %}", id=testimony.id
        )
    assert html == "Group &lt;A&gt;"

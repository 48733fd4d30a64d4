"""Who endorses what, for a whole page or batch in one query; what may be endorsed."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.campaigns.models import Campaign
from app.endorsements import queries
from app.endorsements.services import endorse, withdraw_endorsement
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus
from tests.endorsements.helpers import campaign_letters, published
from tests.factories import make_hearing, make_organisation, make_testimony, set_review_status

NOW = utcnow()


@contextmanager
def _statements(db):
    counted: list[str] = []

    def count(_connection, _cursor, statement, *_args):
        counted.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counted
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_page_of_testimony_costs_one_query_however_many_endorsements(db):
    hearing = make_hearing()
    letters = [published(hearing, endorsed_by=(f"Group {n}", "Shared")) for n in range(20)]
    for _n in range(3):
        organisation = make_organisation()
        for letter in letters:
            endorse(organisation, letter, now=NOW, actor="api_key:1")
    ids = [t.id for t in letters]
    db.session.commit()

    with _statements(db) as counted:
        found = queries.endorsements_for_testimony(ids)

    assert len(counted) == 1
    assert all(len(found[i]) == 5 for i in ids)
    assert [line.is_registered for line in found[ids[0]]] == [True] * 3 + [False] * 2


def test_ids_without_endorsements_get_an_empty_list_and_none_asked_costs_nothing(db):
    testimony = published(make_hearing())
    assert queries.endorsements_for_testimony([testimony.id, testimony.id]) == {testimony.id: []}
    with _statements(db) as counted:
        assert queries.endorsements_for_campaigns([]) == {}
    assert counted == []


def test_withdrawn_sign_ons_are_not_listed(db):
    hearing = make_hearing()
    letters = campaign_letters(hearing)
    campaign = db.session.get(Campaign, letters[0].campaign_id)
    staying, leaving = make_organisation(name="Staying"), make_organisation(name="Leaving")
    for organisation in (staying, leaving):
        endorse(organisation, campaign, now=NOW, actor="api_key:1")
    withdraw_endorsement(leaving, campaign, now=NOW, actor="api_key:1")

    lines = queries.endorsements_for_campaigns([campaign.id])[campaign.id]

    assert [(line.name, line.website) for line in lines] == [("Staying", "https://example.org")]


def test_only_published_testimony_and_campaigns_with_a_published_letter_are_endorsable(db):
    hearing = make_hearing()
    approved = published(hearing)
    waiting = make_testimony(hearing).testimony
    rejected = published(hearing)
    set_review_status(rejected, ReviewStatus.REJECTED)
    assert queries.endorsable_testimony(approved.id).id == approved.id
    assert queries.endorsable_testimony(waiting.id) is None
    assert queries.endorsable_testimony(rejected.id) is None
    assert queries.endorsable_testimony(2**31 - 1) is None

    pending_campaign = campaign_letters(make_hearing(), approved=0, pending=2)[0].campaign_id
    live_campaign = campaign_letters(make_hearing(), approved=1, pending=1)[0].campaign_id
    assert queries.endorsable_campaign(pending_campaign) is None
    assert queries.endorsable_campaign(live_campaign).id == live_campaign

"""Residents an organisation sent without an e-mail address share no address: none of them is
"several from this sender" for that."""

from __future__ import annotations

from app.testimony.identity import Confidence, confidence, repeat_counts
from tests.factories import make_hearing, make_organisation, make_testimony


def test_no_address_is_nobodys_address(db):
    hearing = make_hearing()
    organisation = make_organisation()
    sent = [
        make_testimony(
            hearing, email="", full_name=name, zip_code=zip_code, organisation_id=organisation.id
        ).testimony
        for name, zip_code in (("Ana Souza", "02124"), ("Bo Li", "02125"), ("Ana Souza", "02124"))
    ]
    counts = repeat_counts(hearing.id, sent)
    # The same name and ZIP code twice still counts, as for anyone.
    assert [counts[t.id] for t in sent] == [2, 1, 2]
    assert confidence(sent[1], counts[sent[1].id]) is Confidence.UNCONFIRMED

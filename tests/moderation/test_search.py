"""Full-text search of the moderation queue: what a moderator's words find, in which order, with
which filters, right after each write, and what hostile text does (nothing harmful)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.campaigns.models import Campaign
from app.moderation import search
from app.moderation.queries import (
    PAGE_SIZE,
    QueueFilter,
    count_matching,
    matching_ids,
    queue_page,
)
from app.moderation.services import redact_phrase
from app.testimony.models import Position, ReviewStatus, Testimony
from app.testimony.services import amend_testimony
from app.testimony.submissions import Amendment
from tests.factories import (
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def submitted(hearing, *, at=NOW, status=ReviewStatus.PENDING, **overrides) -> Testimony:
    made = make_testimony(hearing, now=at, **overrides).testimony
    if status is not ReviewStatus.PENDING:
        set_review_status(made, status, now=at)
    return made


def found(hearing, words: str, **choices) -> set[int]:
    return {t.id for t in queue_page(hearing, QueueFilter(text=words, **choices), None).rows}


def postgresql(db) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def letters(db):
    hearing = make_hearing(now=NOW)
    made = {
        "okafor": submitted(hearing, full_name="Denise Okafor", body="Cameras watch us."),
        "stone": submitted(
            hearing, full_name="Bob Stone", body="I oppose the surveillance ordinance."
        ),
        "org": submitted(
            hearing,
            full_name="Fay Hill",
            organization="Digital Fourth",
            body="We support a ban on face surveillance.",
        ),
        "elise": submitted(
            hearing,
            full_name="Élise Núñez",
            organization="Ação Cívica",
            body="Las cámaras de vigilancia no protegen a nadie.",
        ),
        "phrase": submitted(
            hearing,
            full_name="Gus Ives",
            body="Facial recognition moratorium now, and recognition of our privacy.",
        ),
        "abroad": submitted(
            hearing,
            full_name="Selin Yılmaz",  # noqa: RUF001 (a dotless i, on purpose)
            body="From İstanbul to the Hauptstraße, cameras follow the ﬁnal mile.",
        ),
    }
    submitted(make_hearing(now=NOW), full_name="Denise Okafor")  # another hearing's
    return hearing, {key: t.id for key, t in made.items()}


SEARCHES = [
    ("okafor", {"okafor"}),  # a name
    ("DENISE okafor", {"okafor"}),
    ("Oka", {"okafor"}),  # the last word as it is typed
    ("denise oka", {"okafor"}),
    ("oka denise", set()),  # only the last word is a prefix
    ("digital fourth", {"org"}),  # an organisation
    ("surveillance", {"stone", "org"}),  # words in the text
    ("oppose surveillance", {"stone"}),
    ("élise", {"elise"}),  # case and accents beyond ASCII
    ("ELISE NUNEZ", {"elise"}),
    ("acao civica", {"elise"}),
    ("camaras vigilancia", {"elise"}),
    ('"recognition moratorium"', {"phrase"}),  # a phrase
    ('"moratorium recognition"', set()),
    ("nobody like this", set()),
    # Letters whose case folding differs from their lower case, and a ligature, typed as
    # written: the search folds them as the index does.
    ("İstanbul", {"abroad"}),
    ("istanbul", {"abroad"}),
    ("Hauptstraße", {"abroad"}),
    ("Yılmaz", {"abroad"}),  # noqa: RUF001
    ("ﬁnal mile", {"abroad"}),
]


def test_search_finds_names_organisations_and_words(letters, subtests):
    hearing, ids = letters
    for words, expected in SEARCHES:
        with subtests.test(words=words):
            assert found(hearing, words) == {ids[key] for key in expected}
            assert set(matching_ids(hearing, QueueFilter(text=words))) == {
                ids[key] for key in expected
            }


def test_row_by_row_finds_what_the_index_finds(letters, monkeypatch, subtests):
    """On SQLite a common search is checked row by row in Python; it must agree with the
    index (on PostgreSQL both are the database's own answer)."""
    hearing, ids = letters
    monkeypatch.setattr(search, "FEW_MATCHES", 1)  # anything found at all counts as common
    for words, expected in SEARCHES:
        with subtests.test(words=words):
            assert found(hearing, words) == {ids[key] for key in expected}


def test_words_in_another_form_match_where_the_database_stems_them(db, letters, subtests):
    """PostgreSQL stems English and Spanish: "cámara" finds "cámaras", "camera" finds
    "cameras". SQLite has no Spanish stemmer; there the last word's prefix does the work."""
    hearing, ids = letters
    cases = [("cámara vigilancia", "elise"), ("camera watch", "okafor")]
    for words, key in cases:
        with subtests.test(words=words):
            if postgresql(db):
                assert found(hearing, words) == {ids[key]}
            else:
                assert found(hearing, words) == set()
                assert found(hearing, " ".join(reversed(words.split()))) == {ids[key]}


def test_search_combines_with_every_filter(db):
    hearing = make_hearing(measures=2, now=NOW)
    first, second = hearing.measures
    word = "surveillance"
    # Texts unlike each other, so none is placed in a campaign of its own accord.
    match = submitted(hearing, body=f"Stop {word} of parks.", position=Position.OPPOSE)
    approved = submitted(
        hearing,
        body=f"Cameras in schools are {word} too.",
        position=Position.OPPOSE,
        status=ReviewStatus.APPROVED,
    )
    supporting = submitted(
        hearing, body=f"More {word} keeps buses safe.", position=Position.SUPPORT
    )
    other_measure = submitted(
        hearing,
        body=f"The drone {word} program must end.",
        position=Position.OPPOSE,
        measure_id=second.id,
    )
    submitted(hearing, body="Stop it.", position=Position.OPPOSE)  # the word is missing
    campaign = Campaign(hearing_id=hearing.id)
    db.session.add(campaign)
    db.session.flush()
    supporting.campaign_id = campaign.id
    db.session.flush()

    assert found(hearing, word, status=ReviewStatus.PENDING) == {
        match.id,
        supporting.id,
        other_measure.id,
    }
    assert found(hearing, word, status=ReviewStatus.APPROVED) == {approved.id}
    assert found(hearing, word, position=Position.OPPOSE, measure_id=first.id) == {
        match.id,
        approved.id,
    }
    assert found(hearing, word, measure_id=second.id) == {other_measure.id}
    assert found(hearing, word, campaign=str(campaign.id)) == {supporting.id}
    assert found(hearing, word, campaign="no", status=ReviewStatus.PENDING) == {
        match.id,
        other_measure.id,
    }
    assert count_matching(hearing, QueueFilter(text=word, position=Position.OPPOSE)) == 3


def test_best_match_ranks_names_first_and_pages_without_gaps(db, subtests):
    hearing = make_hearing(now=NOW)
    named = submitted(hearing, full_name="Privacy Jones", body="I have a view.")
    often = submitted(hearing, body="Privacy, privacy, privacy: privacy matters.")
    rest = [
        submitted(hearing, at=NOW + timedelta(minutes=i), body=f"Note {i} on privacy here.")
        for i in range(2 * PAGE_SIZE + 7)
    ]
    submitted(hearing, body="Nothing to see.")
    expected = {named.id, often.id} | {t.id for t in rest}

    for descending in (False, True):
        with subtests.test(descending=descending):
            chosen = QueueFilter(text="privacy", sort="relevance", descending=descending)
            seen, sizes, cursor = [], [], None
            while True:
                page = queue_page(hearing, chosen, cursor)
                seen.extend(t.id for t in page.rows)
                sizes.append(len(page.rows))
                cursor = page.next_cursor
                if cursor is None:
                    break
            assert sizes == [PAGE_SIZE, PAGE_SIZE, 9]
            assert len(seen) == len(set(seen)) and set(seen) == expected
            best = [named.id, often.id]
            assert (seen[:2] if not descending else seen[-2:][::-1]) == best


def test_best_match_without_words_is_the_received_order(db):
    hearing = make_hearing(now=NOW)
    later = submitted(hearing, at=NOW + timedelta(hours=1))
    earlier = submitted(hearing, at=NOW)
    page = queue_page(hearing, QueueFilter(sort="relevance"), None)
    assert [t.id for t in page.rows] == [earlier.id, later.id]


def test_default_search_order_pages_in_received_order(db):
    hearing = make_hearing(now=NOW)
    made = [
        submitted(hearing, at=NOW - timedelta(minutes=i), body=f"Item {i} about cameras.")
        for i in range(PAGE_SIZE + 5)
    ]
    first = queue_page(hearing, QueueFilter(text="cameras"), None)
    second = queue_page(hearing, QueueFilter(text="cameras"), first.next_cursor)
    assert [t.id for t in first.rows + second.rows] == [t.id for t in reversed(made)]
    assert second.next_cursor is None


def test_a_common_word_is_searched_row_by_row_and_a_rare_one_from_the_index(
    db, monkeypatch, subtests
):
    """Both ways of answering give the same rows (on SQLite, which way depends on how many
    testimonies match; the limit is lowered here so a few rows make a word common)."""
    hearing = make_hearing(now=NOW)
    common = {submitted(hearing, body=f"Cameras, number {i}.").id for i in range(6)}
    submitted(hearing, body="Nothing else.")
    for few in (2, 1000):
        with subtests.test(few_matches=few):
            monkeypatch.setattr(search, "FEW_MATCHES", few)
            assert found(hearing, "cameras") == common
            assert found(hearing, "cameras", sort="relevance") == common


def test_the_index_follows_amendments_in_the_same_transaction(db):
    hearing = make_hearing(now=NOW)
    testimony = submitted(hearing, body="I support the ordinance about drones.")
    assert found(hearing, "drones") == {testimony.id}

    changed = amend_testimony(
        testimony,
        Amendment(
            measure_id=testimony.measure_id,
            position=testimony.position,
            body="On reflection, I write about license plate readers.",
            speaking_request=testimony.speaking_request,
            reason="Changed my mind",
        ),
        now=NOW + timedelta(hours=1),
    )

    assert changed
    assert found(hearing, "drones") == set()
    assert found(hearing, "license plate readers") == {testimony.id}
    assert found(hearing, "readers", sort="relevance") == {testimony.id}


def test_a_redaction_leaves_the_stored_text_and_staff_still_find_it(db):
    """A redaction hides a passage from the public; the text moderators search is unchanged."""
    hearing = make_hearing(now=NOW)
    testimony = submitted(hearing, body="My neighbour Zebulon Roe agrees with me.")
    redact_phrase(make_staff_user(), testimony, "Zebulon Roe", now=NOW)
    db.session.flush()
    assert found(hearing, "zebulon") == {testimony.id}


def test_a_changed_name_and_an_erased_organisation_are_searched_as_they_are_now(db):
    hearing = make_hearing(now=NOW)
    testimony = submitted(hearing, full_name="Ann Old", organization="Big Union")
    testimony.full_name = "Ann Newname"
    testimony.organization = None
    db.session.flush()
    assert found(hearing, "old") == set()
    assert found(hearing, "union") == set()
    assert found(hearing, "newname") == {testimony.id}


def test_a_deleted_testimony_leaves_the_index(db):
    hearing = make_hearing(now=NOW)
    gone = submitted(hearing, body="Unique word zanzibar.")
    kept = submitted(hearing, body="Zanzibar again.")
    db.session.delete(gone)
    db.session.flush()
    assert found(hearing, "zanzibar") == {kept.id}
    assert found(hearing, "zanzibar", sort="relevance") == {kept.id}
    column = "testimony_id" if postgresql(db) else "rowid"
    left = db.session.scalar(
        text(f"SELECT count(*) FROM testimony_search WHERE {column} = :id"),  # noqa: S608
        {"id": gone.id},
    )
    assert left == 0


def test_rows_written_with_plain_sql_are_indexed_too(db):
    """Triggers, not the ORM, keep the index: bulk loads and fixes made by hand are found."""
    hearing = make_hearing(now=NOW)
    testimony = submitted(hearing, body="Plain words.")
    db.session.execute(
        text("UPDATE testimonies SET body = 'Quixotic words.' WHERE id = :id"), {"id": testimony.id}
    )
    assert found(hearing, "quixotic") == {testimony.id}
    assert found(hearing, "plain") == set()


HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "NEAR(surveillance camera, 2)",
    "NEAR(",
    "*",
    "surv*",
    "-surveillance",
    "body:surveillance",
    "full_name : x",
    "a & b | !c",
    "!(x) <-> y:*",
    "' OR 1=1 --",
    "\\",
    "AND OR NOT",
    "^surveillance",
    "x\x00y",
    "surveillance " * 2000,
    "¿¡",
    "½ ² \N{BLACK-LETTER CAPITAL H}",
]


def test_hostile_text_never_fails(letters, subtests):
    hearing, _ids = letters
    for words in HOSTILE:
        for sort in ("received", "relevance"):
            with subtests.test(words=words[:40], sort=sort):
                page = queue_page(hearing, QueueFilter(text=words, sort=sort), None)
                assert isinstance(page.rows, list)
                count_matching(hearing, QueueFilter(text=words))


def test_operators_are_searched_as_words(letters):
    hearing, ids = letters
    assert found(hearing, "NEAR(surveillance ordinance, 2)") == set()  # "near" and "2" missing
    assert found(hearing, "-surveillance") == {ids["stone"], ids["org"]}
    assert found(hearing, "surveillance OR cameras") == set()  # "or" is a word, not an operator
    assert found(hearing, "body:surveillance") == set()


@pytest.mark.parametrize("words", ["!!!", "*", "--", "…", "\"'", " ", "_"])
def test_punctuation_alone_matches_nothing_and_says_so(letters, words):
    hearing, _ids = letters
    page = queue_page(hearing, QueueFilter(text=words, status=None), None)
    assert page.rows == []
    assert page.unusable_search
    assert search.parse(words).unusable


def test_words_make_a_usable_search():
    assert not search.parse("okafor").unusable
    assert search.parse("okafor").fts5() == '"okafor"*'
    assert search.parse("okafor ").fts5() == '"okafor"'
    assert search.parse('say "no more"').tsquery() == "'say' & ('no' <-> 'more')"
    assert search.parse("x").fts5() == '"x"'  # a single letter is no prefix


def test_long_text_is_cut_to_the_limit():
    parsed = search.parse("word " * 10_000)
    assert len(parsed.groups) == search.MAX_WORDS
    assert search.parse("a" * 10_000).groups == (("a" * search.MAX_LENGTH,),)


def test_the_queue_page_answers_hostile_searches(app, letters, subtests):
    hearing, _ids = letters
    browser = signed_in_client(app)
    for words in HOSTILE:
        for sort in ("received", "relevance"):
            with subtests.test(words=words[:40], sort=sort):
                response = browser.get(
                    f"/staff/hearings/{hearing.id}/queue", query_string={"q": words, "sort": sort}
                )
                assert response.status_code == 200


def test_the_queue_page_offers_best_match(app, letters):
    hearing, ids = letters
    browser = signed_in_client(app)
    response = browser.get(
        f"/staff/hearings/{hearing.id}/queue", query_string={"q": "okafor", "sort": "relevance"}
    )
    assert response.status_code == 200
    assert 'value="relevance" selected' in response.text or "relevance" in response.text
    assert f"/staff/testimony/{ids['okafor']}" in response.text
    assert f"/staff/testimony/{ids['stone']}" not in response.text

"""Testimony joins campaigns as it arrives and when it is amended; a whole hearing can be
grouped again (`flask regroup-campaigns`) to find bot campaigns that arrive split."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.campaigns import placement
from app.campaigns.models import Campaign, WordingAnchor
from app.campaigns.regrouping import regroup
from app.moderation import campaign_services as services
from app.platform.audit import SYSTEM, AuditEvent
from app.testimony.models import Testimony
from app.testimony.services import amend_testimony, submit_testimony
from app.testimony.submissions import Amendment
from tests.campaigns import letters as L
from tests.campaigns.test_grouping import bot_letters, spun_letters
from tests.factories import make_hearing, make_staff_user, make_submission, make_testimony

NOW = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)


def send(hearing, body: str, n: int = 0) -> Testimony:
    return make_testimony(
        hearing,
        now=NOW + timedelta(minutes=n),
        full_name=f"Writer Number{n}",
        email=f"writer{n}@example.net",
        body=body,
    ).testimony


def campaign_of(db, testimony: Testimony) -> int | None:
    db.session.expire_all()
    return db.session.get(Testimony, testimony.id).campaign_id


def campaign_ids(db) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(Campaign.id).order_by(Campaign.id)))


def regrouped_events() -> list[AuditEvent]:
    return list(AuditEvent.query.where(AuditEvent.action == "campaigns.regrouped"))


def amend(testimony: Testimony, body: str) -> None:
    amendment = Amendment(
        measure_id=testimony.measure_id,
        position=testimony.position,
        body=body,
        speaking_request=testimony.speaking_request,
        reason="I wrote my own.",
    )
    assert amend_testimony(testimony, amendment, now=NOW + timedelta(hours=1))
    placement.place_batch([testimony.id])  # as its job does, right after the commit


# On submission


def test_an_exact_copy_joins_the_first_letter_in_a_new_campaign(db):
    hearing = make_hearing(now=NOW)
    first = send(hearing, L.COAL_ASH)
    assert first.campaign_id is None and campaign_ids(db) == []

    copy = send(hearing, L.COAL_ASH.upper().replace("\n \n", "\n"), 1)

    campaign = db.session.get(Campaign, campaign_of(db, copy))
    assert campaign is not None and campaign.hearing_id == hearing.id
    assert campaign_of(db, first) == campaign.id
    assert campaign.representative_id == first.id


def test_near_copies_join_the_same_campaign(db):
    hearing = make_hearing(now=NOW)
    made = [send(hearing, text, n) for n, text in enumerate(L.CAMPAIGNS[2])]

    assert len({campaign_of(db, t) for t in made}) == 1
    assert campaign_of(db, made[0]) is not None
    assert campaign_ids(db) == [campaign_of(db, made[0])]


def test_each_letter_gets_its_own_campaign_and_unrelated_comments_none(db):
    hearing = make_hearing(now=NOW)
    texts = [*(text for campaign in L.CAMPAIGNS for text in campaign), *L.UNRELATED]
    made = {text: send(hearing, text, n) for n, text in enumerate(texts)}

    per_letter = [{campaign_of(db, made[text]) for text in c} for c in L.CAMPAIGNS]
    assert all(len(ids) == 1 and None not in ids for ids in per_letter)
    assert len(set().union(*per_letter)) == 3
    assert all(campaign_of(db, made[text]) is None for text in L.UNRELATED)
    assert len(campaign_ids(db)) == 3


def test_copies_on_another_hearing_do_not_join(db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    here = send(hearing, L.CONCERNS)
    there = send(other, L.CONCERNS, 1)
    there_too = send(other, L.CONCERNS_WARMING, 2)

    assert campaign_of(db, here) is None
    campaign = db.session.get(Campaign, campaign_of(db, there))
    assert campaign.hearing_id == other.id
    assert campaign_of(db, there_too) == campaign.id


def test_every_submission_stores_its_wording_for_later_lookups(db):
    hearing = make_hearing(now=NOW)
    long_one = send(hearing, L.COAL_ASH)
    short_one = send(hearing, "I oppose the permit.", 1)

    anchors = Counter(db.session.scalars(select(WordingAnchor.testimony_id)))
    assert anchors == {long_one.id: 12}  # too short to have near copies: no anchors
    assert long_one.wording_key and short_one.wording_key


def test_spun_copies_in_both_skeletons_come_together_as_they_arrive(db):
    hearing = make_hearing(now=NOW)
    copies = [send(hearing, text, n) for n, text in enumerate(spun_letters(40, seed=1))]
    own = [send(hearing, text, 100 + n) for n, text in enumerate(L.FACE_OWN)]

    campaigns = Counter(campaign_of(db, testimony) for testimony in copies)

    largest, size = campaigns.most_common(1)[0]
    assert largest is not None and size >= 36
    both = {n % 2 for n, t in enumerate(copies) if campaign_of(db, t) == largest}
    assert both == {0, 1}, "copies of both skeletons"
    assert all(campaign_of(db, testimony) is None for testimony in own)


def test_copies_left_alone_when_they_arrived_are_brought_in_by_later_ones(db):
    hearing = make_hearing(now=NOW)
    texts = spun_letters(40, seed=2)
    first = [send(hearing, text, n) for n, text in enumerate(texts[:3])]
    assert [campaign_of(db, testimony) for testimony in first] == [None] * 3

    for n, text in enumerate(texts[3:], 3):
        send(hearing, text, n)

    assert len({campaign_of(db, testimony) for testimony in first} - {None}) == 1
    assert None not in {campaign_of(db, testimony) for testimony in first}


def test_a_spun_copy_with_its_senders_own_paragraph_joins_the_campaign_as_it_arrives(db):
    # The twenty texts nearest it hold too little of it, the sender's paragraph being new
    # wording, but the campaign's latest copies hold the letter's half in its places.
    hearing = make_hearing(now=NOW)
    texts = spun_letters(41, seed=4)
    copies = [send(hearing, text, n) for n, text in enumerate(texts[:40])]
    (campaign,) = {campaign_of(db, testimony) for testimony in copies}
    assert campaign is not None
    personal = (
        "My grandmother came to Boston from Haiti in 1971 and raised four children on "
        "Columbia Road. I do not want a camera to decide that I look like someone else."
    )

    late = send(hearing, f"{texts[40]}\n\n{personal}", 50)
    others = [send(hearing, text, 60 + n) for n, text in enumerate(L.FACE_OWN)]

    assert campaign_of(db, late) == campaign
    assert all(campaign_of(db, testimony) is None for testimony in others)


def test_letters_alike_only_pairwise_are_not_chained_into_one_campaign(db):
    # Each quotes three talking points, two of them the ones the letter before it quoted: each
    # is alike the one before, the third shares only one sentence with the first.
    hearing = make_hearing(now=NOW)
    points = L.TALKING_POINTS
    first, second, third = (
        send(hearing, " ".join(points[start : start + 3]), start) for start in range(3)
    )

    assert campaign_of(db, first) == campaign_of(db, second) is not None
    assert campaign_of(db, third) is None


def test_a_line_of_a_spun_campaign_sent_on_its_own_stays_alone(db):
    hearing = make_hearing(now=NOW)
    for n, text in enumerate(spun_letters(40, seed=4)):
        send(hearing, text, n)

    lines = [
        send(hearing, "I support the proposed facial recognition ban. Thank you.", 50),
        send(hearing, "Please vote yes on the facial recognition ban, it endangers privacy.", 51),
    ]

    assert [campaign_of(db, line) for line in lines] == [None, None]


def test_an_amended_representative_is_no_measure_of_itself(db):
    # The campaign's first letter is amended to new wording: a newcomer alike that new wording
    # and one other member only is not let in on the strength of the representative.
    hearing = make_hearing(now=NOW)
    points = L.TALKING_POINTS
    first = send(hearing, " ".join(points[0:3]), 1)
    send(hearing, " ".join(points[0:3]) + " Thanks for your time.", 2)
    send(hearing, " ".join(points[0:5]), 3)
    campaign = campaign_of(db, first)
    assert db.session.get(Campaign, campaign).representative_id == first.id

    amend(db.session.get(Testimony, first.id), " ".join(points[3:6]))
    newcomer = send(hearing, " ".join(points[3:6]) + " Please vote yes.", 4)

    assert campaign_of(db, first) != campaign
    assert campaign_of(db, newcomer) != campaign


def test_regrouping_from_scratch_undoes_what_placement_got_wrong(db):
    hearing = make_hearing(now=NOW)
    letters = [send(hearing, text, n) for n, text in enumerate(L.FACE_OWN[:2])]
    wrong = Campaign(hearing_id=hearing.id, representative_id=letters[0].id)
    db.session.add(wrong)
    db.session.flush()
    for letter in letters:
        letter.campaign_id = wrong.id
    db.session.flush()

    regroup(hearing, SYSTEM, now=NOW)
    assert {campaign_of(db, letter) for letter in letters} == {wrong.id}

    regroup(hearing, SYSTEM, now=NOW, from_scratch=True)
    assert [campaign_of(db, letter) for letter in letters] == [None, None]
    assert wrong.id not in campaign_ids(db)


def test_a_copy_a_moderator_took_out_is_not_brought_back_in(db):
    hearing = make_hearing(now=NOW)
    texts = spun_letters(40, seed=2)
    first = send(hearing, texts[0])
    first.kept_apart = True
    db.session.flush()

    for n, text in enumerate(texts[1:], 1):
        send(hearing, text, n)

    assert campaign_of(db, first) is None


# On amendment


def test_amending_a_copy_into_ones_own_words_leaves_the_campaign(db):
    hearing = make_hearing(now=NOW)
    letter, copy, other = (send(hearing, L.COAL_ASH, n) for n in range(3))
    campaign_id = campaign_of(db, letter)

    amend(copy, L.PERMITTING_PROPOSAL)

    assert campaign_of(db, copy) is None
    assert campaign_of(db, letter) == campaign_of(db, other) == campaign_id


def test_a_campaign_left_with_one_member_is_dissolved(db):
    hearing = make_hearing(now=NOW)
    letter, copy = send(hearing, L.CRUDE_EXPORT), send(hearing, L.CRUDE_EXPORT_HUNTER, 1)
    assert campaign_of(db, letter) is not None

    amend(letter, L.COASTAL_BEND)

    assert campaign_of(db, letter) is None
    assert campaign_of(db, copy) is None
    assert campaign_ids(db) == []


def test_amending_into_another_letter_moves_to_that_campaign(db):
    hearing = make_hearing(now=NOW)
    coal = [send(hearing, L.COAL_ASH, n) for n in range(2)]
    crude = [send(hearing, L.CRUDE_EXPORT, n) for n in range(2, 5)]

    amend(crude[0], L.COAL_ASH_PANDEMICS)

    assert campaign_of(db, crude[0]) == campaign_of(db, coal[0])
    assert campaign_of(db, crude[1]) == campaign_of(db, crude[2]) is not None
    assert len(campaign_ids(db)) == 2


def test_a_member_a_moderator_took_out_is_never_grouped_again(db):
    hearing = make_hearing(now=NOW)
    letter, copy, third = (send(hearing, L.CONCERNS, n) for n in range(3))
    campaign = db.session.get(Campaign, campaign_of(db, letter))
    services.split_member(make_staff_user(), campaign, copy, now=NOW)

    amend(copy, L.CONCERNS_COASTLINE)  # still a copy of the letter
    later = send(hearing, L.CONCERNS, 9)  # a new copy finds the campaign, not the one apart
    regroup(hearing, SYSTEM, now=NOW)

    assert campaign_of(db, copy) is None
    assert db.session.get(Testimony, copy.id).kept_apart is True
    assert campaign_of(db, later) == campaign_of(db, letter) == campaign_of(db, third)


def test_a_copy_of_a_member_kept_apart_does_not_join_it(db):
    hearing = make_hearing(now=NOW)
    first, second = send(hearing, L.OPPOSE_PLANS), send(hearing, L.OPPOSE_PLANS, 1)
    campaign = db.session.get(Campaign, campaign_of(db, first))
    services.split_member(make_staff_user(), campaign, first, now=NOW)  # dissolves it

    exact = send(hearing, L.OPPOSE_PLANS, 2)
    near = send(hearing, L.OPPOSE_PLANS + " Stop poisoning our home!", 3)

    assert campaign_of(db, exact) == campaign_of(db, second) == campaign_of(db, near) is not None
    assert campaign_of(db, first) is None


# The representative text


def test_a_new_campaign_stands_for_the_first_letter_of_the_two(db):
    hearing = make_hearing(now=NOW)
    first, second = send(hearing, L.CONCERNS_WARMING), send(hearing, L.CONCERNS, 1)

    assert db.session.get(Campaign, campaign_of(db, second)).representative_id == first.id


@pytest.mark.parametrize("how", ["copies arrive", "representative amended"])
def test_the_representative_is_the_wording_most_members_sent_word_for_word(db, how):
    hearing = make_hearing(now=NOW)
    if how == "copies arrive":  # a personalised copy happens to come first
        send(hearing, L.COAL_ASH_PANDEMICS)
        plain = [send(hearing, L.COAL_ASH, n) for n in range(1, 4)]
    else:  # the first writer adds a sentence to their letter later
        first, *plain = (send(hearing, L.COAL_ASH, n) for n in range(4))
        amend(first, L.COAL_ASH_PANDEMICS)
        assert campaign_of(db, first) == campaign_of(db, plain[0])

    campaign = db.session.get(Campaign, campaign_of(db, plain[0]))
    # The campaign page says "As sent by ...: the wording most members sent word for word",
    # and shows every plain copy as "leaves out 2 sentences" of the personalised one.
    assert campaign.representative_id == plain[0].id


# Regrouping a whole hearing


def split_up(hearing, testimonies: list[Testimony]) -> None:
    """Put every third of these in a campaign of their own and leave every third alone, as
    an earlier version's placement could leave a bot campaign."""
    other = Campaign(hearing_id=hearing.id, created_at=NOW)
    db_session = placement.db.session
    db_session.add(other)
    db_session.flush()
    for number, testimony in enumerate(testimonies):
        if number % 3 == 1:
            testimony.campaign_id = other.id
        elif number % 3 == 2:
            testimony.campaign_id = None
    db_session.flush()


def test_regrouping_finds_a_bot_campaign_that_arrived_split(db):
    hearing = make_hearing(now=NOW)
    bots = [send(hearing, text, n) for n, text in enumerate(bot_letters(60))]
    alone = [send(hearing, text, 100 + n) for n, text in enumerate(L.UNRELATED)]
    split_up(hearing, bots)
    before = Counter(campaign_of(db, t) for t in bots)
    assert before[None] == 20 and len(before) == 3

    result = regroup(hearing, SYSTEM, now=NOW)

    after = {campaign_of(db, t) for t in bots}
    assert len(after) == 1 and None not in after
    assert all(campaign_of(db, t) is None for t in alone)
    assert (result.campaigns, result.grouped, result.testimonies) == (1, 60, 67)
    assert campaign_ids(db) == list(after)
    kept = after.pop()
    assert kept in before, "the campaign keeps the number most of its members had"


def test_regrouping_keeps_campaign_numbers_and_representatives(db):
    hearing = make_hearing(now=NOW)
    made = [send(hearing, text, n) for n, text in enumerate(L.CAMPAIGNS[2])]
    for n in range(10, 12):
        send(hearing, L.COAL_ASH, n)
    campaign_id = campaign_of(db, made[0])
    representative = db.session.get(Campaign, campaign_id).representative_id

    regroup(hearing, SYSTEM, now=NOW)

    assert campaign_ids(db) == [campaign_id]
    assert db.session.get(Campaign, campaign_id).representative_id == representative == made[0].id


def test_regrouping_keeps_a_moderators_merge(db):
    hearing = make_hearing(now=NOW)
    crude = [send(hearing, text, n) for n, text in enumerate(L.CAMPAIGNS[0][:2])]
    concerns = [send(hearing, text, n) for n, text in enumerate(L.CAMPAIGNS[1][:2], 10)]
    into = db.session.get(Campaign, campaign_of(db, crude[0]))
    other = db.session.get(Campaign, campaign_of(db, concerns[0]))
    services.merge(make_staff_user(), other, into, now=NOW)

    regroup(hearing, SYSTEM, now=NOW)

    assert {campaign_of(db, t) for t in crude + concerns} == {into.id}
    assert campaign_ids(db) == [into.id]


def test_regrouping_writes_an_audit_row(db):
    hearing = make_hearing(now=NOW)
    texts = [L.COAL_ASH, L.COAL_ASH, L.CONCERNS, L.CONCERNS_PROPERTY, L.SOLIDARITY]
    for n, text in enumerate(texts):
        send(hearing, text, n)

    regroup(hearing, SYSTEM, now=NOW)

    (event,) = regrouped_events()
    assert (event.actor, event.subject_type, event.subject_id) == (SYSTEM, "hearings", hearing.id)
    # Placement on arrival already grouped them all, so regrouping moves nobody.
    assert event.data == {"campaigns": 2, "grouped": 4, "moved": 0}
    assert event.occurred_at == NOW


def test_regrouping_fills_in_wording_missing_from_older_testimony(db):
    hearing = make_hearing(now=NOW)
    old = [send(hearing, L.CRUDE_EXPORT, n) for n in range(3)]
    for testimony in old:  # as stored before campaigns existed
        testimony.campaign_id, testimony.wording_key = None, None
    db.session.execute(WordingAnchor.__table__.delete())
    db.session.execute(Campaign.__table__.delete())
    db.session.flush()

    regroup(hearing, SYSTEM, now=NOW)
    newcomer = send(hearing, L.CRUDE_EXPORT_SINUSES, 9)

    assert len({campaign_of(db, t) for t in [*old, newcomer]}) == 1
    assert db.session.scalar(select(func.count()).select_from(WordingAnchor)) == 4 * 12


# The command


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_the_command_regroups_a_hearing_and_prints_a_summary(app, db):
    hearing = make_hearing(now=NOW)
    for n, text in enumerate([*bot_letters(30), L.COASTAL_BEND, L.COAL_ASH, L.COAL_ASH]):
        send(hearing, text, n)
    hearing_id = hearing.id
    db.session.commit()  # the command has its own session

    result = invoke(app, "regroup-campaigns", str(hearing_id))

    assert result.exit_code == 0, result.output
    assert "32 of 33 testimonies are in 2 campaigns" in result.output
    assert len(campaign_ids(db)) == 2

    again = invoke(app, "regroup-campaigns", str(hearing_id), "--from-scratch")

    assert again.exit_code == 0, again.output
    assert "32 of 33 testimonies are in 2 campaigns" in again.output


def test_the_command_refuses_an_unknown_hearing_and_changes_nothing(app, db):
    send(make_hearing(now=NOW), L.COAL_ASH)
    db.session.commit()

    result = invoke(app, "regroup-campaigns", "424242")

    assert result.exit_code == 1
    assert "There is no hearing 424242." in result.output
    assert regrouped_events() == []


def test_the_command_needs_a_hearing_number(app, db):
    result = invoke(app, "regroup-campaigns", "first")

    assert result.exit_code == 2
    assert "is not a valid integer" in result.output


# Placing a batch at once (a surge)

SEEN_BEFORE = [  # placed one at a time as they arrive
    L.COAL_ASH,
    L.COAL_ASH,
    L.CONCERNS_WARMING,
    L.CONCERNS,
    L.CRUDE_EXPORT_HUNTER,  # a personalised copy first: it stands for its campaign
    L.CRUDE_EXPORT,
    *L.UNRELATED[:2],
]
SURGE = [  # then arrive together
    L.COAL_ASH.upper(),  # word for word: case and spacing do not count
    L.CRUDE_EXPORT,
    L.CONCERNS,
    L.COAL_ASH_PANDEMICS,  # a near copy
    L.CRUDE_EXPORT,
    L.CRUDE_EXPORT,  # now the plain wording is the most sent: it takes over
    L.PERMITTING_PROPOSAL,  # a letter never seen: its copies make a campaign
    L.PERMITTING_PROPOSAL,
    L.COAL_ASH,
    L.UNRELATED[2],
]


def arrive(db, hearing, bodies, start: int) -> list[Testimony]:
    from app.testimony.services import submit_testimony
    from tests.factories import make_submission

    return [
        submit_testimony(
            hearing,
            make_submission(hearing, body=body, email=f"surge{start + n}@example.net"),
            now=NOW + timedelta(minutes=start + n),
        ).testimony
        for n, body in enumerate(bodies)
    ]


def outcome(db, testimonies: list[Testimony]) -> dict:
    """Campaigns as positions in the arrival order, and each one's representative."""
    db.session.expire_all()
    position = {testimony.id: n for n, testimony in enumerate(testimonies)}
    members: dict[int, list[int]] = {}
    for testimony in testimonies:
        campaign_id = db.session.get(Testimony, testimony.id).campaign_id
        if campaign_id is not None:
            members.setdefault(campaign_id, []).append(position[testimony.id])
    representatives = {
        tuple(group): position[db.session.get(Campaign, campaign_id).representative_id]
        for campaign_id, group in members.items()
    }
    anchors = Counter(
        position[row]
        for row in db.session.scalars(
            select(WordingAnchor.testimony_id).where(WordingAnchor.testimony_id.in_(position))
        )
    )
    return {"campaigns": representatives, "anchors": anchors}


def test_a_surge_placed_as_one_batch_ends_as_placing_one_by_one_would(db):
    from app.campaigns import placement

    results = []
    for together in (False, True):
        hearing = make_hearing(now=NOW)
        seen = arrive(db, hearing, SEEN_BEFORE, 0)
        for testimony in seen:
            placement.place_batch([testimony.id])
        surge = arrive(db, hearing, SURGE, 100)
        if together:
            assert placement.place_batch([t.id for t in surge]) == len(surge)
        else:
            for testimony in surge:
                placement.place_safely(testimony)
        db.session.commit()
        results.append(outcome(db, seen + surge))

    one_by_one, together = results
    assert together == one_by_one
    representatives = one_by_one["campaigns"]
    assert len(representatives) == 4  # coal ash, concerns, crude export, permitting
    crude = next(group for group in representatives if 5 in group)
    assert representatives[crude] == 5  # the plain letter took over from the personalised one


def test_copies_of_a_campaign_letter_are_placed_in_a_few_statements(db):
    from sqlalchemy import event

    from app.campaigns import placement

    hearing = make_hearing(now=NOW)
    for testimony in arrive(db, hearing, [L.COAL_ASH, L.COAL_ASH], 0):
        placement.place_batch([testimony.id])
    statements: list[str] = []

    def counted(_connection, _cursor, statement, *_args):
        statements.append(statement.split()[0])

    counts = {}
    for size in (5, 50):
        copies = [t.id for t in arrive(db, hearing, [L.COAL_ASH] * size, 10 * size)]
        db.session.commit()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            assert placement.place_batch(copies) == size
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        counts[size] = len(statements)
        db.session.commit()
    assert counts[50] == counts[5] <= 12, (counts, statements)  # not a dozen per copy
    assert len(set(db.session.scalars(select(Testimony.campaign_id)))) == 1


def _placement_mix() -> list[str]:
    """Every campaign's letter and personalised copies, exact copies, bot letters and comments
    that belong to none, interleaved as a surge would bring them."""
    texts = []
    for round_number in range(3):
        for campaign in L.CAMPAIGNS:
            texts.extend(campaign[round_number % len(campaign) :][:2])
        texts.append(L.UNRELATED[round_number])
    texts += [*bot_letters(6), L.COAL_ASH, L.CONCERNS_WARMING, *L.UNRELATED[3:]]
    # Near copies: a letter signed off, or with a word changed, arriving next to each other.
    for letter in (L.CRUDE_EXPORT, L.CONCERNS, L.COAL_ASH_REWORDED):
        texts[3:3] = [letter + " Thank you.", letter.replace(" the ", " this ", 1)]
        texts.append(letter + " Please listen to us.")
    return texts


def _shape(db, testimonies: list[Testimony]) -> tuple[list[list[int]], list[int]]:
    """The campaigns as lists of positions in `testimonies`, and each one's representative."""
    db.session.expire_all()
    position = {testimony.id: index for index, testimony in enumerate(testimonies)}
    members: dict[int, list[int]] = {}
    for testimony in testimonies:
        campaign_id = db.session.get(Testimony, testimony.id).campaign_id
        if campaign_id is not None:
            members.setdefault(campaign_id, []).append(position[testimony.id])
    representatives = [
        position[db.session.get(Campaign, campaign_id).representative_id]
        for campaign_id in sorted(members, key=lambda c: members[c][0])
    ]
    return sorted(members.values()), representatives


@pytest.mark.parametrize("batch_size", [4, 20])
def test_a_batch_is_placed_as_one_by_one_placement_would(db, batch_size):
    """place_batch writes a batch's anchors together and looks for copies in id order; the
    campaigns and their representatives come out as placing each testimony alone."""
    together, alone = make_hearing(now=NOW), make_hearing(now=NOW)
    texts = _placement_mix()
    sent = {}
    for hearing in (together, alone):
        sent[hearing.id] = [submitted(hearing, text, n) for n, text in enumerate(texts)]
    db.session.commit()
    ids = [testimony.id for testimony in sent[together.id]]
    for start in range(0, len(ids), batch_size):
        placement.place_batch(ids[start : start + batch_size])
        db.session.commit()
    for testimony in sent[alone.id]:
        placement.place_safely(db.session.get(Testimony, testimony.id))
        db.session.commit()

    batched, one_by_one = _shape(db, sent[together.id]), _shape(db, sent[alone.id])
    assert batched == one_by_one
    # Near copies were found, not only word-for-word ones.
    assert max(len(members) for members in batched[0]) >= 4


def submitted(hearing, body: str, n: int) -> Testimony:
    """A submitted testimony not yet placed, as the placement job finds it."""
    receipt = submit_testimony(
        hearing,
        make_submission(
            hearing, body=body, full_name=f"Writer Number{n}", email=f"writer{n}@example.net"
        ),
        now=NOW + timedelta(minutes=n),
    )
    return receipt.testimony

"""How campaign grouping does on bot campaigns spun the way real spinners spin.

The dev set is bench/spun_corpus.py (or any module with the same `build(size, seed)`, named by
--set): spun campaign copies, a resident's own letter sent to two hearings, personal letters on
the same topics that must stay alone, and real unrelated comments. Measured, each as pairwise
precision / recall / F1 and adjusted Rand index (bench/campaign_metrics.py), overall and per
kind, with the campaigns split over several groups (the worst listed), the texts joined to a
group of another label, the texts that should stay alone but were grouped, and the time taken:

a. regrouping: app.campaigns.grouping.group_texts over the whole corpus at once;
b. arrival: the first --arrival texts (the corpus is in arrival order) submitted one at a time
   as testimony to one hearing in a temporary SQLite database, through the submission service,
   each followed by its placement job as the app runs it; the campaign each testimony ends up
   in is its group (none: alone). Then the hearing is regrouped as `flask regroup-campaigns`
   does (app/campaigns/regrouping.py) and read again.

--seeds K repeats (a) for K seeds and prints the worst and the mean; --baseline adds plain
MinHash for contrast. Ends with one line per measurement to paste into an issue.

    .venv/bin/python -m bench.spun_campaigns                       # a few minutes
    .venv/bin/python -m bench.spun_campaigns --size 2000 --arrival 0 --seeds 4 --baseline
    .venv/bin/python -m bench.spun_campaigns --set bench.spun_holdout
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

from bench.campaign_metrics import (
    adjusted_rand,
    pairwise,
    plain_minhash_labels,
    snippet,
    split_campaigns,
)

SHOWN = 4


def scores(truth, predicted) -> str:
    precision, recall, f1 = pairwise(truth, predicted)
    return f"P={precision:.3f} R={recall:.3f} F1={f1:.3f} ARI={adjusted_rand(truth, predicted):.3f}"


def alone_kinds(labels, kinds) -> set[str]:
    """The kinds whose every text is its own label (texts that should stay alone)."""
    sizes = Counter(labels)
    kinds_of_groups = {k for label, k in zip(labels, kinds, strict=True) if sizes[label] > 1}
    return set(kinds) - kinds_of_groups


def by_kind(labels, predicted, kinds, kind: str, alone: set[str]) -> str:
    """Scores on the texts of one kind plus every text that should stay alone."""
    keep = [i for i, k in enumerate(kinds) if k == kind or k in alone]
    return scores([labels[i] for i in keep], [predicted[i] for i in keep])


def false_joins(labels, predicted, kinds) -> dict:
    """Texts in a group of ours whose most common true label is another one, by kind; and
    texts alone by truth that we put in a group, by kind."""
    members = _members(predicted)
    truth_sizes = Counter(labels)
    joined: Counter[str] = Counter()
    examples = []
    for group in members.values():
        if len(group) < 2:
            continue
        main, _ = Counter(labels[i] for i in group).most_common(1)[0]
        strays = [i for i in group if labels[i] != main]
        joined.update(kinds[i] for i in strays)
        if strays:
            anchor = next(i for i in group if labels[i] == main)
            examples.append((len(group), strays[0], anchor))
    sizes = Counter(predicted)
    alone_grouped = Counter(
        kinds[i]
        for i in range(len(labels))
        if truth_sizes[labels[i]] == 1 and sizes[predicted[i]] > 1
    )
    alone_total = Counter(kinds[i] for i in range(len(labels)) if truth_sizes[labels[i]] == 1)
    examples.sort(key=lambda e: -e[0])
    return {
        "joined": joined,
        "alone_grouped": alone_grouped,
        "alone_total": alone_total,
        "examples": examples,
    }


def report(name: str, texts, labels, kinds, predicted, seconds: float, alone: set[str]) -> str:
    """Print a measurement in full; return its summary line. `alone`: the kinds that should
    stay alone (of the whole corpus: a part may hold a single copy of a campaign)."""
    groups = len(set(predicted))
    print(
        f"\n{name}: {len(texts):,} texts -> {groups:,} groups ({len(set(labels)):,} true), "
        f"{seconds:.1f}s"
    )
    print(f"  overall: {scores(labels, predicted)}")
    grouped_kinds = sorted(set(kinds) - alone)
    for kind in grouped_kinds:
        print(
            f"  {kind} (+ texts to leave alone): {by_kind(labels, predicted, kinds, kind, alone)}"
        )
    split = split_campaigns(labels, predicted, kinds)
    totals = Counter(kind for _, kind, _, _ in split["split"])
    groups_of = Counter(
        kinds[members[0]] for members in _members(labels).values() if len(members) >= 2
    )
    splits = " ".join(f"{k}={totals[k]}/{groups_of[k]}" for k in grouped_kinds)
    print(f"  true groups split over several of ours: {splits or 'none'}")
    for label, kind, size, pieces in split["split"][:SHOWN]:
        parts = Counter(predicted[i] for i, other in enumerate(labels) if other == label)
        shown = ", ".join(str(n) for _, n in parts.most_common(6))
        more = ", ..." if len(parts) > 6 else ""
        print(f"    - {kind} {label} ({size:,} texts) in {pieces} groups: {shown}{more}")
    joins = false_joins(labels, predicted, kinds)
    joined = joins["joined"]
    print(
        "  texts joined to a group of another label: "
        + (", ".join(f"{k} {n:,}" for k, n in sorted(joined.items())) or "none")
    )
    lone = " ".join(
        f"{k}={joins['alone_grouped'][k]:,}/{joins['alone_total'][k]:,}"
        for k in sorted(joins["alone_total"])
    )
    print(f"  texts alone by truth that we grouped: {lone or 'none'}")
    for size, stray, anchor in joins["examples"][:SHOWN]:
        print(f"    - {kinds[stray]} in our group of {size:,}: {snippet(texts[stray])}")
        print(f"      with {labels[anchor]}: {snippet(texts[anchor])}")
    return (
        f"spun-campaigns {name} n={len(texts)}: {scores(labels, predicted)} "
        + " ".join(f"{k}[{by_kind(labels, predicted, kinds, k, alone)}]" for k in grouped_kinds)
        + f" split {splits} joined={sum(joined.values())} alone-grouped {lone or 'none'}"
        + f" time={seconds:.1f}s"
    )


def _members(labels) -> dict:
    members = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    return members


def timed(group, texts) -> tuple[list, float]:
    started = time.perf_counter()
    labels = list(group(texts))
    seconds = time.perf_counter() - started
    if len(labels) != len(texts):
        raise SystemExit(f"{len(texts)} texts but {len(labels)} labels")
    return labels, seconds


# Arrival: through the app, one submission at a time.


def _hearing():
    from app.hearings.models import Body, Committee, Hearing, Measure, MeasureKind
    from app.platform.extensions import db
    from app.platform.timezones import utcnow

    now = utcnow()
    body = Body(
        slug="boston-city-council",
        name="Boston City Council",
        jurisdiction="City of Boston",
        timezone="America/New_York",
    )
    committee = Committee(body=body, slug="gov-ops", name="Committee on Government Operations")
    measure = Measure(
        committee=committee,
        kind=MeasureKind.ORDINANCE,
        number="Docket #0683",
        title="Ordinance banning face surveillance in Boston",
        summary="Prohibits city agencies from obtaining or using face surveillance.",
    )
    hearing = Hearing(
        committee=committee,
        title="Hearing on a ban of face surveillance in Boston",
        location="Iannella Chamber, Boston City Hall",
        starts_at=now + timedelta(days=31),
        testimony_opens_at=now - timedelta(days=1),
        testimony_closes_at=now + timedelta(days=30),
        measures=[measure],
    )
    db.session.add(hearing)
    db.session.commit()
    return hearing


def _submission(number: int, text: str, measure_id: int):
    from app.testimony.models import Position, SpeakingRequest
    from app.testimony.submissions import Submission

    return Submission(
        submission_key=f"spun-{number}",
        full_name=f"Resident {number}",
        email=f"resident.{number}@example.org",
        street_address=f"{number + 1} Example Street",
        city="Dorchester",
        zip_code="02124",
        organization=None,
        speaks_for_organization=False,
        measure_id=measure_id,
        position=Position.SUPPORT,
        body=text,
        speaking_request=SpeakingRequest.NONE,
        interpreter_language=None,
        accessibility_need=None,
        public_record_acknowledged=True,
    )


def _campaigns_of(hearing_id: int, ids: list[int]) -> list:
    from sqlalchemy import select

    from app.platform.extensions import db
    from app.testimony.models import Testimony

    db.session.expire_all()
    found = dict(
        db.session.execute(
            select(Testimony.id, Testimony.campaign_id).where(Testimony.hearing_id == hearing_id)
        ).all()
    )
    return [found[i] if found[i] is not None else ("alone", i) for i in ids]


def arrival(texts: list[str]) -> tuple[list, float, list, float]:
    """(campaign per text after placement on arrival, seconds; after regrouping, seconds)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.campaigns.regrouping import regroup
    from app.platform import audit, jobs
    from app.platform.extensions import db
    from app.platform.timezones import utcnow
    from app.testimony.services import submit_testimony

    # In memory where the machine has it: a disk's flush per commit would be most of the time.
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private folder of a random name there)
    memory = shm if shm.is_dir() else None
    logging.disable(logging.INFO)  # each receipt, logged for want of a mail server
    with tempfile.TemporaryDirectory(prefix="spun-campaigns-", dir=memory) as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'arrival.db'}",
                "SECRET_KEY": "bench-secret-key-not-for-production",
                "UPLOAD_FOLDER": str(Path(folder) / "uploads"),
                "MAIL_SERVER": "",
                "JOBS_RUNNER": "worker",  # no thread of its own: the jobs run below, in turn
            }
        )
        with app.app_context():
            upgrade()
            hearing = _hearing()
            measure_id = hearing.measures[0].id
            ids = []
            started = time.perf_counter()
            for number, text in enumerate(texts):
                receipt = submit_testimony(
                    hearing, _submission(number, text, measure_id), now=utcnow()
                )
                db.session.commit()  # as the request does
                ids.append(receipt.testimony.id)
                outcome = jobs.run_committed()  # its placement job, as the app runs it
                if outcome.failed:
                    raise SystemExit(f"a job failed after submission {number}")
                if (number + 1) % 500 == 0:
                    print(f"  ... {number + 1:,} submitted and placed", flush=True)
            placed_seconds = time.perf_counter() - started
            on_arrival = _campaigns_of(hearing.id, ids)
            started = time.perf_counter()
            regroup(hearing, audit.SYSTEM, now=utcnow())
            db.session.commit()
            regroup_seconds = time.perf_counter() - started
            regrouped = _campaigns_of(hearing.id, ids)
            db.session.remove()
            db.engine.dispose()
    logging.disable(logging.NOTSET)
    return on_arrival, placed_seconds, regrouped, regroup_seconds


def seeds_run(build, group, size: int, seeds: list[int]) -> str:
    rows = []
    for seed in seeds:
        corpus = build(size, seed)
        texts = [c.text for c in corpus]
        labels = [c.label for c in corpus]
        kinds = [c.kind for c in corpus]
        predicted, seconds = timed(group, texts)
        precision, recall, f1 = pairwise(labels, predicted)
        split = split_campaigns(labels, predicted, kinds)
        spun_split = len(split["split"])
        rows.append((seed, precision, recall, f1, spun_split))
        print(f"  seed {seed}: {scores(labels, predicted)} split={spun_split} {seconds:.1f}s")
    worst = " ".join(
        f"{name}={min(r[m] for r in rows):.3f}" for name, m in (("P", 1), ("R", 2), ("F1", 3))
    )
    mean = " ".join(
        f"{name}={sum(r[m] for r in rows) / len(rows):.3f}"
        for name, m in (("P", 1), ("R", 2), ("F1", 3))
    )
    return (
        f"spun-campaigns regroup n={size} seeds={seeds[0]}..{seeds[-1]}: worst {worst}; mean "
        f"{mean}; true groups split (all seeds) {sum(r[4] for r in rows)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="bench.spun_corpus", help="module with build(size, seed)")
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=1, help="regroup for this many seeds too")
    parser.add_argument(
        "--arrival", type=int, default=2000, help="texts submitted one at a time (0: none)"
    )
    parser.add_argument("--baseline", action="store_true", help="plain MinHash for contrast")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
    from app.campaigns.grouping import group_texts

    build = importlib.import_module(args.set).build
    started = time.perf_counter()
    corpus = build(args.size, args.seed)
    texts = [c.text for c in corpus]
    labels = [c.label for c in corpus]
    kinds = [c.kind for c in corpus]
    counts = Counter(kinds)
    print(
        f"{args.set} size {args.size:,} seed {args.seed}, built in "
        f"{time.perf_counter() - started:.1f}s: "
        + ", ".join(f"{k} {n:,}" for k, n in sorted(counts.items()))
    )
    describe = getattr(importlib.import_module(args.set), "describe", None)
    if describe is not None:
        describe(corpus)
    alone = alone_kinds(labels, kinds)
    summaries = []
    predicted, seconds = timed(group_texts, texts)
    summaries.append(report("regroup", texts, labels, kinds, predicted, seconds, alone))
    if args.baseline:
        predicted, seconds = timed(plain_minhash_labels, texts)
        summaries.append(
            report("baseline-minhash", texts, labels, kinds, predicted, seconds, alone)
        )
    if args.arrival:
        n = min(args.arrival, len(corpus))
        print(f"\narrival: submitting the first {n:,} texts one at a time ...", flush=True)
        placed, placed_s, regrouped, regroup_s = arrival(texts[:n])
        head = (texts[:n], labels[:n], kinds[:n])
        summaries.append(report("arrival", *head, placed, placed_s, alone))
        summaries.append(report("arrival+regroup-command", *head, regrouped, regroup_s, alone))
    if args.seeds > 1:
        seeds = list(range(args.seed, args.seed + args.seeds))
        print(f"\nregroup, size {args.size:,}, seeds {seeds[0]}..{seeds[-1]}:")
        summaries.append(seeds_run(build, group_texts, args.size, seeds))
    print("\nsummary:")
    for line in summaries:
        print(line)


if __name__ == "__main__":
    main()

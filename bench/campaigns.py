"""How well campaign grouping (app.campaigns.grouping.group_texts) finds form-letter campaigns.

Two measurements, each printed as pairwise precision / recall / F1 and adjusted Rand index
(bench/campaign_metrics.py explains them) with the time group_texts took:

1. The eight real dockets in ../shared/data/regulations-comments, against the federal pilot's
   own machine grouping: `clust` (finer) and `comp` (connected components, coarse). Every row
   there had a similar partner, so a comment we leave alone is a miss, and comments in
   different `comp` were not judged similar. The reference is imperfect: read the disagreements
   (a few pairs we merge across `comp`, and a few of one `clust` we keep apart).
2. A synthetic corpus with known truth (bench/campaign_corpus.py): edited copies of real form
   letters, bot campaigns spun from spintax templates (big and small), unrelated real comments
   and two kinds of hard negatives that must stay alone: real comments quoting one line of a
   campaign letter, and real one-liners on the same topics. At --small (default 10,000) and
   --size (default 100,000) texts, overall and per kind, with how many campaigns end up split
   over more than one group and how many texts that should stay alone we grouped. --seeds N
   reruns --small for N seeds and prints the worst and mean, so one lucky corpus cannot pass for
   the result. --baseline adds plain MinHash at --small for contrast.

Ends with one line per measurement to paste into an issue.

    .venv/bin/python -m bench.campaigns                      # everything (a few minutes)
    .venv/bin/python -m bench.campaigns --synthetic-only --size 20000 --baseline
    .venv/bin/python -m bench.campaigns --synthetic-only --small 2000 --seeds 8
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import time
from collections import Counter, defaultdict

from bench.campaign_corpus import ALONE_KINDS, DATA, build, read_docket, stats
from bench.campaign_metrics import (
    adjusted_rand,
    disagreements,
    pairwise,
    plain_minhash_labels,
    snippet,
    split_campaigns,
)

SHOWN = 3  # disagreements shown of each kind


def _group_texts():
    try:
        from app.campaigns.grouping import group_texts
    except ImportError as error:
        raise SystemExit(f"app.campaigns.grouping.group_texts is not available: {error}") from None
    return group_texts


def timed(group, texts: list[str]) -> tuple[list, float]:
    start = time.perf_counter()
    labels = list(group(texts))
    seconds = time.perf_counter() - start
    if len(labels) != len(texts):
        raise SystemExit(f"{len(texts)} texts but {len(labels)} labels")
    return labels, seconds


def scores(truth, predicted) -> str:
    precision, recall, f1 = pairwise(truth, predicted)
    ari = adjusted_rand(truth, predicted)
    return f"P={precision:.3f} R={recall:.3f} F1={f1:.3f} ARI={ari:.3f}"


def show_pairs(title: str, pairs: list[tuple[str, str]]) -> None:
    print(f"  {title}: {len(pairs) or 'none'}")
    for first, second in pairs:
        print(f"    - {first}\n      {second}")


def dockets(group, rng: random.Random) -> list[str]:
    summaries = []
    for path in sorted(DATA.glob("*.csv")):
        rows = read_docket(path)
        texts = [row["text"] for row in rows]
        comp = [row["comp"] for row in rows]
        clust = [(row["comp"], row["clust"]) for row in rows]
        predicted, seconds = timed(group, texts)
        sizes = Counter(predicted)
        alone = sum(1 for label in predicted if sizes[label] == 1)
        print(
            f"\n{path.stem}: {len(texts):,} texts -> {len(sizes):,} groups ({alone} left alone); "
            f"reference {len(set(clust))} clust, {len(set(comp))} comp; {seconds:.2f}s"
        )
        print(f"  vs clust: {scores(clust, predicted)}")
        print(f"  vs comp:  {scores(comp, predicted)}")
        merged, _ = disagreements(texts, comp, predicted, SHOWN, rng)
        _, split = disagreements(texts, clust, predicted, SHOWN, rng)
        show_pairs("grouped together by us, different comp", merged)
        show_pairs("same clust, kept apart by us", split)
        summaries.append(
            f"campaigns docket {path.stem} n={len(texts)}: clust {scores(clust, predicted)}; "
            f"comp {scores(comp, predicted)}; groups={len(sizes)} "
            f"(clust {len(set(clust))}, comp {len(set(comp))}) time={seconds:.2f}s"
        )
    return summaries


def by_kind(labels, predicted, kinds, kind: str) -> str:
    """Scores on the items of one kind plus every text that should stay alone (pairs within
    that kind, and any pair that joins one of those texts to something)."""
    keep = [i for i, k in enumerate(kinds) if k == kind or k in ALONE_KINDS]
    return scores([labels[i] for i in keep], [predicted[i] for i in keep])


def _members(labels) -> dict:
    members = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    return members


def not_alone(predicted, kinds) -> dict[str, list[int]]:
    """For each kind of text that should stay alone, the ones we put in a group."""
    sizes = Counter(predicted)
    return {
        kind: [i for i, k in enumerate(kinds) if k == kind and sizes[predicted[i]] > 1]
        for kind in ALONE_KINDS
    }


def grouped_counts(predicted, kinds) -> str:
    joined = not_alone(predicted, kinds)
    return " ".join(f"{k}={len(joined[k])}/{kinds.count(k)}" for k in ALONE_KINDS)


def show_grouped(texts, predicted, kinds, indexes, shown: int, rng, tag: str = "") -> int:
    """A few texts that should stay alone, each with one text we grouped it with (one per
    group of ours); how many were shown."""
    groups = _members(predicted)
    seen = set()
    for i in rng.sample(indexes, len(indexes)):
        if len(seen) == shown:
            break
        if predicted[i] in seen:
            continue
        seen.add(predicted[i])
        other = next(j for j in groups[predicted[i]] if j != i)
        size = len(groups[predicted[i]])
        print(f"    - {kinds[i]}{tag}: {snippet(texts[i])}")
        print(f"      with {kinds[other]} (our group of {size}): {snippet(texts[other])}")
    return len(seen)


def show_split(texts, labels, predicted, row, tag: str = "") -> None:
    """One split campaign: its pieces, and a text of the biggest and of the smallest piece."""
    label, kind, size, groups = row
    members = [i for i, other in enumerate(labels) if other == label]
    pieces = _members([predicted[i] for i in members])  # positions in members, by our group
    ordered = sorted(pieces.values(), key=len, reverse=True)
    shown = ", ".join(str(len(p)) for p in ordered[:6]) + (", ..." if len(ordered) > 6 else "")
    print(f"    - {kind} campaign of {size:,}{tag} split into {groups} groups: {shown}")
    print(f"      biggest piece:  {snippet(texts[members[ordered[0][0]]])}")
    print(f"      smallest piece: {snippet(texts[members[ordered[-1][0]]])}")


def describe(texts, labels, predicted, kinds, rng: random.Random) -> str:
    """Per-kind scores, split campaigns, texts that should be alone but are not, and samples."""
    for kind in ("form", "bot"):
        print(f"  {kind:<4} (+ texts to leave alone): {by_kind(labels, predicted, kinds, kind)}")
    split = split_campaigns(labels, predicted, kinds)
    print(f"  campaigns in exactly one group: {split['whole']}/{split['total']}")
    for row in split["split"][:SHOWN]:
        show_split(texts, labels, predicted, row)
    if len(split["split"]) > SHOWN:
        print(f"    ... and {len(split['split']) - SHOWN} more")
    for kind, joined in not_alone(predicted, kinds).items():
        total = kinds.count(kind)
        print(f"  {kind} texts put in a group with something else: {len(joined):,}/{total:,}")
        show_grouped(texts, predicted, kinds, joined, SHOWN, rng)
    merged, apart = disagreements(texts, labels, predicted, SHOWN, rng)
    show_pairs("grouped together by us, different true label", merged)
    show_pairs("same true campaign, kept apart by us", apart)
    split_counts = Counter(kind for _, kind, _, _ in split["split"])
    detail = ",".join(f"{k}:{n}" for k, n in sorted(split_counts.items()))
    return f"split={len(split['split'])}/{split['total']}" + (f"({detail})" if detail else "")


def synthetic(group, sizes: list[int], seed: int, baseline: bool, rng) -> list[str]:
    summaries = []
    for size in sizes:
        print(f"\nsynthetic corpus, size {size:,}, seed {seed}:")
        texts, labels, kinds = build(size, seed)
        stats(texts, labels, kinds)
        runs = [("group_texts", group)]
        if baseline and size == min(sizes):
            runs.append(("plain MinHash", plain_minhash_labels))
        for name, grouper in runs:
            predicted, seconds = timed(grouper, texts)
            groups, true = len(set(predicted)), len(set(labels))
            print(f" {name}: {groups:,} groups ({true:,} true labels), {seconds:.1f}s")
            print(f"  overall: {scores(labels, predicted)}")
            split = describe(texts, labels, predicted, kinds, rng)
            tag = "synthetic" if name == "group_texts" else "baseline plain-minhash"
            summaries.append(
                f"campaigns {tag} n={size} seed={seed}: {scores(labels, predicted)} "
                f"form[{by_kind(labels, predicted, kinds, 'form')}] "
                f"bot[{by_kind(labels, predicted, kinds, 'bot')}] "
                f"grouped {grouped_counts(predicted, kinds)} {split} time={seconds:.1f}s"
            )
    return summaries


def seeds_run(group, size: int, seeds: list[int], rng: random.Random) -> list[str]:
    """The synthetic benchmark at one size for several seeds: worst and mean, so one lucky
    corpus cannot pass for the result. Shows a few of the mistakes of all seeds at the end."""
    print(f"\nsynthetic corpus, size {size:,}, seeds {seeds[0]}..{seeds[-1]}:")
    results, mistakes = [], []
    campaigns = split_total = 0
    split_kinds: Counter[str] = Counter()
    joined_total: Counter[str] = Counter()
    alone_total: Counter[str] = Counter()
    for seed in seeds:
        with contextlib.redirect_stdout(io.StringIO()):  # the same note for every seed
            texts, labels, kinds = build(size, seed)
        predicted, seconds = timed(group, texts)
        precision, recall, f1 = pairwise(labels, predicted)
        results.append((seed, precision, recall, f1))
        split = split_campaigns(labels, predicted, kinds)
        campaigns += split["total"]
        split_total += len(split["split"])
        split_kinds.update(kind for _, kind, _, _ in split["split"])
        joined = not_alone(predicted, kinds)
        for kind in ALONE_KINDS:
            joined_total[kind] += len(joined[kind])
            alone_total[kind] += kinds.count(kind)
        print(
            f"  seed {seed:>3}: {scores(labels, predicted)} split={len(split['split'])}/"
            f"{split['total']} grouped {grouped_counts(predicted, kinds)} {seconds:.1f}s"
        )
        mistakes.append((seed, texts, labels, kinds, predicted, split["split"], joined))
    worst = [min(results, key=lambda r, m=m: r[m]) for m in (1, 2, 3)]
    means = [sum(r[m] for r in results) / len(results) for m in (1, 2, 3)]
    worst_text = " ".join(
        f"{name}={row[m]:.3f}(seed {row[0]})"
        for name, m, row in zip(("P", "R", "F1"), (1, 2, 3), worst, strict=True)
    )
    mean_text = " ".join(f"{n}={v:.3f}" for n, v in zip(("P", "R", "F1"), means, strict=True))
    split_detail = ",".join(f"{k}:{n}" for k, n in sorted(split_kinds.items()))
    grouped = " ".join(f"{k}={joined_total[k]}/{alone_total[k]}" for k in ALONE_KINDS)
    print(f"  worst of {len(seeds)} (each metric on its own): {worst_text}")
    print(f"  mean: {mean_text}")
    print(f"  split campaigns, all seeds: {split_total}/{campaigns} ({split_detail or 'none'})")
    print(f"  texts to leave alone that we grouped, all seeds: {grouped}")
    print(f"  mistakes (up to {2 * SHOWN} of each kind, from all seeds):")
    shown: Counter[str] = Counter()
    for seed, texts, labels, kinds, predicted, split, joined in mistakes:
        tag = f" (seed {seed})"
        for row in split[: 2 * SHOWN - shown["split"]]:
            show_split(texts, labels, predicted, row, tag)
            shown["split"] += 1
        for kind in ALONE_KINDS:
            left = 2 * SHOWN - shown[kind]
            shown[kind] += show_grouped(texts, predicted, kinds, joined[kind], left, rng, tag)
    if not sum(shown.values()):
        print("    none")
    return [
        f"campaigns synthetic n={size} seeds={seeds[0]}..{seeds[-1]}: worst {worst_text}; "
        f"mean {mean_text}; split={split_total}/{campaigns}"
        + (f"({split_detail})" if split_detail else "")
        + f"; grouped {grouped}"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="larger synthetic size")
    parser.add_argument("--small", type=int, default=10_000, help="smaller synthetic size")
    parser.add_argument("--seed", type=int, default=7, help="synthetic corpus seed")
    parser.add_argument(
        "--seeds", type=int, default=1, help="also run the small size for this many seeds"
    )
    parser.add_argument("--dockets-only", action="store_true", help="only the real dockets")
    parser.add_argument("--synthetic-only", action="store_true", help="only the synthetic corpus")
    parser.add_argument("--baseline", action="store_true", help="plain MinHash at --small too")
    args = parser.parse_args()
    group = _group_texts()
    rng = random.Random(1)
    summaries = []
    if not args.synthetic_only:
        summaries += dockets(group, rng)
    if not args.dockets_only:
        sizes = sorted({args.small, args.size})
        summaries += synthetic(group, sizes, args.seed, args.baseline, rng)
        if args.seeds > 1:
            seeds = list(range(args.seed, args.seed + args.seeds))
            summaries += seeds_run(group, args.small, seeds, rng)
    print("\nsummary:")
    for line in summaries:
        print(line)


if __name__ == "__main__":
    main()

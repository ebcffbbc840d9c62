"""History diff speed: an article's 50 revisions diffed pairwise (49 `diff_revisions` calls).

    python bench/history_diff.py [--revisions 50] [--words 600] [--rounds 7] [--seed 1]

The article is made of the fixtures' real-looking bodies, cut to about --words words; each
revision makes one or two of the edits the replica makes on the one before (a figure changed,
a sentence or paragraph added or removed, a sentence moved, a name changed, punctuation or
quotes changed, a retitle, a recategorization). A round diffs every revision against the one
before, as `history` will, with the module's caches (paragraphs, sentence keys, bodies)
cleared first ("cold": what a first `history` of an article costs) and again with them cleared
before every diff ("uncached": each diff alone, as for a list of many articles' latest change).
Also timed: one pair of unrelated ~600-word bodies (the worst case, everything rewritten).

Prints milliseconds per diff (median, max) and for the 49 diffs (median over rounds).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from itertools import pairwise
from pathlib import Path

from humas_crawler.revisions import diff_revisions
from humas_crawler.revisions.diff import _sentence_key, _sentences
from humas_crawler.revisions.text import _split_paragraph, split_sentences

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures" / "article").glob("*/expected.json"))


def fixture_bodies() -> list[str]:
    return [json.loads(p.read_text(encoding="utf-8"))["body_text"] for p in FIXTURES]


def article_of(bodies: list[str], words: int) -> list[list[str]]:
    """Paragraphs (as sentence lists) from the bodies in turn until about `words` words."""
    paragraphs: list[list[str]] = []
    count = 0
    for body in bodies:
        for paragraph in body.split("\n\n"):
            paragraphs.append(split_sentences(paragraph))
            count += len(paragraph.split())
            if count >= words:
                return paragraphs
    return paragraphs


def edit(rev: dict, rng: random.Random, spare: list[str]) -> dict:
    """One edit of the kinds the replica makes, on a copy of `rev`."""
    paragraphs = [list(p) for p in rev["paragraphs"]]
    kind = rng.choice(
        ["figure", "figure", "add", "remove", "move", "name", "punct", "quotes", "para", "title"]
    )
    p = rng.randrange(len(paragraphs))
    s = rng.randrange(len(paragraphs[p]))
    sentence = paragraphs[p][s]
    new = dict(rev)
    if kind == "figure":
        paragraphs[p][s] = sentence + f" Nilainya Rp {rng.randint(1, 99)} miliar."
    elif kind == "add":
        paragraphs[p].insert(s, rng.choice(spare))
    elif kind == "remove" and len(paragraphs[p]) > 1:
        del paragraphs[p][s]
    elif kind == "move":
        moved = paragraphs[p].pop(s)
        paragraphs[rng.randrange(len(paragraphs))].append(moved)
    elif kind == "name":
        words = sentence.split()
        words[rng.randrange(len(words))] = rng.choice(["Rusdi", "Ratna", "Yusran", "Wahyu"])
        paragraphs[p][s] = " ".join(words)
    elif kind == "punct":
        paragraphs[p][s] = sentence.replace(",", "", 1)
    elif kind == "quotes":
        paragraphs[p][s] = sentence.replace("“", '"').replace("”", '"').replace("–", "-")
    elif kind == "para":
        paragraphs.insert(p, [rng.choice(spare), rng.choice(spare)])
    elif kind == "title":
        new["title"] = rev["title"] + " " + rng.choice(["Kaltim", "2026", "Mahulu"])
        new["category"] = rng.choice(["Pembangunan", "Ekonomi", "Sosial"])
    new["paragraphs"] = [p for p in paragraphs if p]
    new["body_text"] = "\n\n".join(" ".join(p) for p in new["paragraphs"])
    return new


def history(revisions: int, words: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    bodies = fixture_bodies()
    spare = [s for body in bodies[-4:] for s in split_sentences(body)]
    first = {
        "title": "Gubernur Serahkan Bantuan untuk Mahulu",
        "category": "Pembangunan",
        "published_at": "2026-08-03T10:00:00+08:00",
        "paragraphs": article_of(bodies, words),
    }
    first["body_text"] = "\n\n".join(" ".join(p) for p in first["paragraphs"])
    revs = [first]
    for _ in range(revisions - 1):
        rev = revs[-1]
        for _ in range(rng.choice([1, 1, 2])):
            rev = edit(rev, rng, spare)
        revs.append(rev)
    return revs


def clear_caches() -> None:
    """Forget every paragraph, sentence and body seen (the module keeps them across calls)."""
    _split_paragraph.cache_clear()
    _sentence_key.cache_clear()
    _sentences.cache_clear()


def time_history(revs: list[dict], clear_each: bool) -> tuple[float, list[float]]:
    """(total ms, ms per diff) of diffing every revision against the one before."""
    clear_caches()
    each = []
    started = time.perf_counter()
    for old, new in pairwise(revs):
        if clear_each:
            clear_caches()
        t0 = time.perf_counter()
        diff_revisions(old, new)
        each.append((time.perf_counter() - t0) * 1000)
    return (time.perf_counter() - started) * 1000, each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    revs = history(args.revisions, args.words, args.seed)
    sizes = [len(r["body_text"].split()) for r in revs]
    print(
        f"{len(revs)} revisions, {min(sizes)}-{max(sizes)} words, "
        f"{len(revs) - 1} diffs, {args.rounds} rounds"
    )
    for label, clear_each in (("cold", False), ("uncached", True)):
        totals, per_diff = [], []
        for _ in range(args.rounds):
            total, each = time_history(revs, clear_each)
            totals.append(total)
            per_diff.extend(each)
        print(
            f"{label:9} per diff median {statistics.median(per_diff):.2f} ms, "
            f"max {max(per_diff):.2f} ms; {len(revs) - 1} diffs: median "
            f"{statistics.median(totals):.1f} ms (min {min(totals):.1f}, max {max(totals):.1f})"
        )

    bodies = fixture_bodies()
    old = {"title": "A", "body_text": "\n\n".join(bodies[:3])}
    new = {"title": "B", "body_text": "\n\n".join(bodies[6:9])}
    times = []
    for _ in range(args.rounds):
        clear_caches()
        t0 = time.perf_counter()
        diff = diff_revisions(old, new)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"rewritten {len(old['body_text'].split())} -> {len(new['body_text'].split())} words "
        f"({diff.summary()}): median {statistics.median(times):.1f} ms"
    )


if __name__ == "__main__":
    main()

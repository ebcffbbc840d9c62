"""Benchmark `humas-crawler search` latency on a 100,000-article archive (target: p95 < 50 ms)."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from _synthetic import NAMES, PHRASES, PLACES, build_archive, cached_archive_path
from click.testing import CliRunner

from humas_crawler.cli.search import search

# What people look for in provincial news: topics (roots of the synthetic vocabulary).
# fmt: off
TOPICS = [
    "banjir", "stunting", "vaksin", "covid", "tambang", "batubara", "sawit", "jalan", "jembatan",
    "sekolah", "beasiswa", "investasi", "pariwisata", "festival", "pelabuhan", "bandara",
    "listrik", "hutan", "mangrove", "orangutan", "pesut", "sampah", "pandemi", "imunisasi",
    "puskesmas", "smelter", "hilirisasi", "karbon", "bansos", "zakat", "porprov", "medali",
    "pajak", "anggar",
]
# Words in about half of all articles: the worst case of a ranked search.
COMMON = [
    "pemerintah", "gubernur", "kaltim", "provinsi", "masyarakat", "kegiatan", "program", "daerah",
]
PREFIXES = ["bangun*", "sehat*", "didik*", "kembang*", "kelola*", "tanam*", "wisata*", "usaha*"]
# fmt: on
CATEGORIES = ("Kesehatan", "Gubernur Kaltim", "Pendidikan", "pembangunan", "Pariwisata")
LITERALS = ("banjir AND", "covid-19", '"jalan tol', "jalan: tol", "NOT tambang", "sawit (karet)")


def queries(seed: int) -> list[list[str]]:
    """125 searches as command-line arguments: single words, pairs, phrases, prefixes,
    names and places, filtered searches, and input with operators and punctuation."""
    rng = random.Random(seed)
    places = [p.replace("-", " ").lower() for p in PLACES]
    out: list[list[str]] = [[topic] for topic in TOPICS[:30]]
    out += [[word] for word in COMMON]
    out += [[rng.choice(TOPICS), rng.choice(places)] for _ in range(12)]
    out += [[rng.choice(TOPICS), rng.choice(COMMON)] for _ in range(8)]
    out += [[rng.choice(TOPICS), rng.choice(TOPICS)] for _ in range(5)]
    out += [[f'"{phrase}"'] for phrase in PHRASES]
    out += [[f'"{phrase}"', rng.choice(places)] for phrase in rng.sample(PHRASES, 3)]
    out += [[prefix] for prefix in PREFIXES]
    out += [[name.lower()] for name in rng.sample(NAMES, 6)] + [[p] for p in places[:6]]
    for _ in range(7):
        out.append([rng.choice(TOPICS), "--since", f"{rng.randint(2013, 2026)}-01-01"])
    for _ in range(5):
        year = rng.randint(2012, 2026)
        out.append([rng.choice(TOPICS), "--since", f"{year}-01-01", "--until", f"{year}-12-31"])
    for _ in range(5):
        out.append([rng.choice(TOPICS + COMMON), "--category", rng.choice(CATEGORIES)])
    for _ in range(3):
        out.append(
            [rng.choice(COMMON), "--category", rng.choice(CATEGORIES), "--since", "2020-01-01"]
        )
    out += [["--", literal] for literal in LITERALS]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of every query")
    parser.add_argument("--max-p95-ms", type=float, default=50.0)
    parser.add_argument("--db", type=Path, help="archive to use (default: a cached one in /tmp)")
    args = parser.parse_args()

    db = args.db or cached_archive_path(args.articles, args.seed)
    built = build_archive(db, args.articles, args.seed)
    print(f"archive {db}: {args.articles:,} articles, {db.stat().st_size / 1e6:.0f} MB", end="")
    print(f" (built in {built:.1f} s)" if built else " (reused)")

    runner = CliRunner()
    searches = queries(args.seed)
    hits: dict[int, int] = {}
    for index, argv in enumerate(searches):  # warm-up (page cache), and the number of hits
        result = runner.invoke(search, ["--db", str(db), "--json", *argv])
        if result.exit_code != 0:
            print(f"search {argv} failed: {result.output}")
            return 2
        hits[index] = len(json.loads(result.stdout))
    samples: dict[int, list[float]] = {index: [] for index in range(len(searches))}
    for _ in range(args.repeats):
        for index, argv in enumerate(searches):
            started = time.perf_counter()
            result = runner.invoke(search, ["--db", str(db), *argv])
            samples[index].append((time.perf_counter() - started) * 1000)
            assert result.exit_code == 0, result.output

    every = sorted(ms for runs in samples.values() for ms in runs)
    medians = sorted(statistics.median(runs) for runs in samples.values())
    p95 = _percentile(every, 95)
    print(
        f"{len(searches)} queries x {args.repeats} runs, in-process through the click command"
        " (open the archive read-only, resolve filters, rank, snippets, print)"
    )
    print(
        f"all runs:         p50 {_percentile(every, 50):6.1f} ms  p95 {p95:6.1f} ms"
        f"  p99 {_percentile(every, 99):6.1f} ms  max {every[-1]:6.1f} ms"
    )
    print(
        f"per-query median: p50 {_percentile(medians, 50):6.1f} ms"
        f"  p95 {_percentile(medians, 95):6.1f} ms  max {medians[-1]:6.1f} ms"
    )
    print(f"queries with no hit: {sum(1 for n in hits.values() if n == 0)}")
    print("slowest (median ms, hits shown, query):")
    slowest = sorted(samples, key=lambda i: statistics.median(samples[i]), reverse=True)[:8]
    for index in slowest:
        print(f"  {statistics.median(samples[index]):6.1f}  {hits[index]:>3}  {searches[index]}")
    ok = p95 < args.max_p95_ms
    print(f"p95 {p95:.1f} ms: target < {args.max_p95_ms:.0f} ms {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def _percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(percent / 100 * len(sorted_values) + 0.4999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


if __name__ == "__main__":
    sys.exit(main())

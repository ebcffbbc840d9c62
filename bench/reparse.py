"""Reparse speed: pages per second re-extracted from the WARC files of a crawled replica.

    python bench/reparse.py [--articles 1000] [--rounds 3] [--workers N] [--min-rate 300]

A replica of --articles articles (seed 1) is crawled once in full (subprocess, --delay 0
--concurrency 8); the server is then stopped. Each round times a `reparse` subprocess from start
to exit (interpreter start-up, planning and the process pool included) in two cases:

- unchanged: the archive as crawled, today's extractor finds every article as it is stored;
- changed: every article's current version is first rewritten in SQLite as an older extractor
  would have left it (body + content hash, article row and its current revision row), so every
  page is read, extracted and written back as a new revision.

Rate = pages reparsed (from the summary line) / wall seconds; medians over the rounds.
Exit status: 0 when the median rate of both cases is at least --min-rate; 1 otherwise; 2 when
the crawl or a reparse failed.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import crawl_cmd, run_measured

from humas_crawler.replica.checks import age_body
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer

SUMMARY = re.compile(r"^reparsed (\d+): (\d+) new, (\d+) changed, (\d+) unchanged", re.M)


def reparse_cmd(workdir: Path, workers: int | None) -> list[str]:
    head = [sys.executable, "-m", "humas_crawler", "reparse"]
    args = ["--db", str(workdir / "humas.sqlite"), "--warc-dir", str(workdir / "warc")]
    if workers is not None:
        args += ["--workers", str(workers)]
    return head + args


def age_every_article(db: Path) -> int:
    """Rewrite every article's current version as an older extractor would have stored it."""

    conn = sqlite3.connect(db)
    try:
        with conn:
            ids = [article_id for (article_id,) in conn.execute("select id from articles")]
            for article_id in ids:
                age_body(conn, article_id)
        return len(ids)
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, help="reparse --workers (default: its own)")
    parser.add_argument("--min-rate", type=float, default=300.0)
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, seed=1)
    rates: dict[str, list[float]] = {"unchanged": [], "changed": []}
    cpu_ms: dict[str, list[float]] = {"unchanged": [], "changed": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with ReplicaServer(site) as server:
            crawled = run_measured(crawl_cmd(server.base_url, work, "--mode", "full"))
        if crawled.returncode != 0:
            print(crawled.output[-3000:])
            return 2
        print(f"crawl: {args.articles} articles in {crawled.seconds:.1f} s (server stopped now)")
        for round_ in range(args.rounds):
            for case in rates:
                if case == "changed":
                    age_every_article(work / "humas.sqlite")
                run = run_measured(reparse_cmd(work, args.workers))
                found = SUMMARY.search(run.output)
                if run.returncode != 0 or found is None:
                    print(run.output[-3000:])
                    return 2
                pages = int(found.group(1))
                expected = int(found.group(3 if case == "changed" else 4))
                if expected != args.articles:
                    print(f"{case}: expected {args.articles} {case} articles:\n{run.output}")
                    return 2
                rate = pages / run.seconds
                rates[case].append(rate)
                cpu_ms[case].append(1000 * run.cpu / pages)
                print(
                    f"round {round_ + 1} {case:>9}: {pages} pages in {run.seconds:.2f} s "
                    f"= {rate:.0f} pages/s; CPU {run.cpu:.2f} s ({1000 * run.cpu / pages:.2f} ms"
                    f" a page, all processes); peak RSS {run.peak_rss_mb:.0f} MB"
                )
    ok = True
    for case, values in rates.items():
        median = statistics.median(values)
        ok = ok and median >= args.min_rate
        print(
            f"{case}: median {median:.0f} pages/s (target >= {args.min_rate:.0f}); "
            f"median CPU {statistics.median(cpu_ms[case]):.2f} ms a page"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`history`, `changes` and the feeds on a large archive, against issue 11's targets.

    python bench/history.py [--articles 100000] [--revised 5000] [--versions 50] [--rounds 5]

Builds (or reuses, from bench/_synthetic.py's cache) a synthetic archive of --articles articles,
copies it, and stores a new revision of --revised of them through the store (as a crawl does:
each change event with its summary), plus one article with --versions revisions. Then, in this
process, the median of --rounds runs of:

- `history URL --json` of the article with --versions revisions (target: under 100 ms);
- `changes --json` over the whole archive (every change event; target: under 1 s);
- writing both Atom feeds (target: under 1 s);

and, once, `history URL --json` as a new process (Python's own start included, for reference).

Exit status: 0 when all three targets hold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import build_archive, cached_archive_path
from click.testing import CliRunner

from humas_crawler.archive.record import ArticleRecord
from humas_crawler.archive.store import Store
from humas_crawler.cli.app import main as cli
from humas_crawler.revisions.feeds import write_feeds

SITE = "https://www.kaltimprov.go.id"
TARGETS_MS = {"history": 100.0, "changes": 1000.0, "feeds": 1000.0}


def edited(body: str, rng: random.Random, n: int) -> str:
    """A plausible edit: a figure changed, a sentence added, or one dropped."""
    paragraphs = body.split("\n\n")
    kind = n % 3
    if kind == 0:
        paragraphs[0] = paragraphs[0].replace(" 2", " 3", 1) + f" Anggaran Rp {n + 5} miliar."
    elif kind == 1:
        paragraphs.append(f"Kegiatan lanjutan dijadwalkan pada bulan ke-{rng.randint(1, 12)}.")
    else:
        paragraphs.insert(1, f"Sebanyak {n} warga hadir dalam acara tersebut.")
    return "\n\n".join(paragraphs)


def add_revisions(path: Path, revised: int, versions: int, seed: int) -> tuple[str, float]:
    """Store the revisions; the URL of the article with `versions` revisions, and seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    # The synthetic archive's rows were inserted directly: give each its first revision, as a
    # crawl would have stored it, so that every change has something to be compared with.
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "insert into article_revisions (article_id, revision, fetched_at, content_hash,"
            " title, body_text, published_raw, category_raw, category, published_at)"
            " select id, 1, first_seen_at, content_hash, title, body_text, published_raw,"
            " category_raw, category, published_at from articles"
            " where id not in (select article_id from article_revisions)"
        )
    conn.close()
    with Store.open(path) as store:
        run_id = store.runs.start("full", SITE)
        rows = list(store.articles.rows())
        for n, row in enumerate(rng.sample(rows, revised)):
            record = ArticleRecord.from_dict(row).replace(
                body_text=edited(row["body_text"], rng, n), content_hash=None
            )
            store.articles.save(
                record, capture=None, run_id=run_id, fetched_at=f"2026-12-0{1 + n % 3}T10:00:00Z"
            )
        base = ArticleRecord.from_dict(rows[0]).replace(
            url=f"{SITE}/berita/berita-dengan-banyak-revisi", slug="berita-dengan-banyak-revisi"
        )
        body = base.body_text or ""
        for version in range(versions):
            body = edited(body, rng, version) if version else body
            store.articles.save(
                base.replace(body_text=body, content_hash=None),
                capture=None,
                run_id=run_id,
                fetched_at=f"2026-11-{1 + version // 2:02d}T{10 + version % 2:02d}:00:00Z",
            )
        store.runs.finish(run_id, status="ok", counts={}, stats={})
    return base.url, time.perf_counter() - started


def timed(action, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--revised", type=int, default=5_000)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    cached = cached_archive_path(args.articles, args.seed)
    built = build_archive(cached, args.articles, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "humas.sqlite"
        shutil.copy(cached, db)
        url, seconds = add_revisions(db, args.revised, args.versions, args.seed)
        print(
            f"archive: {args.articles} articles (built in {built:.1f} s, 0 = cached), "
            f"{args.revised} revised + 1 with {args.versions} revisions stored in {seconds:.1f} s"
        )
        runner = CliRunner()

        def history() -> None:
            result = runner.invoke(cli, ["history", url, "--json", "--db", str(db)])
            assert result.exit_code == 0, result.output

        def changes() -> None:
            result = runner.invoke(cli, ["changes", "--json", "--db", str(db)])
            assert result.exit_code == 0, result.output
            assert result.output.count("\n") >= args.revised

        def feeds() -> None:
            with Store.open(db, create=False, readonly=True) as store:
                write_feeds(store, Path(tmp) / "feeds", site_url=SITE)

        results = {
            "history": timed(history, args.rounds),
            "changes": timed(changes, args.rounds),
            "feeds": timed(feeds, args.rounds),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "humas_crawler", "history", url, "--json", "--db", str(db)],
            check=True,
            capture_output=True,
        )
        process_ms = (time.perf_counter() - started) * 1000
    ok = True
    for name, times in results.items():
        median = statistics.median(times)
        target = TARGETS_MS[name]
        ok &= median <= target
        runs = ", ".join(f"{t:.0f}" for t in times)
        print(f"{name:8} median {median:7.1f} ms (runs: {runs}) target <= {target:.0f} ms")
    print(f"history as a new process (Python and imports included): {process_ms:.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

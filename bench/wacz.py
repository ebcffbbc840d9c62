"""WACZ export of 10,000 articles, against a plain `zip -0` of the same WARC files, same run;
and the export's peak memory at several sizes of the same archive.

    python bench/wacz.py [--articles 10000] [--seed 1] [--rounds 3] [--sizes 0.01,0.1,1]
                         [--workdir DIR]

A replica of --articles articles is crawled in full (subprocess, `--delay 0 --concurrency 8`;
with --workdir, into DIR, and a DIR that already holds the crawl is reused); then, --rounds times
each, `export --format wacz` of every article (a new process) and a ZIP of the WARC directory
with `zip -0` (stored entries: the lower bound of any packaging, copying the bytes; Python's
zipfile where zip is missing). Printed: the medians, the ratio, the sizes, the export's peak
resident memory, and whether `wacz validate` accepts the package. Then, for each fraction in
--sizes, the newest that fraction of the articles is exported (`--since` the right date, a new
process each) and its articles, records, time and peak resident memory are printed: flat memory
means the same peak whatever the fraction.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import crawl_cmd, run_measured

from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer


def zip_stored(warc_dir: Path, out: Path) -> None:
    """`zip -0` of the WARC files (Python's zipfile, stored entries, where zip is missing)."""
    out.unlink(missing_ok=True)
    files = sorted(warc_dir.glob("*.warc.gz"))
    if shutil.which("zip"):
        subprocess.run(["zip", "-0", "-q", "-j", str(out), *map(str, files)], check=True)
        return
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as package:
        for path in files:
            package.write(path, f"archive/{path.name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="0.01,0.1,1", help="fractions of the articles")
    parser.add_argument("--workdir", type=Path, help="crawl here (reused when already crawled)")
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, seed=args.seed)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if crawled(work) == args.articles:
            print(f"reusing the crawl of {args.articles} articles in {work}")
        else:
            crawl = run_measured(crawl_cmd(server.base_url, work, "--mode", "full"))
            if crawl.returncode != 0:
                print(crawl.output[-3000:])
                return 2
            print(f"crawl of {args.articles} articles: {crawl.seconds:.0f} s")
        wacz, plain = work / "arsip.wacz", work / "plain.zip"
        export = [sys.executable, "-m", "humas_crawler", "export", "--format", "wacz",
                  "--db", str(work / "humas.sqlite"), "-o", str(wacz)]  # fmt: skip
        wacz_s, zip_s, rss = [], [], []
        for _ in range(args.rounds):
            made = run_measured(export)
            if made.returncode != 0:
                print(made.output[-3000:])
                return 2
            wacz_s.append(made.seconds)
            rss.append(made.peak_rss_mb)
            started = time.perf_counter()
            zip_stored(work / "warc", plain)
            zip_s.append(time.perf_counter() - started)
        validate = subprocess.run(
            [str(Path(sys.executable).parent / "wacz"), "validate", "-f", str(wacz)],
            capture_output=True,
            text=True,
        )
        a, b = statistics.median(wacz_s), statistics.median(zip_s)
        print(f"export --format wacz: median {a:.2f} s ({', '.join(f'{s:.2f}' for s in wacz_s)})"
              f", {wacz.stat().st_size / 1e6:.1f} MB, peak RSS {max(rss):.0f} MB")  # fmt: skip
        runs = ", ".join(f"{s:.2f}" for s in zip_s)
        size = plain.stat().st_size / 1e6
        print(f"zip -0 of the WARC directory: median {b:.2f} s ({runs}), {size:.1f} MB")
        print(f"ratio wacz / zip: {a / b:.1f}; wacz validate: exit {validate.returncode}")
        for fraction in (float(f) for f in args.sizes.split(",")):
            since = cutoff(work, fraction)
            made = run_measured([*export, "--since", since])
            if made.returncode != 0:
                print(made.output[-3000:])
                return 2
            said = made.output.strip().splitlines()[-1]
            print(f"{fraction:>5.0%} (--since {since}): {said.split(' to ')[0]},"
                  f" {made.seconds:.2f} s, peak RSS {made.peak_rss_mb:.0f} MB")  # fmt: skip
    return 0 if validate.returncode == 0 else 1


def crawled(work: Path) -> int:
    """How many articles the archive in `work` holds (0 when there is none)."""
    if not (work / "humas.sqlite").exists():
        return 0
    with sqlite3.connect(work / "humas.sqlite") as db:
        return db.execute("select count(*) from articles").fetchone()[0]


def cutoff(work: Path, fraction: float) -> str:
    """The publication date from which the newest `fraction` of the articles are."""
    with sqlite3.connect(work / "humas.sqlite") as db:
        total = db.execute("select count(*) from articles").fetchone()[0]
        keep = max(1, round(total * fraction))
        return db.execute(
            "select published_date from articles order by published_date desc limit 1 offset ?",
            [keep - 1],
        ).fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())

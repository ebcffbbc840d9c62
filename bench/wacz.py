"""WACZ export of 10,000 articles, against a plain `zip -0` of the same WARC files, same run.

    python bench/wacz.py [--articles 10000] [--seed 1] [--rounds 3]

A replica of --articles articles is crawled in full (subprocess, `--delay 0 --concurrency 8`);
then, --rounds times each, `export --format wacz` of every article (a new process) and a ZIP
of the WARC directory with `zip -0` (stored entries: the lower bound of any packaging, copying
the bytes; Python's zipfile where zip is missing). Printed: the medians, the
ratio, the sizes, the export's peak resident memory, and whether `wacz validate` accepts the
package.
"""

from __future__ import annotations

import argparse
import shutil
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
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, seed=args.seed)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
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
    return 0 if validate.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

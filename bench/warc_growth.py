"""WARC growth from a second full crawl of an unchanged site: with revisit records, and without.

    python bench/warc_growth.py [--articles 1000] [--seed 1] [--max-growth 0.15]

A replica of --articles articles is crawled in full twice into one archive, once with revisit
records (the default) and once with `-s HUMAS_WARC_REVISITS=False` (full responses every time),
each into its own archive. Printed: the WARC directory's size after each crawl and the growth the
second crawl caused. Exit status 0 when the growth with revisits is at most --max-growth.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import crawl_cmd, run_measured

from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer


def warc_bytes(work: Path) -> int:
    return sum(path.stat().st_size for path in (work / "warc").glob("*.warc.gz"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-growth", type=float, default=0.15)
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, seed=args.seed)
    growth = {}
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        for label, extra in (
            ("with revisits", ()),
            ("without", ("-s", "HUMAS_WARC_REVISITS=False")),
        ):
            work = Path(tmp) / label.replace(" ", "-")
            work.mkdir()
            sizes = []
            for _ in range(2):
                run = run_measured(crawl_cmd(server.base_url, work, "--mode", "full", *extra))
                if run.returncode != 0:
                    print(run.output[-3000:])
                    return 2
                sizes.append(warc_bytes(work))
            growth[label] = (sizes[1] - sizes[0]) / sizes[0]
            print(
                f"{label:14} after crawl 1: {sizes[0] / 1e6:7.2f} MB, after crawl 2: "
                f"{sizes[1] / 1e6:7.2f} MB, growth {growth[label]:6.1%}"
            )
    print(f"target: growth with revisits <= {args.max_growth:.0%}")
    return 0 if growth["with revisits"] <= args.max_growth else 1


if __name__ == "__main__":
    sys.exit(main())

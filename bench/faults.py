"""Two crawl runs under every fault kind at once: nothing lost, nothing duplicated, nothing garbled.

    python bench/faults.py [--articles 300] [--seed 7] [--keep DIR]

A replica serves transient faults at rates per request (500s, resets, truncated bodies, stalls
longer than the download timeout, 429s and 503s with Retry-After), pages that fail more often
than the crawler retries (`persistent`: recoverable only by the next run), and pages with
permanent faults (garbled HTML, lying charsets, a body above DOWNLOAD_MAXSIZE, a redirect loop,
a redirect to another host). Two incremental crawls run one after the other. Then, per fault kind:
what was injected in each run and what became of the pages; and the three figures that must be
0: articles lost, duplicate rows, archived articles whose fields differ from the replica's truth.
Pages refused for good (oversize, loop, off-site) are not lost when they sit in `quarantine`
with their reason. Exit status 1 when a figure is not 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from humas_crawler.replica.faults import FaultPlan
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.trials import SLOW_SECONDS, fault_trial

RATES = {"500": 0.08, "reset": 0.03, "truncate": 0.03, "slow": 0.01, "429": 0.01, "503": 0.01}
PAGES = {
    "429": 3,
    "503": 2,
    "persistent": 4,
    "garbled": 3,
    "charset": 3,
    "oversize": 1,
    "redirect-loop": 2,
    "offsite": 2,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="Keep the archive in this directory.")
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, seed=1)
    plan = FaultPlan(
        seed=args.seed,
        rates=RATES,
        paths=PAGES,
        retry_after=1,
        slow_seconds=SLOW_SECONDS,
        oversize_bytes=21 * 1024 * 1024,
    )
    with tempfile.TemporaryDirectory() as tmp:
        report = fault_trial(site, plan, args.keep or Path(tmp))
    print(report.text)
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())

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
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import crawl_cmd, run_measured

from humas_crawler.replica.faults import FaultInjector, FaultPlan
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer

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
# Pages that can never be archived, and the quarantine reason the crawler must give them.
REFUSED = {"oversize": "too-large", "redirect-loop": "redirect-loop", "offsite": "redirect-offsite"}
DOWNLOAD_TIMEOUT = 2.0  # the stalls last longer
SLOW_SECONDS = 3.0


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
        report = two_runs(site, plan, args.keep or Path(tmp))
    print(report.text)
    return 0 if report.clean else 1


def two_runs(site: ReplicaSite, plan: FaultPlan, work: Path, say=print) -> Report:
    """Crawl `site` served under `plan` twice into `work`; the report of what came of it."""
    work.mkdir(parents=True, exist_ok=True)
    injector = FaultInjector(plan, site)
    with ReplicaServer(site, faults=injector) as server:
        say(f"{len(site)} articles; faults: {plan.describe()}")
        injected: list[Counter[str]] = []
        for run in (1, 2):
            before = Counter(injector.counts())
            started = time.perf_counter()
            settings = [f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT}", "HUMAS_RETRY_BACKOFF=0.2"]
            overrides = [arg for setting in settings for arg in ("--set", setting)]
            result = run_measured(crawl_cmd(server.base_url, work, *overrides))
            injected.append(Counter(injector.counts()) - before)
            summary = [line for line in result.output.splitlines() if line.startswith("run ")]
            say(
                f"run {run}: exit {result.returncode} in {time.perf_counter() - started:.1f} s; "
                + " | ".join(summary[-1:])
            )
        return judge(work / "humas.sqlite", site, server.base_url, injector, injected)


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.clean = True
        self.injected: dict[str, tuple[int, int]] = {}  # kind -> (run 1, run 2)

    def add(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def judge(
    db: Path,
    site: ReplicaSite,
    base_url: str,
    injector: FaultInjector,
    injected: list[Counter[str]],
) -> Report:
    truth = site.truth(base_url)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("select * from articles")]
    quarantined = {
        (r["url"], r["reason"]) for r in conn.execute("select url, reason from quarantine")
    }
    failures = [r["url"] for r in conn.execute("select url from fetch_failures")]
    conn.close()
    archived = {r["url"]: r for r in rows}
    # Articles by slug: a page may be asked for under its old /berita/ form and redirected.
    by_slug = {r["slug"]: url for url, r in truth.items()}

    def slug_of(url: str) -> str:
        return url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]

    refused: dict[str, str] = {}
    for kind, reason in REFUSED.items():
        for path in injector.paths.get(kind, ()):
            refused[by_slug[slug_of(path)]] = reason
    held = {(slug_of(url), reason) for url, reason in quarantined}
    lost = [url for url in truth if url not in archived and url not in refused]
    refused_ok = [
        url
        for url, reason in refused.items()
        if url not in archived and (truth[url]["slug"], reason) in held
    ]
    refused_missing = [url for url in refused if url not in refused_ok and url not in archived]
    duplicates = len(rows) - len(set(archived)) + sum(1 for r in rows if r["duplicate_of"])
    extra = [url for url in archived if url not in truth]
    mismatched: Counter[str] = Counter()
    for url, expected in truth.items():
        got = archived.get(url)
        if got is None:
            continue
        for name, value in expected.items():
            if got[name] != value:
                mismatched[name] += 1
    mismatched_articles = sum(
        1
        for url, expected in truth.items()
        if url in archived and any(archived[url][n] != v for n, v in expected.items())
    )

    report = Report()
    report.add("")
    report.add("| fault kind | injected run 1 | injected run 2 | pages | what became of them |")
    report.add("|---|---|---|---|---|")
    for kind in injector.counts():
        report.injected[kind] = (injected[0][kind], injected[1][kind])
        pages = injector.paths.get(kind, ())
        fate = ""
        if kind in REFUSED:
            urls = [by_slug[slug_of(p)] for p in pages]
            fate = f"{sum(u in refused_ok for u in urls)} of {len(urls)} quarantined"
            fate += f" `{REFUSED[kind]}`"
        elif pages:
            urls = [by_slug[slug_of(p)] for p in pages]
            kept = sum(
                1
                for u in urls
                if u in archived and all(archived[u][n] == v for n, v in truth[u].items())
            )
            fate = f"{kept} of {len(urls)} archived, equal to the truth"
        else:
            fate = "retried"
        report.add(
            f"| {kind} | {injected[0][kind]} | {injected[1][kind]} | {len(pages) or '-'} | {fate} |"
        )
    report.add("")
    report.add(
        f"articles in the replica: {len(truth)}; archived: {len(archived)}; "
        f"refused for good and quarantined with their reason: {len(refused_ok)}"
    )
    report.add(f"fetch failures left for a third run: {len(failures)}")
    report.add(f"articles lost: {len(lost)}")
    report.add(f"duplicate rows: {duplicates}")
    report.add(f"rows that are not replica articles: {len(extra)}")
    report.add(f"refused pages missing from quarantine: {len(refused_missing)}")
    report.add(
        f"articles whose fields differ from the truth: {mismatched_articles}"
        + (f" ({', '.join(f'{k} {v}' for k, v in mismatched.items())})" if mismatched else "")
    )
    for url in lost[:10]:
        report.add(f"  lost: {url}")
    report.clean = not (lost or duplicates or extra or refused_missing or mismatched_articles)
    return report


if __name__ == "__main__":
    sys.exit(main())

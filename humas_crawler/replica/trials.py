"""Trials that put the crawler through the worst and check that nothing is lost: SIGKILLs at
chosen moments (`crawl_trial`, `reparse_trial`) and two crawls under every fault kind at once
(`fault_trial`). Used by the benchmarks (many seeded trials) and the tests (a few, asserted)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from humas_crawler.replica.checks import (
    ArchiveCheck,
    TruthCheck,
    age_articles,
    check_archive,
    compare_with_truth,
    run_status,
    wrong_revisions,
)
from humas_crawler.replica.faults import FaultInjector, FaultPlan
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.runs import (
    DB,
    WARC,
    Kill,
    crawl_command,
    reparse_command,
    run,
    run_and_kill,
    run_output,
)
from humas_crawler.replica.server import ReplicaServer

# The crawl's summary line (`humas-crawler crawl`): dated when stdout is not a terminal.
_SUMMARY = re.compile(r"^(?:\S+ )?run \d+ ")

# --- kill trials ------------------------------------------------------------------------------


@dataclass
class Trial:
    kind: str  # "crawl", "crawl --jobdir" or "reparse"
    kill: Kill
    at_kill: ArchiveCheck
    rerun_exit: int
    after: ArchiveCheck
    truth: TruthCheck
    run_at_kill: str | None = None  # crawl: the killed run's status left at the kill
    killed_run: str | None = None  # crawl: the killed run's status after the rerun
    revisions: list[str] = field(default_factory=list)  # reparse: wrong revision numbers

    def problems(self) -> list[str]:
        found = [f"at the kill: {p}" for p in self.at_kill.problems()]
        found += [f"after the rerun: {p}" for p in self.after.problems()]
        if self.kill.survivors:
            found.append(f"processes alive after the kill: {self.kill.survivors}")
        if self.rerun_exit != 0:
            found.append(f"the rerun exited {self.rerun_exit}")
        found += [f"lost {url}" for url in self.truth.lost]
        found += [f"duplicated {url}" for url in self.truth.duplicated]
        found += [f"mismatched {url}" for url in self.truth.mismatched]
        if self.kill.killed and self.killed_run != self.expected_run_status:
            found.append(f"the killed run is {self.killed_run!r}, not {self.expected_run_status!r}")
        return found + self.revisions

    @property
    def expected_run_status(self) -> str | None:
        """`interrupted` for a run killed while `running`; a run killed after it recorded its end
        (while its process was exiting) keeps that status; no row stays no row."""
        return "interrupted" if self.run_at_kill == "running" else self.run_at_kill


def crawl_trial(
    site: ReplicaSite,
    base_url: str,
    work: Path,
    *,
    at: float,
    when: Callable[[], bool] | None = None,
    jobdir: bool = False,
) -> Trial:
    """Kill a crawl into the fresh archive `work`, check it, rerun the crawl, check again."""
    work.mkdir(parents=True, exist_ok=True)
    extra = ("--jobdir", str(work / "job")) if jobdir else ()
    cmd = crawl_command(base_url, work, *extra)
    kill = run_and_kill(cmd, work / "killed.log", at=at, when=when)
    at_kill = check_archive(work)
    run_at_kill = run_status(work, kill.pid) if (work / DB).exists() else None
    rerun_exit = run(cmd, work / "rerun.log")
    return Trial(
        "crawl --jobdir" if jobdir else "crawl",
        kill,
        at_kill,
        rerun_exit,
        check_archive(work),
        compare_with_truth(work, site, base_url),
        run_at_kill=run_at_kill,
        killed_run=run_status(work, kill.pid),
    )


def reparse_trial(
    site: ReplicaSite,
    base_url: str,
    complete: Path,
    work: Path,
    *,
    at: float,
    when: Callable[[], bool] | None = None,
) -> Trial:
    """Copy the complete archive `complete` to `work`, age it, kill a reparse of it, check it,
    rerun reparse, check again."""
    copy_archive(complete, work)
    expected = age_articles(work)
    cmd = reparse_command(work)
    kill = run_and_kill(cmd, work / "killed.log", at=at, when=when)
    at_kill = check_archive(work)
    rerun_exit = run(cmd, work / "rerun.log")
    return Trial(
        "reparse",
        kill,
        at_kill,
        rerun_exit,
        check_archive(work),
        compare_with_truth(work, site, base_url),
        revisions=wrong_revisions(work, expected),
    )


def copy_archive(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):  # no -wal once the last writer closed cleanly
        if (source / f"{DB}{suffix}").exists():
            shutil.copy2(source / f"{DB}{suffix}", target / f"{DB}{suffix}")
    shutil.copytree(source / WARC, target / WARC)


# --- two crawls under every fault kind ---------------------------------------------------

# Pages that can never be archived, and the quarantine reason the crawler must give them.
REFUSED = {"oversize": "too-large", "redirect-loop": "redirect-loop", "offsite": "redirect-offsite"}
DOWNLOAD_TIMEOUT = 2.0  # the stalls last longer
SLOW_SECONDS = 3.0


def fault_trial(
    site: ReplicaSite, plan: FaultPlan, work: Path, say: Callable[[str], None] = print
) -> Report:
    """Crawl `site` served under `plan` twice into `work`; the report of what came of it."""
    work.mkdir(parents=True, exist_ok=True)
    injector = FaultInjector(plan, site)
    with ReplicaServer(site, faults=injector) as server:
        say(f"{len(site)} articles; faults: {plan.describe()}")
        injected: list[Counter[str]] = []
        for number in (1, 2):
            before = Counter(injector.counts())
            started = time.perf_counter()
            settings = [f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT}", "HUMAS_RETRY_BACKOFF=0.2"]
            overrides = [arg for setting in settings for arg in ("--set", setting)]
            code, output = run_output(crawl_command(server.base_url, work, *overrides))
            injected.append(Counter(injector.counts()) - before)
            summary = [line for line in output.splitlines() if _SUMMARY.match(line)]
            say(
                f"run {number}: exit {code} in {time.perf_counter() - started:.1f} s; "
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

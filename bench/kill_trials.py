"""Kill trials: SIGKILL crawls and reparses at random moments; nothing may be lost or corrupt.

    python bench/kill_trials.py [--trials 12] [--jobdir-trials 3] [--reparse-trials 10]
                                [--articles 300] [--seed 1]

A replica of --articles articles (seed --seed) is served. One uninterrupted crawl (`--delay 0
--concurrency 8`) makes the complete archive the reparse trials start from (and warms the
replica's page cache); a second one, into a scratch archive, is timed (its first and last
capture rows, its exit). Kill moments (seeded by --seed): a sixth of
the trials before the first write (interpreter start-up, opening the archive, robots.txt), the
rest stratified from the first write to 92% of the exit time (one in each equal slice: fetching,
storing, the end of the run). Then:

- crawl trials: a crawl into a fresh archive, its process group (the crawl, its spawned extraction
  worker, multiprocessing's resource tracker) SIGKILLed at once, the archive checked, a plain
  rerun to the end, checked again;
- --jobdir trials: the same with `--jobdir` for the killed crawl and its rerun (moments after
  the first write only);
- reparse trials: the complete archive copied and aged so that reparse must rewrite every article
  (`humas_crawler.replica.checks.age_articles`: reparse has no --force), one uninterrupted
  reparse of such a copy timed the same way, then per trial a fresh aged copy, `reparse` (and its
  forked workers) SIGKILLed, checked, a rerun of reparse to the end, checked again.

The checks (humas_crawler/replica/checks.py, shared with tests/test_kill_trials.py): at the kill,
integrity (`pragma integrity_check`, foreign keys, the FTS index), no half-written article, WARC
files read back to their last complete record (warcio and humas_crawler.archive.warc), every capture
row on a complete record; after the rerun the same, plus every replica article archived once with
every field right (0 lost, 0 duplicated, 0 mismatched), the killed run `interrupted` (crawl) or
every article at the revision one complete reparse gives (reparse).

One line per trial, a summary line; exit status 0 when every trial is clean, 1 otherwise, 2 when
the uninterrupted crawl or reparse failed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from humas_crawler.replica.checks import age_articles, compare_with_truth, count
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.runs import crawl_command, reparse_command, run
from humas_crawler.replica.server import ReplicaServer
from humas_crawler.replica.trials import Trial, copy_archive, crawl_trial, reparse_trial


@dataclass
class Timeline:
    """When an uninterrupted run first wrote, last wrote and exited (seconds from its start)."""

    first: float
    last: float
    end: float
    code: int

    def moments(self, rng: random.Random, n: int, *, early: bool = True) -> list[float]:
        """n kill moments: with `early`, a sixth (at least one) before the first write
        (interpreter start-up, opening the archive, robots.txt); the rest stratified (one in each
        equal slice) from the first write to 92% of the exit time, so the shutdown's own writes
        get their share while few runs end before their kill on a noisy machine."""
        before = min(n, max(1, n // 6)) if early else 0
        after = n - before
        start, span = self.first, 0.92 * self.end - self.first
        return [0.05 + (start - 0.05) * (i + rng.random()) / before for i in range(before)] + [
            start + span * (i + rng.random()) / after for i in range(after)
        ]


def timeline(cmd: list[str], log: Path, progress: Callable[[], int]) -> Timeline:
    """Run `cmd` to the end, polling `progress()` (rows written so far) every 10 ms."""
    seen = progress()  # rows already there (a reparse starts from a full archive)
    started = time.monotonic()
    first = last = None
    with log.open("a") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            now = progress()
            if now > seen:
                seen = now
                last = time.monotonic() - started
                first = first if first is not None else last
            time.sleep(0.01)
    end = time.monotonic() - started
    return Timeline(first or end, last or end, end, proc.returncode)


def line(number: int, trial: Trial, rewritten: int | None = None) -> str:
    kill, at = trial.kill, trial.at_kill
    if kill.killed:
        when = f"killed at {kill.moment:5.2f} s"
    else:
        when = f"ended at {kill.moment:5.2f} s (exit {kill.exit_code}) before its kill"
    if rewritten is None:
        held = f"{at.articles:3d} articles / {at.captures:3d} captures"
    else:
        held = f"{rewritten:3d} of the new revisions written"
    warc = "WARC ok" if not at.warc_problems else f"WARC {len(at.warc_problems)} problems"
    extras = []
    if at.cut_tails:
        extras.append(f"{at.cut_tails} cut record")
    if at.unreferenced:
        extras.append(f"{at.unreferenced} unindexed")
    if extras:
        warc += f" ({', '.join(extras)})"
    truth = trial.truth
    after = (
        f"rerun exit {trial.rerun_exit}: lost {len(truth.lost)}, duplicated "
        f"{len(truth.duplicated)}, mismatched {len(truth.mismatched)}, integrity "
        f"{trial.after.integrity if trial.after.integrity == 'ok' else 'FAILED'}"
    )
    if trial.kind.startswith("crawl"):
        after += f", killed run {trial.killed_run or '(none yet)'}"
        if trial.run_at_kill not in (None, "running"):
            after += " (killed after it recorded its end)"
    else:
        after += f", wrong revisions {len(trial.revisions)}"
    verdict = "ok" if not trial.problems() else "PROBLEM"
    return (
        f"{trial.kind:<14} {number:2d}  {when}  at kill: {held}, integrity "
        f"{at.integrity if at.integrity == 'ok' else 'FAILED'}, "
        f"{len(at.half_written)} half-written, {warc}  |  {after}  [{verdict}]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=12, help="crawl kills (default 12)")
    parser.add_argument("--jobdir-trials", type=int, default=3, help="crawl kills with --jobdir")
    parser.add_argument("--reparse-trials", type=int, default=10, help="reparse kills")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1, help="replica and kill moments")
    parser.add_argument("--keep", action="store_true", help="keep every trial's directory")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    site = ReplicaSite(articles=args.articles, seed=args.seed)
    trials: list[Trial] = []
    failed_dirs: list[Path] = []
    tmp = Path(tempfile.mkdtemp(prefix="humas-kill-trials-"))
    with ReplicaServer(site) as server:
        base_url = server.base_url
        complete = tmp / "complete"
        # The replica renders each page once and then serves it from memory: the first crawl
        # (the complete archive) warms it, the second, into a scratch archive, is timed.
        code = run(crawl_command(base_url, complete), tmp / "complete.log")
        if code != 0 or not compare_with_truth(complete, site, base_url).ok:
            print(f"the uninterrupted crawl failed (exit {code}): see {tmp / 'complete.log'}")
            return 2
        timed = tmp / "crawl-timing"
        timed.mkdir()
        crawl = timeline(
            crawl_command(base_url, timed),
            tmp / "crawl-timing.log",
            lambda: count(timed, "select count(*) from captures"),
        )
        if crawl.code != 0:
            print(f"the timed crawl failed (exit {crawl.code}): see {tmp / 'crawl-timing.log'}")
            return 2
        shutil.rmtree(timed)
        print(
            f"replica: {args.articles} articles, seed {args.seed}; uninterrupted crawl: first "
            f"capture row at {crawl.first:.2f} s, last at {crawl.last:.2f} s, exit at "
            f"{crawl.end:.2f} s"
        )
        plan = [("crawl", at) for at in crawl.moments(rng, args.trials)]
        # A JOBDIR only matters once requests have been scheduled: kill those after the first write.
        plan += [("jobdir", at) for at in crawl.moments(rng, args.jobdir_trials, early=False)]
        for number, (kind, at) in enumerate(plan, start=1):
            work = tmp / f"crawl-{number:02d}"
            trial = crawl_trial(site, base_url, work, at=at, jobdir=kind == "jobdir")
            trials.append(trial)
            print(line(number, trial), flush=True)
            _keep_or_drop(work, trial, args.keep, failed_dirs)

        aged = tmp / "reparse-timing"
        copy_archive(complete, aged)
        age_articles(aged)
        reparse = timeline(
            reparse_command(aged),
            tmp / "reparse-timing.log",
            lambda: count(aged, "select count(*) from article_revisions"),
        )
        if reparse.code != 0 or not compare_with_truth(aged, site, base_url).ok:
            log = tmp / "reparse-timing.log"
            print(f"the uninterrupted reparse failed (exit {reparse.code}): see {log}")
            return 2
        shutil.rmtree(aged)
        print(
            f"uninterrupted reparse of an aged copy: first new revision at {reparse.first:.2f} s, "
            f"last at {reparse.last:.2f} s, exit at {reparse.end:.2f} s"
        )
        for number, at in enumerate(reparse.moments(rng, args.reparse_trials), start=1):
            work = tmp / f"reparse-{number:02d}"
            trial = reparse_trial(site, base_url, complete, work, at=at)
            trials.append(trial)
            rewritten = trial.at_kill.revisions - trial.at_kill.articles
            print(line(number, trial, rewritten), flush=True)
            _keep_or_drop(work, trial, args.keep, failed_dirs)

    for trial in trials:
        for problem in trial.problems()[:10]:
            print(f"  {trial.kind}: {problem}")
    print(summary(trials))
    if failed_dirs or args.keep:
        print(f"trial directories kept under {tmp}")
    else:
        shutil.rmtree(tmp)
    return 1 if any(trial.problems() for trial in trials) else 0


def _keep_or_drop(work: Path, trial: Trial, keep: bool, failed: list[Path]) -> None:
    if trial.problems():
        failed.append(work)
    elif not keep:
        shutil.rmtree(work)


def summary(trials: list[Trial]) -> str:
    lost = sum(len(t.truth.lost) for t in trials)
    duplicated = sum(len(t.truth.duplicated) for t in trials)
    mismatched = sum(len(t.truth.mismatched) for t in trials)
    checks = [t.at_kill for t in trials] + [t.after for t in trials]
    bad_integrity = sum(1 for c in checks if c.integrity != "ok")
    half = sum(len(c.half_written) for c in checks)
    warc = sum(len(c.warc_problems) for c in checks)
    killed = sum(1 for t in trials if t.kill.killed)
    kinds = {
        kind: sum(1 for t in trials if t.kind == kind)
        for kind in dict.fromkeys(t.kind for t in trials)
    }
    failing = sum(1 for t in trials if t.problems())
    integrity = "integrity ok" if not bad_integrity else f"integrity FAILED in {bad_integrity}"
    return (
        f"{len(trials)} trials ({', '.join(f'{n} {kind}' for kind, n in kinds.items())}; "
        f"{killed} killed mid-run): {lost} lost, {duplicated} duplicated, {integrity} "
        f"({len(checks)} checks), {mismatched} mismatched, {half} half-written, "
        f"{warc} WARC problems; {failing} trials with any problem"
    )


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of full crawls of 1,000 and 10,000 articles: it must not grow in proportion.

    python bench/memory.py [--articles 1000 10000] [--seed 1] [--max-ratio 3]

For each size: a fresh replica of that many articles, a full crawl (`--mode full`, subprocess,
--delay 0 --concurrency 8) into an empty archive, then:

- peak RSS of the crawl process (VmHWM from /proc, and ru_maxrss of os.wait4);
- peak RSS of its largest child (the crawl spawns one extraction worker by default; a spawned
  pool also starts multiprocessing's resource tracker), from /proc/<pid>/status VmHWM, the
  process tree being polled every 0.1 s;
- peak of the sum of the current RSS of the whole tree (sampled);
- wall time and the articles archived (must equal the size).

Note: os.wait4's ru_maxrss is printed for comparison only: it is the maximum of the process and
of its waited-for descendants, and Linux counts in it the memory a child shared with this
process before exec (this process holds the replica). bench/_replica.run_measured polls VmHWM
instead, as here.

Exit status: 0 when every crawl archived all its articles and peak(largest) / peak(smallest) of
the crawl process and of the whole tree are below --max-ratio; 1 otherwise; 2 when a crawl failed.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import ROOT, crawl_cmd, descendants, start, status_kb

from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer

POLL_SECONDS = 0.1


@dataclass
class TreeRun:
    seconds: float
    returncode: int
    output: str
    wait4_maxrss_mb: float  # max over the process and its waited-for descendants
    main_hwm_mb: float  # VmHWM of the crawl process itself
    children_hwm_mb: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (name, MB)
    tree_rss_peak_mb: float = 0.0  # peak of the summed VmRSS of the tree, sampled

    @property
    def largest_child(self) -> tuple[str, float]:
        return max(self.children_hwm_mb.values(), key=lambda c: c[1], default=("-", 0.0))


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().decode(errors="replace").split("\0")
    except OSError:
        return "?"
    text = " ".join(a for a in args if a)
    if "resource_tracker" in text:
        return "resource tracker"
    if "spawn_main" in text or "multiprocessing" in text:
        return "extraction worker"
    return text[:60]


def run_tree_measured(cmd: list[str], cwd: Path = ROOT) -> TreeRun:
    """Run `cmd`, polling its process tree for peak memory; reaped with os.wait4."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = start(cmd, cwd, out)
        main_hwm = 0
        children: dict[int, tuple[str, int]] = {}
        tree_peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            main = status_kb(proc.pid)
            main_hwm = max(main_hwm, main.get("VmHWM", 0))
            total = main.get("VmRSS", 0)
            for child in descendants(proc.pid):
                values = status_kb(child)
                if not values:
                    continue
                name, hwm = children.get(child, (_cmdline(child), 0))
                children[child] = (name, max(hwm, values.get("VmHWM", 0)))
                total += values.get("VmRSS", 0)
            tree_peak = max(tree_peak, total)
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    return TreeRun(
        seconds=seconds,
        returncode=proc.returncode,
        output=output,
        wait4_maxrss_mb=usage.ru_maxrss / 1024,
        main_hwm_mb=main_hwm / 1024,
        children_hwm_mb={pid: (name, kb / 1024) for pid, (name, kb) in children.items()},
        tree_rss_peak_mb=tree_peak / 1024,
    )


def archived(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-ratio", type=float, default=3.0)
    args = parser.parse_args()
    sizes = sorted(args.articles)
    results: dict[int, TreeRun] = {}
    ok = True
    for size in sizes:
        site = ReplicaSite(articles=size, seed=args.seed)
        with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            run = run_tree_measured(crawl_cmd(server.base_url, work, "--mode", "full"))
            if run.returncode != 0:
                print(run.output[-3000:])
                return 2
            count = archived(work / "humas.sqlite")
            requests = server.count()
        results[size] = run
        child_name, child_mb = run.largest_child
        others = ", ".join(
            f"{name} {mb:.0f} MB" for name, mb in sorted(run.children_hwm_mb.values())
        )
        print(
            f"{size:>6} articles: {run.seconds:6.1f} s, {requests} requests, "
            f"{count} archived{'' if count == size else ' (EXPECTED ' + str(size) + ')'}\n"
            f"        crawl process peak RSS {run.main_hwm_mb:6.1f} MB "
            f"(os.wait4 ru_maxrss {run.wait4_maxrss_mb:.1f} MB)\n"
            f"        largest child {child_mb:6.1f} MB ({child_name}); children: {others or '-'}\n"
            f"        whole tree, peak of summed RSS {run.tree_rss_peak_mb:6.1f} MB",
            flush=True,
        )
        ok &= count == size
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        scale = sizes[-1] / sizes[0]
        main_ratio = large.main_hwm_mb / small.main_hwm_mb
        child_ratio = large.largest_child[1] / max(small.largest_child[1], 1e-9)
        tree_ratio = large.tree_rss_peak_mb / small.tree_rss_peak_mb
        print(
            f"{scale:.0f}x the articles: crawl process peak x{main_ratio:.2f} "
            f"({small.main_hwm_mb:.1f} -> {large.main_hwm_mb:.1f} MB), "
            f"largest child x{child_ratio:.2f}, whole tree x{tree_ratio:.2f} "
            f"(must stay below x{args.max_ratio})"
        )
        ok &= main_ratio < args.max_ratio and tree_ratio < args.max_ratio
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

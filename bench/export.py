"""Benchmark `humas-crawler export --format csv` against `sqlite-utils rows DB articles --csv`."""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _replica import status_kb
from _synthetic import build_archive, cached_archive_path

from humas_crawler.cli import csvsafe

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Timing:
    seconds: float
    peak_rss_mb: float


def export_command() -> list[str]:
    """`humas-crawler export`, run as a module of this Python."""
    return [sys.executable, "-m", "humas_crawler", "export"]


def timed(cmd: list[str], stdout_path: Path | None = None) -> Timing:
    """Wall time and peak RSS of one subprocess, stdout to a file when given.

    Peak RSS is the child's VmHWM polled from /proc (wait4's ru_maxrss would include this
    process's memory, which the child inherits through fork and keeps across exec).
    """
    peak_kb = 0
    with open(stdout_path or os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=sink, stderr=errors)
        while proc.poll() is None:
            peak_kb = max(peak_kb, status_kb(proc.pid).get("VmHWM", 0))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{message}")
    return Timing(seconds, peak_kb / 1024)


def row_digests(path: Path, *, neutralize: bool = False) -> dict[str, int]:
    """id (first column) -> hash of the row, as a spreadsheet-safe export would write it."""
    digests = {}
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream)
        next(rows)
        for row in rows:
            cells = [csvsafe.neutralize(cell) for cell in row] if neutralize else row
            digests[row[0]] = hash(tuple(cells))
    return digests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=1.2)
    parser.add_argument("--db", type=Path, help="archive to use (default: a cached one in /tmp)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/humas-bench-export"))
    args = parser.parse_args()

    db = args.db or cached_archive_path(args.articles, args.seed)
    built = build_archive(db, args.articles, args.seed)
    print(f"archive {db}: {args.articles:,} articles, {db.stat().st_size / 1e6:.0f} MB", end="")
    print(f" (built in {built:.1f} s)" if built else " (reused)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    ours_all = args.workdir / "export-all.csv"
    ours_default = args.workdir / "export-default.csv"
    theirs = args.workdir / "sqlite-utils.csv"

    export = export_command()
    commands = {
        "export --columns all": (
            [*export, "--db", str(db), "--format", "csv", "--columns", "all", "-o", str(ours_all)],
            None,
        ),
        "sqlite-utils rows --csv": (
            [sys.executable, "-m", "sqlite_utils", "rows", str(db), "articles", "--csv"],
            theirs,
        ),
        "export (default columns)": (
            [*export, "--db", str(db), "--format", "csv", "-o", str(ours_default)],
            None,
        ),
    }
    print(f"export runs as: {' '.join(export[:3])}{' ...' if len(export) > 3 else ''}")
    for cmd, stdout in commands.values():  # warm-up: OS page cache, .pyc files
        timed(cmd, stdout)
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    peak_rss: dict[str, float] = dict.fromkeys(commands, 0.0)
    for round_number in range(1, args.rounds + 1):
        for name, (cmd, stdout) in commands.items():  # interleaved: same conditions for each
            timing = timed(cmd, stdout)
            seconds[name].append(timing.seconds)
            peak_rss[name] = max(peak_rss[name], timing.peak_rss_mb)
        print(
            f"round {round_number}: "
            + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in seconds.items())
        )

    medians = {name: statistics.median(values) for name, values in seconds.items()}
    ours_digests = row_digests(ours_all)
    same_content = ours_digests == row_digests(theirs, neutralize=True)
    rows = {
        ours_all.name: len(ours_digests),
        theirs.name: len(row_digests(theirs)),
        ours_default.name: len(row_digests(ours_default)),
    }
    sizes = {path.name: path.stat().st_size / 1e6 for path in (ours_all, theirs, ours_default)}
    ratio = medians["export --columns all"] / medians["sqlite-utils rows --csv"]
    ratio_default = medians["export (default columns)"] / medians["sqlite-utils rows --csv"]
    print()
    print(f"median of {args.rounds} rounds, wall time, both writing to files:")
    for name, path in zip(commands, (ours_all, theirs, ours_default), strict=True):
        print(
            f"  {name:<26} {medians[name]:6.2f} s  {rows[path.name]:>8,} rows"
            f"  {sizes[path.name]:6.0f} MB written  peak RSS {peak_rss[name]:5.1f} MB"
        )
    print(f"ratio export --columns all / sqlite-utils: {ratio:.2f} (target: <= {args.max_ratio})")
    print(f"ratio default columns / sqlite-utils:      {ratio_default:.2f}")
    # Flat memory: the same export from an archive a tenth the size.
    small_db = cached_archive_path(args.articles // 10, args.seed)
    build_archive(small_db, args.articles // 10, args.seed)
    small = timed([*export, "--db", str(small_db), "--format", "csv", "--columns", "all", "-o",
                   str(args.workdir / "export-small.csv")])  # fmt: skip
    print(
        f"peak RSS of export --columns all: {small.peak_rss_mb:.1f} MB at"
        f" {args.articles // 10:,} articles, {peak_rss['export --columns all']:.1f} MB at"
        f" {args.articles:,}"
    )
    print(
        "export --columns all holds the same rows as sqlite-utils' (apostrophes aside):"
        f" {'yes' if same_content else 'NO'}"
    )
    ok = ratio <= args.max_ratio and same_content and rows[theirs.name] == args.articles
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Parquet export of 100,000 articles: time and peak memory, against CSV export in the same run.

    python bench/export_parquet.py [--articles 100000] [--rounds 3]

Both export every column (`--columns all`) of the cached synthetic archive (bench/_synthetic.py)
to a file, each as its own process; the median wall time and the peak RSS (VmHWM) of each are
printed, with the Parquet file's size against the CSV's and a check that DuckDB counts every row.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synthetic import build_archive, cached_archive_path
from export import export_command, timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    db = cached_archive_path(args.articles, args.seed)
    build_archive(db, args.articles, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for fmt in ("csv", "parquet"):
            out = Path(tmp) / f"berita.{fmt}"
            cmd = [*export_command(), "--db", str(db), "--format", fmt, "--columns", "all"]
            runs = [timed([*cmd, "-o", str(out)]) for _ in range(args.rounds)]
            results[fmt] = (runs, out.stat().st_size)
        import duckdb

        parquet = Path(tmp) / "berita.parquet"
        query = f"select count(*) from read_parquet('{parquet}')"
        counted = duckdb.connect().execute(query).fetchone()[0]
    for fmt, (runs, size) in results.items():
        seconds = statistics.median(r.seconds for r in runs)
        peak = max(r.peak_rss_mb for r in runs)
        print(
            f"{fmt:8} median {seconds:6.2f} s (runs: "
            + ", ".join(f"{r.seconds:.2f}" for r in runs)
            + f"), peak RSS {peak:5.1f} MB, file {size / 1e6:6.1f} MB"
        )
    csv_s = statistics.median(r.seconds for r in results["csv"][0])
    pq_s = statistics.median(r.seconds for r in results["parquet"][0])
    print(f"parquet / csv time: {pq_s / csv_s:.2f}; DuckDB counts {counted} rows")
    return 0 if counted == args.articles else 1


if __name__ == "__main__":
    sys.exit(main())

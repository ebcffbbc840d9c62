"""Benchmark normalize_timestamp's fast path against plain dateparser on the site's real strings."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dateparser

from humas_crawler.normalize import normalize_timestamp

REAL_TIMESTAMPS = Path(__file__).resolve().parent.parent / "tests" / "data" / "real_timestamps.txt"
MIN_SPEEDUP = 100
REPEATS = 5


def per_call_microseconds(
    function: Callable[[str], object], strings: list[str], loops: int
) -> float:
    """Median over REPEATS runs of the mean time of one call, in microseconds."""
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(loops):
            for raw in strings:
                function(raw)
        runs.append((time.perf_counter() - start) / (loops * len(strings)) * 1e6)
    return statistics.median(runs)


def parse_with_dateparser(raw: str) -> object:
    return dateparser.parse(raw, languages=["id"])


def main() -> int:
    strings = [line for line in REAL_TIMESTAMPS.read_text(encoding="utf-8").splitlines() if line]
    # Warm up both: dateparser loads its locale data on first use.
    for raw in strings:
        normalize_timestamp(raw)
        parse_with_dateparser(raw)

    disagreements = []
    for raw in strings:
        ours = normalize_timestamp(raw).date
        theirs = parse_with_dateparser(raw)
        theirs_date = theirs.date().isoformat() if theirs else None
        if ours != theirs_date:
            disagreements.append((raw, ours, theirs_date))

    fast = per_call_microseconds(normalize_timestamp, strings, loops=200)
    slow = per_call_microseconds(parse_with_dateparser, strings, loops=2)
    ratio = slow / fast
    print(f"{len(strings)} real timestamps, median of {REPEATS} runs")
    print(f"normalize_timestamp: {fast:10.2f} µs per call")
    print(f"dateparser.parse:    {slow:10.2f} µs per call")
    print(f"speed-up:            {ratio:10.0f}x (required: {MIN_SPEEDUP}x)")
    if disagreements:
        print(f"{len(disagreements)} strings where the dates disagree:")
        for raw, ours, theirs_date in disagreements:
            print(f"  {raw!r}: normalize_timestamp {ours}, dateparser {theirs_date}")
    else:
        print("dates agree on every string")
    return 0 if ratio >= MIN_SPEEDUP and not disagreements else 1


if __name__ == "__main__":
    sys.exit(main())

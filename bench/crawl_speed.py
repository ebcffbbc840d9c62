"""Full crawl of a replica: humas-crawler against a bare Scrapy spider on the same URLs, same run.

    python bench/crawl_speed.py [--articles 1000] [--rounds 3] [--max-ratio 1.6]
                                [--max-cpu 6.0]

Both run as subprocesses against one replica server at --delay 0 --concurrency 8. The bare
spider fetches exactly the URLs the project's crawl requested (taken from the server log), with
the same network settings, and throws the responses away. Rounds alternate; medians compared.

CPU: user + system seconds of each subprocess and the children it waited for (`os.wait4`): for
the crawl, the crawl process and its extraction worker; the replica server (a thread of this
process) is not counted. Reported per 1,000 articles, with its ratio to the bare spider's.

Exit status: 0 when the wall-time ratio is at most --max-ratio and the crawl's CPU per 1,000
articles at most --max-cpu; 1 otherwise; 2 when a crawl failed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import ROOT, crawl_cmd, run_measured

from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-ratio", type=float, default=1.6)
    parser.add_argument("--max-cpu", type=float, default=6.0)
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, seed=1)
    ours: list[float] = []
    bare: list[float] = []
    ours_cpu: list[float] = []
    bare_cpu: list[float] = []
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            work = Path(tmp) / f"round{round_}"
            work.mkdir()
            server.reset_log()
            run = run_measured(crawl_cmd(server.base_url, work))
            if run.returncode != 0:
                print(run.output[-3000:])
                return 2
            ours.append(run.seconds)
            ours_cpu.append(run.cpu)
            requested = [
                server.base_url + r.path for r in server.requests if r.path != "/robots.txt"
            ]
            urls = work / "urls.txt"
            urls.write_text("\n".join(requested), encoding="utf-8")
            server.reset_log()
            base = run_measured([sys.executable, str(ROOT / "bench" / "bare_spider.py"), str(urls)])
            if base.returncode != 0:
                print(base.output[-3000:])
                return 2
            bare.append(base.seconds)
            bare_cpu.append(base.cpu)
            print(
                f"round {round_ + 1}: humas-crawler {run.seconds:.2f} s ({run.cpu:.2f} CPU-s),"
                f" bare spider {base.seconds:.2f} s ({base.cpu:.2f} CPU-s)"
                f" ({len(requested)} URLs, {server.count()} requests by the bare spider)"
            )
    ratio = statistics.median(ours) / statistics.median(bare)
    per_1000 = 1000 / args.articles
    cpu = statistics.median(ours_cpu) * per_1000
    cpu_bare = statistics.median(bare_cpu) * per_1000
    print(
        f"{args.articles} articles: humas-crawler median {statistics.median(ours):.2f} s, "
        f"bare spider median {statistics.median(bare):.2f} s, ratio {ratio:.2f} "
        f"(target <= {args.max_ratio})"
    )
    print(
        f"CPU per 1,000 articles: humas-crawler {cpu:.2f} s, bare spider {cpu_bare:.2f} s,"
        f" ratio {cpu / cpu_bare:.2f} (target <= {args.max_cpu} s)"
    )
    return 0 if ratio <= args.max_ratio and cpu <= args.max_cpu else 1


if __name__ == "__main__":
    sys.exit(main())

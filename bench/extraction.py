"""Article extraction per page: humas-crawler against trafilatura, on the same replica pages.

    python bench/extraction.py [--pages 200] [--articles 1000] [--seed 1] [--rounds 5]
                               [--max-ms 1.5]

A replica site of --articles articles (seed --seed) renders --pages article pages spread evenly
over it (both templates: the old `/berita/` pages and the current `/detailberita/` ones), kept in
memory as the crawl receives them (decoded text). In one run, after a warm-up pass, each page is
extracted --rounds times by:

- `record`: the project's article record alone (what `reparse` and `inspect` need);
- `crawl`: the crawl worker's whole job on an article page (record, warnings and the links the
  page offers to discovery);
- `trafilatura`: `trafilatura.bare_extraction(html, url=url, with_metadata=True)`, the generic peer.

A page's time is its median over the rounds; the figure is the median (and p90) over pages.
Accuracy against the replica's truth: title (whitespace-normalized, exact) and publication date
(`YYYY-MM-DD`); for the project also the full timestamp (`published_at`).

Exit status: 0 when the median of `crawl` is at most --max-ms and the project's title and date
are right on every page; 1 otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import Any

from humas_crawler.extract.article import ArticlePage
from humas_crawler.extract.jobs import extract_article
from humas_crawler.normalize import Site
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer, Request


@dataclass(frozen=True)
class Page:
    url: str
    html: str
    title: str
    date: str
    published_at: str


def replica_pages(articles: int, pages: int, seed: int) -> tuple[str, list[Page]]:
    site = ReplicaSite(articles=articles, seed=seed)
    chosen = site.articles[:: max(1, len(site.articles) // pages)][:pages]
    with ReplicaServer(site) as server:
        base = server.base_url
        found = []
        for article in chosen:
            response = server.respond(Request("GET", article.path, Message()))
            found.append(
                Page(
                    url=base + article.path,
                    html=response.body.decode("utf-8"),
                    title=article.title,
                    date=article.published.date().isoformat(),
                    published_at=article.published.isoformat(),
                )
            )
    return base, found


def per_page_ms(function: Callable[[Page], Any], pages: list[Page], rounds: int) -> list[float]:
    """Each page's median time over `rounds` calls, in milliseconds."""
    for page in pages:  # warm-up: imports, regex compilation, caches of the first page kind
        function(page)
    times: list[list[float]] = [[] for _ in pages]
    for _ in range(rounds):
        for i, page in enumerate(pages):
            started = time.perf_counter()
            function(page)
            times[i].append((time.perf_counter() - started) * 1000)
    return [statistics.median(t) for t in times]


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-ms", type=float, default=1.5)
    args = parser.parse_args()
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2

    base, pages = replica_pages(args.articles, args.pages, args.seed)
    now = datetime.now().astimezone()
    now_iso = now.isoformat()
    site = Site.from_base_url(base)

    def record(page: Page) -> dict[str, Any]:
        return ArticlePage(page.url, page.html, site=site, now=now).to_item().to_dict()

    def crawl(page: Page) -> Any:
        return extract_article(page.url, page.html, base, now_iso)

    def peer(page: Page) -> Any:
        return trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)

    results = {}
    for name, function in (("record", record), ("crawl", crawl), ("trafilatura", peer)):
        results[name] = per_page_ms(function, pages, args.rounds)

    ours = [crawl(page).record for page in pages]
    theirs = [peer(page) for page in pages]
    ours_title = sum(_same(r.title, p.title) for r, p in zip(ours, pages, strict=True))
    ours_date = sum(r.published_date == p.date for r, p in zip(ours, pages, strict=True))
    ours_time = sum(r.published_at == p.published_at for r, p in zip(ours, pages, strict=True))
    their_title = sum(
        _same(getattr(d, "title", None), p.title) for d, p in zip(theirs, pages, strict=True)
    )
    their_date = sum(
        (getattr(d, "date", None) or "")[:10] == p.date for d, p in zip(theirs, pages, strict=True)
    )

    n = len(pages)
    print(f"{n} replica article pages ({args.articles}-article site, seed {args.seed}),"
          f" {args.rounds} rounds, per-page median")  # fmt: skip
    print(f"{'':14} {'median':>9} {'p90':>9} {'title':>9} {'date':>9} {'time':>9}")
    for name, title, date, stamp in (
        ("record", ours_title, ours_date, ours_time),
        ("crawl", ours_title, ours_date, ours_time),
        ("trafilatura", their_title, their_date, None),
    ):
        times = sorted(results[name])
        p90 = times[int(0.9 * (len(times) - 1))]
        shown = f"{stamp / n:9.0%}" if stamp is not None else f"{'-':>9}"
        print(
            f"{name:14} {statistics.median(times):7.2f}ms {p90:7.2f}ms"
            f" {title / n:9.0%} {date / n:9.0%} {shown}"
        )
    crawl_median = statistics.median(results["crawl"])
    ratio = statistics.median(results["trafilatura"]) / crawl_median
    print(f"trafilatura / crawl extraction: {ratio:.1f}x (target: crawl <= {args.max_ms} ms)")
    ok = crawl_median <= args.max_ms and ours_title == n and ours_date == n
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

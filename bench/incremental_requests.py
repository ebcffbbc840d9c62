"""Requests of an incremental run after 10 new articles, against a deltafetch-style baseline.

    python bench/incremental_requests.py [--articles 1000] [--new 10] [--seed 1] [--max-ratio 1.0]
        [--link-forms stable|shifting] [--category-sweep-days N]

A replica of --articles articles (fixed seed) is crawled in full (`--mode full`, subprocess);
then --new articles are added to the site, the server's request log is cleared and the default
crawl (incremental) runs against the same archive. Every request the server received during
that second run is classified: robots.txt, sitemap, main listing pages, category listing pages,
article pages (new, revisits of recent articles, redirect hops, other archived ones) and other.

The baseline is computed, not crawled: a deltafetch-style crawler (scrapy-deltafetch skips only
the article requests it has seen before) re-reads every page of the main listing to find what
is new, then fetches the new articles, plus robots.txt:

    baseline = 1 (robots.txt) + page_count() of the main listing + the new articles

Exit status: 0 when every new article is in the archive and the incremental run needed at most
--max-ratio times the baseline's requests; 1 otherwise; 2 when a crawl itself failed.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import crawl_cmd, run_measured

from humas_crawler.defaults import REPLICA_LINK_FORMS
from humas_crawler.replica.model import WITA, ReplicaSite
from humas_crawler.replica.server import ReplicaServer, RequestLog

REVISIT_DAYS = 7  # the crawl's default --revisit-days
GROUPS = (
    "robots.txt",
    "sitemap",
    "main listing pages",
    "category listing pages",
    "articles: new",
    "articles: revisits of recent articles",
    "articles: redirect hops",
    "articles: other (archived, not recent)",
    "other",
)


def classify(request: RequestLog, site: ReplicaSite, new_slugs: set[str], revisit_from: str) -> str:
    path = urlsplit(request.path).path.rstrip("/") or "/"
    if path == "/robots.txt":
        return "robots.txt"
    if "sitemap" in path:
        return "sitemap"
    if path == "/berita":
        return "main listing pages"
    if path.startswith("/kategori/"):
        return "category listing pages"
    head, _, slug = path.lstrip("/").partition("/")
    if head in ("berita", "detailberita") and slug and "/" not in slug:
        if 300 <= request.status < 400:
            return "articles: redirect hops"
        if slug in new_slugs:
            return "articles: new"
        article = site.by_slug(slug)
        if article is not None and article.published.date().isoformat() >= revisit_from:
            return "articles: revisits of recent articles"
        return "articles: other (archived, not recent)"
    return "other"


def archived_urls(db: Path, urls: list[str]) -> set[str]:
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" * len(urls))
        rows = conn.execute(f"SELECT url FROM articles WHERE url IN ({marks})", urls).fetchall()
    return {row[0] for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--new", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=1.0,
        help="fail when the incremental run needs more than this times the baseline's requests",
    )
    parser.add_argument(
        "--link-forms",
        choices=REPLICA_LINK_FORMS,
        default="stable",
        help="shifting: listings link some current articles in the old, redirecting form,"
        " changing as new articles push them down",
    )
    parser.add_argument(
        "--category-sweep-days",
        type=int,
        default=None,
        help="passed to the incremental crawl (0: a run that sweeps the category listings)",
    )
    parser.add_argument("--verbose", action="store_true", help="list every request of the run")
    args = parser.parse_args()

    site = ReplicaSite(articles=args.articles, seed=args.seed, link_forms=args.link_forms)
    with ReplicaServer(site) as server, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        full = run_measured(crawl_cmd(server.base_url, work, "--mode", "full"))
        if full.returncode != 0:
            print(full.output[-3000:])
            return 2
        full_requests = server.count()
        print(
            f"full crawl of {args.articles} articles: {full.seconds:.1f} s, "
            f"{full_requests} requests, peak RSS {full.peak_rss_mb:.0f} MB"
        )

        added = site.add_articles(args.new)
        new_slugs = {a.slug for a in added}
        server.reset_log()
        sweep = [] if args.category_sweep_days is None else ["--category-sweep-days"]
        sweep += [] if args.category_sweep_days is None else [str(args.category_sweep_days)]
        # Default mode: incremental.
        incremental = run_measured(crawl_cmd(server.base_url, work, *sweep))
        if incremental.returncode != 0:
            print(incremental.output[-3000:])
            return 2
        log = server.requests

        revisit_from = (datetime.now(WITA).date() - timedelta(days=REVISIT_DAYS)).isoformat()
        groups: dict[str, list[RequestLog]] = defaultdict(list)
        for request in log:
            groups[classify(request, site, new_slugs, revisit_from)].append(request)
        ours = len(log)
        listing_pages = site.page_count()
        baseline = 1 + listing_pages + args.new

        print(
            f"incremental crawl after {args.new} new articles: {incremental.seconds:.1f} s, "
            f"{ours} requests"
        )
        print(incremental.output.strip())
        print()
        print(f"{'requests of the incremental run':40} {'count':>6}")
        for name in GROUPS:
            print(f"  {name:38} {len(groups[name]):6}")
        print(f"  {'total':38} {ours:6}")
        print()
        statuses = Counter(r.status for r in log)
        print("by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
        category_paths = Counter(urlsplit(r.path).path for r in groups["category listing pages"])
        category_pages = Counter(
            "page 1" if "page=" not in r.path else "page >= 2"
            for r in groups["category listing pages"]
        )
        category_total = sum(site.page_count(slug) for slug in site.categories().values())
        print(
            f"category listings: {len(category_paths)} categories, "
            + ", ".join(f"{k}: {v}" for k, v in sorted(category_pages.items()))
            + f" (the site has {category_total} category listing pages in all)"
        )
        for name in ("main listing pages", "sitemap", "articles: redirect hops", "other"):
            if groups[name]:
                print(f"{name}: " + ", ".join(f"{r.path} ({r.status})" for r in groups[name]))
        unexpected = groups["articles: other (archived, not recent)"]
        if unexpected:
            print(f"archived, not recent articles fetched again ({len(unexpected)}):")
            for r in unexpected:
                print(f"  {r.path} ({r.status})")
        if args.verbose:
            print("every request:")
            for r in log:
                print(f"  {r.status} {r.path}")
        print()
        print(
            f"deltafetch-style baseline: 1 robots.txt + {listing_pages} main listing pages + "
            f"{args.new} new articles = {baseline} requests"
        )
        ratio = ours / baseline
        print(
            f"incremental run {ours} requests vs baseline {baseline}: ratio {ratio:.2f} "
            f"(target <= {args.max_ratio})"
        )
        print(
            f"wall time: full crawl {full.seconds:.1f} s, incremental crawl "
            f"{incremental.seconds:.1f} s"
        )

        wanted = [a.record(server.base_url)["url"] for a in added]
        found = archived_urls(work / "humas.sqlite", wanted)
        missing = [url for url in wanted if url not in found]
        print(f"new articles in the archive: {len(found)}/{len(wanted)}")
        for url in missing:
            print(f"  missing: {url}")
    if missing:
        return 1
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())

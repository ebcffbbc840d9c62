"""Five sites crawled in one process, against five crawls one after another (same run).

    python bench/multisite.py [--articles 2000] [--delay 0.02] [--concurrency 2] [--new 10]

Five replicas on 127.0.0.1, --articles each: two of Kaltim's custom CMS, two WordPress
newsrooms (REST API), one Joomla/K2 portal, each a registry entry in a user registry. Then:

1. **sequential**: five `crawl --site NAME` processes one after another, into one fresh archive;
2. **one process**: one `crawl --site A ... --site E` into another fresh archive;
3. **incremental**: --new articles added to every site, then one `crawl` of the five in one process
   against archive 2: requests per site.

Printed: each crawl's wall time and CPU, each site's requests (counted by its server), and the
ratio sequential / one process. With a polite --delay, a site's crawl waits on its own slot, so
five sites in one process overlap their waits; with --delay 0 both are bound by the CPU.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _replica import run_measured

from humas_crawler.replica.joomla import JoomlaSite
from humas_crawler.replica.joomla_server import JoomlaServer
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from humas_crawler.replica.wordpress import WordPressSite
from humas_crawler.replica.wp_server import WordPressServer

ENTRY = {
    "custom": 'cms = "custom"\nlistings = ["/berita"]\n'
    'article_paths = ["/berita/", "/detailberita/"]',
    "wordpress": 'cms = "wordpress"',
    "joomla": 'cms = "joomla"\nlistings = ["/index.php/berita"]\n'
    'article_paths = ["/index.php/berita/item/"]',
}
PROVINCE = {"custom": "Kalimantan Timur", "wordpress": "Jawa Timur", "joomla": "Sulawesi Barat"}


def sites(articles: int) -> list[tuple[str, str, object, object]]:
    """(name, cms, model, server) of the five replicas."""
    made = []
    for number, cms in enumerate(["custom", "wordpress", "joomla", "custom", "wordpress"]):
        seed = 10 + number
        if cms == "custom":
            model, server = ReplicaSite(articles=articles, seed=seed), ReplicaServer
        elif cms == "wordpress":
            model, server = WordPressSite(articles=articles, seed=seed), WordPressServer
        else:
            model, server = JoomlaSite(articles=articles, seed=seed), JoomlaServer
        made.append((f"site{number + 1}-{cms}", cms, model, server(model)))
    return made


def crawl(work: Path, db: str, names: list[str], args: argparse.Namespace):
    cmd = [
        sys.executable, "-m", "humas_crawler", "crawl", "--db", str(work / db),
        "--warc-dir", str(work / f"{db}-warc"), "--sites", str(work / "sites.toml"),
        "--delay", str(args.delay), "--concurrency", str(args.concurrency),
        "--log-level", "WARNING", "--no-feeds",
        *[part for name in names for part in ("--site", name)],
    ]  # fmt: skip
    run = run_measured(cmd)
    if run.returncode not in (0, 3):
        print(run.output[-3000:])
        raise SystemExit(2)
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--new", type=int, default=10)
    args = parser.parse_args()
    made = sites(args.articles)
    servers = [server for _, _, _, server in made]
    for server in servers:
        server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            registry = "\n".join(
                f'[[site]]\nname = "{name}"\nprovince = "{PROVINCE[cms]}"\n'
                f'base_url = "{server.base_url}"\n{ENTRY[cms]}\n'
                for name, cms, _, server in made
            )
            (work / "sites.toml").write_text(registry)
            names = [name for name, *_ in made]
            print(f"{len(made)} sites x {args.articles} articles, --delay {args.delay}"
                  f" --concurrency {args.concurrency}")  # fmt: skip
            wall = cpu = 0.0
            for name, _, _, server in made:
                server.reset_log()
                run = crawl(work, "sequential.sqlite", [name], args)
                wall, cpu = wall + run.seconds, cpu + run.cpu
                print(f"  sequential {name:<18} {run.seconds:7.1f} s  {run.cpu:6.1f} CPU-s"
                      f"  {server.count():6} requests")  # fmt: skip
            print(f"sequential, five crawls: {wall:.1f} s, {cpu:.1f} CPU-s")
            for server in servers:
                server.reset_log()
            together = crawl(work, "together.sqlite", names, args)
            counts = ", ".join(f"{name} {server.count()}" for name, _, _, server in made)
            print(f"one process, five sites: {together.seconds:.1f} s, {together.cpu:.1f} CPU-s,"
                  f" peak RSS {together.peak_rss_mb:.0f} MB; requests: {counts}")  # fmt: skip
            print(f"ratio sequential / one process (wall): {wall / together.seconds:.2f}")
            for _, _, model, server in made:
                model.add_articles(args.new)  # type: ignore[attr-defined]
                server.reset_log()
            again = crawl(work, "together.sqlite", names, args)
            counts = ", ".join(f"{name} {server.count()}" for name, _, _, server in made)
            print(f"incremental after {args.new} new articles per site: {again.seconds:.1f} s;"
                  f" requests: {counts}")  # fmt: skip
    finally:
        for server in servers:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

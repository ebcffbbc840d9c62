"""`humas-crawler replica`: the offline replica of the site, with faults on demand."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from humas_crawler.defaults import REPLICA_LINK_FORMS

F = TypeVar("F", bound=Callable[..., Any])


def _fault_rate(kind: str, what: str) -> Callable[[F], F]:
    return click.option(
        f"--fault-{kind}",
        type=click.FloatRange(0, 1),
        default=0.0,
        metavar="RATE",
        help=f"{what}: this share of requests, on the first --transient-attempts at a page.",
    )


def _fault_pages(flag: str, what: str) -> Callable[[F], F]:
    return click.option(flag, type=click.IntRange(min=0), default=0, metavar="N", help=what)


@click.command()
@click.option(
    "--cms",
    type=click.Choice(("kaltim", "wordpress", "joomla")),
    default="kaltim",
    show_default=True,
    help="The site imitated: kaltim (kaltimprov.go.id, its own CMS, WITA), wordpress (a"
    " WordPress newsroom, WIB: theme pages, /feed/, /wp-sitemap.xml, the /wp-json/ REST API) or"
    " joomla (a Joomla 3 + K2 provincial portal, WITA, after berita.sulbarprov.go.id).",
)
@click.option(
    "--wp-api/--no-wp-api",
    default=True,
    show_default=True,
    help="With --cms wordpress: serve the REST API (--no-wp-api: /wp-json/ answers 404).",
)
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8123, show_default=True)
@click.option("--articles", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the generated site.")
@click.option(
    "--sitemap/--no-sitemap", default=False, show_default=True, help="Offer /sitemap.xml."
)
@click.option(
    "--link-forms",
    type=click.Choice(REPLICA_LINK_FORMS),
    default="stable",
    show_default=True,
    help="shifting: listings link some current articles in the old /berita/ form (which"
    " redirects), changing as newer articles push them down.",
)
@click.option(
    "--disallow",
    multiple=True,
    metavar="PATH",
    help="Also disallow PATH in robots.txt (e.g. /kategori/ekonomi). Repeatable.",
)
@_fault_rate("500", "HTTP 500")
@_fault_rate("503", "HTTP 503 with Retry-After")
@_fault_rate("429", "HTTP 429 with Retry-After")
@_fault_rate("reset", "Connection reset (RST) before or inside the head")
@_fault_rate("truncate", "Body cut short of its Content-Length, then the connection closed")
@_fault_rate("slow", "Silence for --slow-seconds before the response")
@_fault_pages("--fault-429-paths", "This many article pages answer 429 to their first attempts.")
@_fault_pages("--fault-503-paths", "This many article pages answer 503 to their first attempts.")
@click.option(
    "--transient-attempts",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Attempts at a page that transient faults may hit; later ones are always served.",
)
@_fault_pages(
    "--fault-persistent",
    "This many article pages answer 500 to their first --persistent-attempts: lost by one "
    "crawl, served to the next.",
)
@click.option(
    "--persistent-attempts",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Set to a crawl's attempts per URL (RETRY_TIMES + 1).",
)
@_fault_pages("--fault-garbled", "This many article pages are broken HTML (the text intact).")
@_fault_pages("--fault-charset", "This many article pages declare a charset their bytes are not.")
@_fault_pages("--fault-oversize", "This many article pages are padded to --oversize-bytes.")
@_fault_pages("--fault-redirect-loop", "This many article pages redirect in a loop (A->B->A).")
@_fault_pages("--fault-offsite", "This many article pages redirect to http://evil.example.")
@click.option(
    "--retry-after",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    metavar="S",
    help="Retry-After seconds of 429s and 503s.",
)
@click.option(
    "--slow-seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=3.0,
    show_default=True,
    metavar="S",
)
@click.option(
    "--oversize-bytes",
    type=click.IntRange(min=1),
    default=25 * 1024 * 1024,
    show_default=True,
    metavar="B",
)
@click.option(
    "--fault-seed", type=int, default=0, show_default=True, help="Seed of every fault choice."
)
@click.option("--fault-robots", is_flag=True, help="Let transient faults hit robots.txt too.")
@click.option(
    "--fault-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every injected fault here as a JSON line (kind, path, attempt, detail).",
)
def replica(
    cms: str,
    wp_api: bool,
    port: int,
    articles: int,
    seed: int,
    sitemap: bool,
    link_forms: str,
    disallow: tuple[str, ...],
    fault_log: Path | None,
    **faults: Any,
) -> None:
    """Serve a generated offline replica of the site on 127.0.0.1 (for demos, tests, benchmarks).

    The --fault-* options inject failures, reproducibly (by --fault-seed, page and attempt): the
    ledger is served as JSON at /__faults__, written to --fault-log and summed up on exit.

    \b
    Examples:
        humas-crawler replica --port 8123 --articles 500 &
        humas-crawler crawl --base-url http://127.0.0.1:8123 --db /tmp/demo.sqlite --delay 0
        humas-crawler replica --cms wordpress --port 8124 --articles 500 --fault-503 0.05 &
        humas-crawler replica --cms joomla --port 8125 --articles 500 &
        humas-crawler replica --articles 500 --fault-500 0.08 --fault-reset 0.03 \\
            --fault-truncate 0.03 --fault-slow 0.01 --fault-429-paths 5 --fault-persistent 3 \\
            --fault-garbled 2 --fault-charset 3 --fault-oversize 1 --fault-redirect-loop 1 \\
            --fault-offsite 1 --fault-log /tmp/faults.jsonl
    """
    from humas_crawler.replica import serve
    from humas_crawler.replica.faults import FaultPlan

    try:
        plan = FaultPlan.from_cli(**faults)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if sum(plan.paths.values()) > articles:
        raise click.UsageError(f"the faults ask for more pages than the {articles} articles")
    if cms != "kaltim" and (sitemap or link_forms != "stable"):
        raise click.UsageError("--sitemap and --link-forms apply to --cms kaltim only")
    try:
        if cms == "wordpress":
            from humas_crawler.replica import wp_server

            wp_server.serve_wordpress(
                port,
                articles,
                seed=seed,
                api=wp_api,
                disallow=disallow,
                faults=plan if plan.active else None,
                fault_log=fault_log,
            )
            return
        if cms == "joomla":
            from humas_crawler.replica import joomla_server

            joomla_server.serve_forever(
                port,
                articles,
                seed=seed,
                disallow=disallow,
                faults=plan if plan.active else None,
                fault_log=fault_log,
            )
            return
        serve.serve_forever(
            port,
            articles,
            seed=seed,
            sitemap=sitemap,
            link_forms=link_forms,
            disallow=disallow,
            faults=plan if plan.active else None,
            fault_log=fault_log,
        )
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL):
            raise
        raise click.ClickException(
            f"cannot serve on 127.0.0.1:{port}: {exc.strerror} (choose another --port)"
        ) from exc

"""`humas-crawler search`: full-text search of the archive, best matches first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from humas_crawler.archive.errors import FTSQueryError
from humas_crawler.cli.options import (
    archive_errors,
    article_filter,
    color_wanted,
    db_option,
    filter_options,
    fts_query,
    open_archive,
    printable,
    query_error,
)

# Marks FTS5 puts around matches; control characters that article text does not hold.
_START, _END = "\x02", "\x03"
MAX_LIMIT = 1_000


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="QUERY...")
@db_option
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, MAX_LIMIT),
    default=20,
    show_default=True,
    help="Show at most this many articles.",
)
@filter_options
@click.option(
    "--fts",
    is_flag=True,
    help="Read QUERY as raw FTS5 syntax: AND, OR, NOT, NEAR(), column:, ^, prefix*.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array of the hits.")
def search(
    words: tuple[str, ...],
    db: Path,
    limit: int,
    since: str | None,
    until: str | None,
    categories: tuple[str, ...],
    sites: tuple[str, ...],
    include_duplicates: bool,
    fts: bool,
    as_json: bool,
) -> None:
    """Full-text search of titles and bodies, best matches first (bm25; title matches weigh 5x).

    Every word must occur, in any order; case and accents do not matter. QUERY is taken as
    typed: operators and punctuation are plain text, except "double quotes" around a phrase
    and a trailing * for a prefix (banjir* also finds banjirnya). --fts takes FTS5 syntax.
    Each hit shows its date, category, title, URL and a passage with the matches marked.

    \b
    Examples:
        humas-crawler search banjir samarinda
        humas-crawler search '"ibu kota nusantara"' --since 2022-01-01 --limit 5
        humas-crawler search vaksin* --category Kesehatan --json
        humas-crawler search --fts 'banjir NOT samarinda'
    """
    text = " ".join(words)
    query = fts_query(text, raw=fts)
    with open_archive(db) as store:
        where = article_filter(
            store,
            since=since,
            until=until,
            categories=categories,
            include_duplicates=include_duplicates,
            sites=sites,
            fts=query,
        )
        with archive_errors():
            try:
                hits = store.articles.search(where, limit=limit, marks=(_START, _END))
            except FTSQueryError as exc:
                raise query_error(exc, raw=fts) from exc
    if not hits:
        click.echo(f"no article matches {text!r}", err=True)
    if as_json:
        click.echo(
            json.dumps(
                [_as_json(rank, hit) for rank, hit in enumerate(hits, 1)],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if not hits:
        return
    color = color_wanted()
    for rank, hit in enumerate(hits, 1):
        date = hit["published_date"] or "(no date)"
        category = printable(hit["category"] or "(no category)")
        title = _marked(hit["title_marked"] or hit["title"] or "(no title)", color, bold=True)
        click.echo(f"{rank:>3}. {date}  {category}  {title}")
        click.echo(f"     {printable(hit['url'])}")
        if hit["snippet"]:
            click.echo(f"     {_marked(' '.join(hit['snippet'].split()), color)}")
        if hit["duplicate_of"] is not None:
            click.echo(f"     (duplicate of article {hit['duplicate_of']})")


def _marked(text: str, color: bool, *, bold: bool = False, exact: bool = False) -> str:
    """Matches in bold yellow on a terminal, else in [brackets]; control characters of the
    text escaped (`printable`) unless `exact` (JSON output)."""
    pieces = text.replace(_END, _START).split(_START)
    if not exact:
        pieces = [printable(piece) for piece in pieces]
    # Even pieces lie between matches, odd pieces are matches.
    if not color:
        return "".join(f"[{piece}]" if index % 2 else piece for index, piece in enumerate(pieces))
    return "".join(
        click.style(piece, fg="yellow", bold=True)
        if index % 2
        else (click.style(piece, bold=True) if bold and piece else piece)
        for index, piece in enumerate(pieces)
    )


def _as_json(rank: int, hit: dict[str, Any]) -> dict[str, Any]:
    return {
        "rank": rank,
        "score": float(f"{hit['score']:.4g}"),
        "id": hit["id"],
        "url": hit["url"],
        "title": hit["title"],
        "published_at": hit["published_at"],
        "published_date": hit["published_date"],
        "category": hit["category"],
        "category_slug": hit["category_slug"],
        "duplicate_of": hit["duplicate_of"],
        "title_marked": _marked(hit["title_marked"] or "", False, exact=True) or None,
        "snippet": _marked(" ".join((hit["snippet"] or "").split()), False, exact=True) or None,
    }

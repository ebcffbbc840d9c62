"""Full-text search: the best matches of an `ArticleFilter`'s query, ranked by bm25, with
marked titles and snippets (what `store.articles.search` returns; `humas-crawler search`).

The index alone ranks; the filter's other conditions are checked on the few best ids after,
or, when they are selective, narrow the ranking to the ids their indexes allow.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from humas_crawler.archive.errors import fts_errors

if TYPE_CHECKING:
    from humas_crawler.archive.queries import ArticleFilter

# bm25 weight of a match in the title against one in the body (search ranking).
TITLE_WEIGHT = 5.0
# Share of the articles that a search's date and category filters must let through for the
# best matches to be ranked first and checked after (else only the allowed rows are ranked).
_DENSE_SHARE = 0.3


def best_matches(
    db: Database,
    where: ArticleFilter,
    *,
    limit: int,
    title_weight: float,
    marks: tuple[str, str],
    snippet_tokens: int,
) -> list[dict[str, Any]]:
    """The `limit` best matches of `where.fts_query`, best first (see ArticleReads.search)."""
    if not where.fts_query:
        raise ValueError("a search needs a full-text query (ArticleFilter.fts_query)")
    weights = [float(title_weight), 1.0]
    with fts_errors(where.fts_query):
        ranked = _ranked(db, where, limit, weights)
        if not ranked:
            return []
        ids = [article_id for article_id, _ in ranked]
        id_list = json.dumps(ids)
        # One pass over the query's matches between the first and last id; the `+` keeps
        # the id list away from FTS5, which would run the whole query once per id.
        cursor = db.execute(
            "select a.id, a.url, a.title, a.published_at, a.published_date, a.category,"
            " a.category_slug, a.duplicate_of,"
            " highlight(articles_fts, 0, ?, ?) as title_marked,"
            " snippet(articles_fts, 1, ?, ?, '…', ?) as snippet"
            " from articles_fts join articles a on a.id = articles_fts.rowid"
            " where articles_fts match ? and articles_fts.rowid between ? and ?"
            " and +articles_fts.rowid in (select value from json_each(?))",
            [*marks, *marks, snippet_tokens, where.fts_query, min(ids), max(ids), id_list],
        )
        columns = [d[0] for d in cursor.description]
        hits = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor}
    return [
        {**hits[article_id], "score": -bm25} for article_id, bm25 in ranked if article_id in hits
    ]


def _ranked(
    db: Database, where: ArticleFilter, limit: int, weights: list[float]
) -> list[tuple[int, float]]:
    """(id, bm25) of the best `limit` matches that pass every condition, best first.

    Ranking costs one bm25 per matching row, and joining the conditions into the ranking
    query would read every matching article's row. So the index alone ranks (over-fetching
    a little) and the few best ids are checked after. When the date and category
    conditions let most articles through, every match is ranked; when they are selective,
    only the matches among the ids they allow (read from their indexes).
    """
    narrowing, params = where.narrowing("x")
    share = 1.0
    if narrowing:
        # The share of articles passing, estimated from each condition's own index
        # (counting the conjunction would read table rows); max(id) for count(*).
        highest = db.execute("select max(id) from articles").fetchone()[0] or 1
        for condition, values in where.indexed("x"):
            allowed = db.execute(
                f"select count(*) from articles x where {condition}", values
            ).fetchone()[0]
            if not allowed:
                return []
            share *= min(1.0, allowed / highest)
    rank = "bm25(articles_fts, ?, ?)"
    if share >= _DENSE_SHARE:
        sql = (
            f"select rowid, {rank} as s from articles_fts where articles_fts match ?"
            " order by s limit ?"
        )
        args: list[Any] = [*weights, where.fts_query]
        fetch = int((limit + 5) / share * 1.5) + 1
    else:
        sql = (
            f"with allowed(id) as materialized"
            f" (select x.id from articles x where {' and '.join(narrowing)})"
            f" select f.rowid, {rank} as s from articles_fts f"
            " cross join allowed on allowed.id = f.rowid"
            " where articles_fts match ? order by s limit ?"
        )
        args = [*params, *weights, where.fts_query]
        fetch = limit + 5
    for _ in range(3):
        ranked = db.execute(sql, [*args, fetch]).fetchall()
        passing = _passing(db, [article_id for article_id, _ in ranked], where)
        kept = [(article_id, bm25) for article_id, bm25 in ranked if article_id in passing]
        if len(kept) >= limit or len(ranked) < fetch:
            return kept[:limit]
        fetch *= 8
    # Many duplicates among the best matches: rank with every condition joined in.
    conditions, params = where.conditions("x", fts=False)
    return db.execute(
        f"with allowed(id) as materialized (select x.id from articles x where {conditions})"
        f" select f.rowid, {rank} as s from articles_fts f"
        " cross join allowed on allowed.id = f.rowid"
        " where articles_fts match ? order by s limit ?",
        [*params, *weights, where.fts_query, limit],
    ).fetchall()


def _passing(db: Database, ids: list[int], where: ArticleFilter) -> set[int]:
    """Those of `ids` that pass `where`, its full-text query aside."""
    if not ids:
        return set()
    conditions, params = where.conditions("x", fts=False)
    return {
        article_id
        for (article_id,) in db.execute(
            "select x.id from articles x where x.id in (select value from json_each(?))"
            f" and {conditions}",
            [json.dumps(ids), *params],
        )
    }

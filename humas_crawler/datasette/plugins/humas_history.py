"""Datasette plugin of `humas-crawler browse`: an article's history page at `/-/history?id=N`
(or `?url=...`), and a link to it in every `history` column of the canned queries.

Loaded with `datasette --plugins-dir` (cli/browse.py passes this directory). The page reads the
archive through the project's own read-only Store and renders with revisions/page.py.
"""

from __future__ import annotations

import asyncio
from html import escape
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from humas_crawler.archive.errors import StoreError
from humas_crawler.archive.store import Store
from humas_crawler.revisions.page import history_html

ROUTE = "/-/history"


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(rf"^{ROUTE}$", history_page)]


@hookimpl
def render_cell(value: Any, column: str) -> Markup | None:
    if column == "history" and isinstance(value, str) and value.startswith(ROUTE + "?"):
        return Markup(f'<a href="{escape(value)}">history</a>')
    return None


async def history_page(datasette: Any, request: Any) -> Response:
    database = datasette.get_database()
    if database.path is None:
        return Response.html("<p>No archive is served.</p>", status=404)
    article_id, url = request.args.get("id"), request.args.get("url")
    if not (article_id and article_id.isdigit()) and not url:
        return Response.html("<p>Give ?id=ARTICLE_ID or ?url=URL.</p>", status=400)
    base = datasette.urls.database(database.name)
    try:
        page = await asyncio.to_thread(
            _render, Path(database.path), int(article_id) if article_id else None, url, base
        )
    except StoreError as exc:
        return Response.html(f"<p>The archive cannot be read: {escape(str(exc))}</p>", 500)
    if page is None:
        return Response.html("<p>No archived article there.</p>", status=404)
    return Response.html(page)


def _render(path: Path, article_id: int | None, url: str | None, base: str) -> str | None:
    with Store.open(path, create=False, readonly=True) as store:
        if article_id is not None:
            article = store.articles.by_id(article_id)
        else:
            article = store.articles.by_url(url or "")
        if article is None:
            return None
        return history_html(
            article,
            store.articles.revisions(article["id"]),
            store.events.of_article(article["id"]),
            capture_link=lambda capture_id: f"{base}/captures/{capture_id}",
            table_link=f"{base}/articles/{article['id']}",
        )

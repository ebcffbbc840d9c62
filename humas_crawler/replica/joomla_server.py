"""HTTP server of the Joomla/K2 replica: Joomla's SEF routes, `?start=` paging, non-SEF redirects.

`JoomlaServer` is a `ReplicaServer` with other routes: the fault hook, the request log, `count`,
the page cache per `site.revision`, `base_url` and the context manager are the parent's.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from humas_crawler.replica import joomla_render as render
from humas_crawler.replica.faults import FaultInjector, FaultPlan
from humas_crawler.replica.joomla import (
    AUTHORS,
    CATEGORIES,
    JoomlaSite,
    K2Item,
    category_label,
)
from humas_crawler.replica.serve import serve_until_stopped
from humas_crawler.replica.server import (
    HTML,
    Faults,
    ReplicaServer,
    Response,
)

RSS = "application/rss+xml; charset=utf-8"
# Joomla's headers on every page: never cache, and "modified" now.
_NO_CACHE = (
    ("Expires", "Wed, 17 Aug 2005 00:00:00 GMT"),
    ("Cache-Control", "no-store, no-cache, must-revalidate, post-check=0, pre-check=0"),
    ("Pragma", "no-cache"),
)
_LEADING_INT = re.compile(r"-?\d+")
_USERS = {uid: alias for uid, alias, _ in AUTHORS}
_USER_NAMES = {uid: name for uid, _, name in AUTHORS}

Route = tuple[tuple | None, Callable[[], Response]]


def _int(value: str | None) -> int:
    """Joomla's `getInt`: the leading integer of a value, 0 when there is none."""
    match = _LEADING_INT.match(value or "")
    return int(match[0]) if match else 0


class JoomlaServer(ReplicaServer):
    """Serve a `JoomlaSite` on `host:port` (port 0: a free one) in a daemon thread."""

    site: JoomlaSite  # type: ignore[assignment]

    def __init__(
        self,
        site: JoomlaSite,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        faults: Faults | None = None,
    ) -> None:
        super().__init__(site, host, port, faults=faults)  # type: ignore[arg-type]
        self._frame: tuple[int, render.Frame] | None = None

    # -- answering

    def _site_response(self, raw_path: str) -> Response:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        if path != "/":
            path = path.rstrip("/")
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        # Read before routing: a page built while a test mutates the site is cached under the
        # older revision, which the next request's revision check throws away.
        revision = self.site.revision
        key, build = self._route(path, query)
        response = self._cached(revision, key, build)
        if response.status == 200 and response.content_type == HTML:
            now = format_datetime(datetime.now(UTC), usegmt=True)
            headers = (*response.headers, *_NO_CACHE, ("Last-Modified", now))
            response = dataclasses.replace(response, headers=headers)
        return response

    def _route(self, path: str, query: dict[str, str]) -> Route:  # type: ignore[override]
        """(cache key, builder) for a path and its query; a None key is not cached."""
        start = max(0, _int(query.get("start") or query.get("limitstart")))
        if path == "/robots.txt":
            return ("robots",), self._robots
        if path in ("/", "/index.php"):
            if "option" in query:
                return None, lambda: self._non_sef(query)
            return ("home",), self._home
        if path == "/index.php/profil":
            return ("profil",), lambda: _html(200, render.profile_page(self._frame_now()))
        if path == "/index.php/berita":
            if query.get("format") == "feed":
                return self._feed_route(None, query)
            return ("list", "all", start), lambda: self._category(None, start)
        head = "/index.php/berita/"
        if not path.startswith(head):
            return _missing()
        rest = path[len(head) :].split("/")
        if len(rest) == 1 and category_label(rest[0]) is not None:
            if query.get("format") == "feed":
                return self._feed_route(rest[0], query)
            return ("list", rest[0], start), lambda: self._category(rest[0], start)
        if len(rest) == 2 and rest[0] == "item":
            return self._item_route(rest[1], query)
        if len(rest) == 3 and rest[0] == "itemlist":
            return self._itemlist_route(rest[1], rest[2], start)
        return _missing()

    def _item_route(self, slug: str, query: dict[str, str]) -> Route:
        """K2's router reads the id before the first `-`; a wrong or missing alias redirects."""
        head, _, alias = slug.partition("-")
        item = self.site.by_id(int(head)) if head.isdigit() else None
        if item is None:
            return _missing("Item tidak ditemukan")
        if alias != item.alias:
            return None, lambda: self._moved(item.path)
        printing = query.get("tmpl") == "component" and query.get("print") == "1"
        return ("item", item.id, printing), lambda: self._item(item, print_view=printing)

    def _itemlist_route(self, task: str, value: str, start: int) -> Route:
        site = self.site
        if task == "user":
            head = value.partition("-")[0]
            user_id = int(head) if head.isdigit() else 0
            if user_id not in _USERS:
                return _missing("Pengguna tidak ditemukan")
            if value != f"{user_id}-{_USERS[user_id]}":
                return None, lambda: self._moved(render.user_path(user_id))
            return ("user", user_id, start), lambda: self._user(user_id, start)
        if task == "tag":
            if value not in site.tags():
                return _missing("Tag tidak ditemukan")
            return ("tag", value, start), lambda: self._tag(value, start)
        if task == "category":
            cat = self._category_by_id(_int(value))
            if cat is None:
                return _missing("Kategori tidak ditemukan")
            return None, lambda: self._moved(render.category_path(cat))
        return _missing()

    def _feed_route(self, alias: str | None, query: dict[str, str]) -> Route:
        if query.get("type", "rss") != "rss":
            return _missing()
        return ("feed", alias), lambda: self._feed(alias)

    def _non_sef(self, query: dict[str, str]) -> Response:
        """`index.php?option=com_k2&view=...`: 301 to the SEF URL of the same page."""
        if query.get("option") != "com_k2":
            return _not_found("Komponen tidak ditemukan")
        view = query.get("view")
        site = self.site
        if view == "item":
            item = site.by_id(_int(query.get("id")))
            if item is None:
                return _not_found("Item tidak ditemukan")
            return self._moved(item.path)
        if view == "itemlist":
            task = query.get("task") or query.get("layout")
            if task == "category":
                cat = self._category_by_id(_int(query.get("id")))
                return self._moved(render.category_path(cat)) if cat else _not_found()
            if task == "user" and _int(query.get("id")) in _USERS:
                return self._moved(render.user_path(_int(query.get("id"))))
            if task == "tag" and query.get("tag") in site.tags():
                return self._moved(render.tag_path(query["tag"]))
            if task is None:
                return self._moved("/index.php/berita")
        return _not_found()

    @staticmethod
    def _category_by_id(category_id: int) -> str | None:
        return next((alias for _, alias, cid in CATEGORIES if cid == category_id), None)

    def _moved(self, path: str) -> Response:
        return Response(301, b"", HTML, (("Location", self.base_url + quote(path, safe="/%")),))

    # -- pages

    def _frame_now(self) -> render.Frame:
        site = self.site
        revision = site.revision
        if self._frame is not None and self._frame[0] == revision:
            return self._frame[1]
        categories = site.categories()
        frame = render.Frame(
            base_url=self.base_url,
            categories=categories,
            counts={label: len(site.category_items(alias)) for label, alias in categories.items()},
            now=site.now,
            latest=site.latest(5),
            popular=site.popular(5),
            picks=site.picks(),
            tags=site.tags(),
        )
        self._frame = (revision, frame)
        return frame

    def _robots(self) -> Response:
        text = render.robots_txt(self.site.disallow)
        return Response(200, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _home(self) -> Response:
        return _html(200, render.home_page(self._frame_now(), self.site.latest(10)))

    def _category(self, alias: str | None, start: int) -> Response:
        site = self.site
        items = site.category_items(alias)
        heading = "Berita" if alias is None else (category_label(alias) or "")
        base_path = "/index.php/berita" if alias is None else render.category_path(alias)
        trail: list[tuple[str, str | None]] = [("Beranda", "/index.php")]
        if alias is None:
            trail.append(("Berita", None))
        else:
            trail += [("Berita", "/index.php/berita"), (heading, None)]
        html = render.listing_page(
            self._frame_now(),
            view="category",
            heading=heading,
            base_path=base_path,
            start=start,
            total=len(items),
            per_page=site.per_page,
            items=items[start : start + site.per_page],
            trail=trail,
            feed=True,
            active=alias,
        )
        return _html(200, html)

    def _user(self, user_id: int, start: int) -> Response:
        site = self.site
        items = site.author_items(user_id)
        name = _USER_NAMES[user_id]
        html = render.listing_page(
            self._frame_now(),
            view="user",
            heading=name,
            base_path=render.user_path(user_id),
            start=start,
            total=len(items),
            per_page=site.per_page,
            items=items[start : start + site.per_page],
            trail=[("Beranda", "/index.php"), ("Berita", "/index.php/berita"), (name, None)],
        )
        return _html(200, html)

    def _tag(self, tag: str, start: int) -> Response:
        site = self.site
        items = site.tag_items(tag)
        heading = f"Ditampilkan item berdasarkan tag: {tag}"
        html = render.listing_page(
            self._frame_now(),
            view="tag",
            heading=heading,
            base_path=render.tag_path(tag),
            start=start,
            total=len(items),
            per_page=site.per_page,
            items=items[start : start + site.per_page],
            trail=[("Beranda", "/index.php"), ("Berita", "/index.php/berita"), (tag, None)],
        )
        return _html(200, html)

    def _item(self, item: K2Item, *, print_view: bool = False) -> Response:
        site = self.site
        older, newer = site.neighbours(item)
        html = render.item_page(
            item,
            self._frame_now(),
            related=site.related(item),
            older=older,
            newer=newer,
            print_view=print_view,
        )
        return _html(200, html)

    def _feed(self, alias: str | None) -> Response:
        site = self.site
        title = "Berita" if alias is None else (category_label(alias) or "")
        path = "/index.php/berita" if alias is None else render.category_path(alias)
        text = render.rss(self._frame_now(), title=title, path=path, items=site.listing(0, alias))
        return Response(200, text.encode("utf-8"), RSS)


def _html(status: int, text: str) -> Response:
    return Response(status, text.encode("utf-8"), HTML)


def _not_found(message: str = "Halaman tidak ditemukan") -> Response:
    return _html(404, render.error_page(404, message))


def _missing(message: str = "Halaman tidak ditemukan") -> Route:
    return None, lambda: _not_found(message)


def serve_forever(
    port: int,
    articles: int,
    *,
    seed: int = 0,
    disallow: tuple[str, ...] = (),
    host: str = "127.0.0.1",
    faults: FaultPlan | None = None,
    fault_log: Path | None = None,
) -> None:
    """Serve a Joomla/K2 replica of `articles` items until Ctrl-C or SIGTERM (`humas-crawler
    replica --cms joomla`); faults as `serve.serve_forever` injects them."""
    site = JoomlaSite(articles, seed=seed, disallow=disallow)
    injector = None
    if (faults is not None and faults.active) or fault_log is not None:
        injector = FaultInjector(faults or FaultPlan(), site, log=fault_log)  # type: ignore[arg-type]
    server = JoomlaServer(site, host=host, port=port, faults=injector)
    serve_until_stopped(
        server,
        injector,
        lambda url: (
            f"Joomla/K2 replica of a provincial portal with {len(site)} items at"
            f" {url}/index.php/berita"
        ),
    )

"""HTTP of the WordPress replica: WordPress's routes on ReplicaServer's loop, page cache, request
log and fault hook (replica.md, "The WordPress replica")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from humas_crawler.replica import wp_render as wp
from humas_crawler.replica.faults import FaultInjector, FaultPlan
from humas_crawler.replica.serve import serve_until_stopped
from humas_crawler.replica.server import Faults, ReplicaServer, Response
from humas_crawler.replica.wordpress import WordPressSite, WpCategory, WpPost

HTML = "text/html; charset=UTF-8"
JSON = "application/json; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
MAX_PER_PAGE = 100
POST_ORDERBY = ("author", "date", "id", "include", "modified", "parent", "relevance", "slug")
POST_ORDERBY += ("include_slugs", "title")
TERM_ORDERBY = ("id", "include", "name", "slug", "include_slugs", "term_group", "description")
TERM_ORDERBY += ("count",)
# Routes WordPress answers with and without a trailing slash: without, they redirect (301).
_SLASHED = (
    ("page", re.compile(r"/page/(\d+)/?")),
    ("category", re.compile(r"/category/([^/]+)/?")),
    ("category-page", re.compile(r"/category/([^/]+)/page/(\d+)/?")),
    ("category-feed", re.compile(r"/category/([^/]+)/feed/?")),
    ("feed", re.compile(r"/feed/?")),
    ("post", re.compile(r"/(\d{4})/(\d{2})/(\d{2})/([^/]+)/?")),
)
_POSTS_SITEMAP = re.compile(r"/wp-sitemap-posts-post-(\d+)\.xml")
_REST_ITEM = re.compile(r"/wp/v2/(posts|categories)/(\d+)")
# rest_parse_date(): a full date and time, an optional fraction and zone.
_REST_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|z|[+-]\d{2}(:\d{2})?)?")

Route = tuple[tuple | None, Callable[[], Response]]


class WordPressServer(ReplicaServer):
    """Serve a WordPressSite: theme pages, feeds, core sitemaps and the wp/v2 REST API."""

    site: WordPressSite  # type: ignore[assignment]

    def __init__(
        self,
        site: WordPressSite,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        faults: Faults | None = None,
    ) -> None:
        super().__init__(site, host, port, faults=faults)  # type: ignore[arg-type]

    @property
    def theme(self) -> wp.Theme:
        return wp.Theme(self.base_url, self.site)

    # -- routing

    def _site_response(self, raw_path: str) -> Response:
        parts = urlsplit(raw_path)
        path = unquote(parts.path) or "/"
        query = parse_qsl(parts.query, keep_blank_values=True)
        revision = self.site.revision  # before routing, as ReplicaServer reads it
        key, build = self._wp_route(path, query, parts.query)
        return self._cached(revision, key, build)

    def _wp_route(self, path: str, query: list[tuple[str, str]], raw_query: str) -> Route:
        params = dict(query)
        if path == "/robots.txt":
            return ("robots",), self._robots
        if path == "/" and "rest_route" in params:
            return self._rest(params["rest_route"], [q for q in query if q[0] != "rest_route"])
        if path == "/wp-json" or path.startswith("/wp-json/"):
            return self._rest(path.removeprefix("/wp-json"), query)
        if path == "/":
            if "p" in params:
                post = self.site.by_id(int(params["p"])) if params["p"].isdigit() else None
                return None, self._redirect(post.path) if post else self._missing
            return ("home", 1), lambda: self._listing(1, None)
        if path == "/sitemap.xml":
            return None, self._redirect("/wp-sitemap.xml")
        sitemap = self._sitemap_route(path)
        if sitemap is not None:
            return sitemap
        for name, pattern in _SLASHED:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            key, build, canonical = self._resolve(name, match.groups())
            if key is None:
                return None, build
            if canonical != path:  # no trailing slash, or a post under a wrong date
                target = canonical + (f"?{raw_query}" if raw_query else "")
                return None, self._redirect(target)
            return key, build
        return None, self._missing

    def _resolve(
        self, name: str, groups: tuple[str, ...]
    ) -> tuple[tuple | None, Callable[[], Response], str]:
        """(cache key, builder, canonical path) of a slashed route; a None key: a 404 or a
        redirect that `builder` answers."""
        site = self.site
        if name == "post":
            post = site.by_slug(groups[3])
            if post is None:
                return None, self._missing, ""
            return ("post", post.id), lambda: self._post(post), post.path
        if name == "feed":
            return ("feed", None), lambda: self._feed(None), "/feed/"
        category = None
        if name.startswith("category"):
            category = site.category_by_slug(groups[0])
            if category is None:
                return None, self._missing, ""
        if name == "category":
            return ("category", category.id, 1), lambda: self._listing(1, category), category.path
        if name == "category-feed":
            path = category.path + "feed/"
            return ("feed", category.id), lambda: self._feed(category), path
        number = int(groups[-1])
        root = category.path if category else "/"
        if number == 1:
            return None, self._redirect(root), ""
        if not 1 < number <= site.page_count(category.id if category else None):
            return None, self._missing, ""
        key = ("listing", category.id if category else None, number)
        return key, lambda: self._listing(number, category), f"{root}page/{number}/"

    def _sitemap_route(self, path: str) -> Route | None:
        if path == "/wp-sitemap.xml":
            return ("sitemap",), lambda: self._xml(wp.sitemap_index(self.theme))
        match = _POSTS_SITEMAP.fullmatch(path)
        if match:
            number = int(match[1])
            if not 1 <= number <= wp.post_sitemap_count(self.site):
                return None, self._missing
            return ("sitemap", number), lambda: self._xml(wp.posts_sitemap(self.theme, number))
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            return ("sitemap", "category"), lambda: self._xml(wp.categories_sitemap(self.theme))
        if path in ("/wp-sitemap-index.xsl", "/wp-sitemap.xsl"):
            return ("xsl",), lambda: self._xml(wp.SITEMAP_XSL)
        return None

    # -- pages

    def _html(self, status: int, text: str, *headers: tuple[str, str]) -> Response:
        if not self.site.api:
            return Response(status, text.encode("utf-8"), HTML)
        api = (("Link", f'<{self.base_url}/wp-json/>; rel="{wp.API_REL}"'),)
        return Response(status, text.encode("utf-8"), HTML, (*api, *headers))

    def _missing(self) -> Response:
        return self._html(404, wp.not_found_page(self.theme))

    def _redirect(self, path: str) -> Callable[[], Response]:
        location = self.base_url + path
        headers = (("Location", location), ("X-Redirect-By", "WordPress"))
        return lambda: Response(301, b"", HTML, headers)

    def _robots(self) -> Response:
        text = wp.robots_txt(self.theme)
        return Response(200, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _xml(self, text: str) -> Response:
        return Response(200, text.encode("utf-8"), XML, (("X-Robots-Tag", "noindex, follow"),))

    def _listing(self, number: int, category: WpCategory | None) -> Response:
        site = self.site
        category_id = category.id if category else None
        posts = site.listing(number, category_id)
        total = site.page_count(category_id)
        return self._html(200, wp.listing_page(self.theme, posts, number, total, category))

    def _post(self, post: WpPost) -> Response:
        base = self.base_url
        return self._html(
            200,
            wp.post_page(self.theme, post),
            (
                "Link",
                f'<{base}/wp-json/wp/v2/posts/{post.id}>; rel="alternate"; type="application/json"',
            ),
            ("Link", f"<{base}/?p={post.id}>; rel=shortlink"),
        )

    def _feed(self, category: WpCategory | None) -> Response:
        site = self.site
        posts = site.in_category(category.id) if category else site.newest_first()
        text = wp.feed_xml(self.theme, posts, category)
        newest = max((p.modified for p in posts), default=site.now)
        headers = (("Last-Modified", format_datetime(newest.astimezone(UTC), usegmt=True)),)
        return Response(200, text.encode("utf-8"), "application/rss+xml; charset=UTF-8", headers)

    # -- the REST API

    def _json(self, body: object, status: int = 200, *headers: tuple[str, str]) -> Response:
        common = (
            ("X-Robots-Tag", "noindex"),
            ("Link", f'<{self.base_url}/wp-json/>; rel="{wp.API_REL}"'),
            ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            ("Allow", "GET"),
        )
        return Response(status, wp.wp_json(body), JSON, (*headers, *common))

    def _rest_error(self, code: str, message: str, status: int, **data: object) -> Route:
        body = wp.rest_error(code, message, status, **data)
        return None, lambda: self._json(body, status)

    def _rest(self, route: str, query: list[tuple[str, str]]) -> Route:
        if not self.site.api:
            return None, self._missing
        route = "/" + route.strip("/")
        params = dict(query)
        fields = [f for f in params.get("_fields", "").split(",") if f]
        key = ("rest", route, tuple(query))
        if route == "/":
            return key, lambda: self._json(wp.api_index(self.theme))
        if route == "/wp/v2":
            return key, lambda: self._json(wp.namespace_index(self.theme))
        if route == "/wp/v2/posts":
            return self._posts(query, params, fields)
        if route == "/wp/v2/categories":
            return self._categories(query, params, fields)
        if route == "/wp/v2/tags":
            return self._no_terms(params, key)
        match = _REST_ITEM.fullmatch(route)
        if match and match[1] == "posts":
            post = self.site.by_id(int(match[2]))
            if post is None:
                return self._rest_error("rest_post_invalid_id", "Invalid post ID.", 404)
            return key, lambda: self._json(_pick(wp.post_json(self.theme, post), fields))
        if match:
            category = self.site.category(int(match[2]))
            if category is None:
                return self._rest_error("rest_term_invalid", "Term does not exist.", 404)
            return key, lambda: self._json(_pick(wp.category_json(self.theme, category), fields))
        message = "No route was found matching the URL and request method."
        return self._rest_error("rest_no_route", message, 404)

    def _posts(
        self, query: list[tuple[str, str]], params: dict[str, str], fields: list[str]
    ) -> Route:
        errors = _Errors()
        orderby = errors.choice(params, "orderby", "date", POST_ORDERBY)
        order = errors.choice(params, "order", "desc", ("desc", "asc"))
        tz = self.site.tz
        bounds = {name: errors.date(params, name, tz) for name in _DATE_PARAMS}
        categories = errors.ids(query, "categories")
        include = errors.ids(query, "include")
        page, per_page = errors.paging(params)
        if errors:
            return errors.route(self)
        search = params.get("search", "").strip().lower()
        if orderby == "relevance" and not search:
            message = "You need to define a search term to order by relevance."
            return self._rest_error("rest_no_search_term_defined", message, 400)
        posts = self.site.newest_first()
        for name, bound in bounds.items():  # strictly after, strictly before
            if bound is None:
                continue
            when = _MODIFIED if name.startswith("modified") else _PUBLISHED
            if name.endswith("after"):
                posts = [p for p in posts if when(p) > bound]
            else:
                posts = [p for p in posts if when(p) < bound]
        if categories:
            posts = [p for p in posts if set(p.categories) & set(categories)]
        if include:
            posts = [p for p in posts if p.id in include]
        slugs = {s for s in params.get("slug", "").split(",") if s}
        if slugs:
            posts = [p for p in posts if p.slug in slugs]
        if search:
            posts = [p for p in posts if search in f"{p.title}\n{p.body_text}".lower()]
        posts.sort(key=_POST_SORT.get(orderby, _POST_SORT["date"]), reverse=order == "desc")
        total = len(posts)
        if total and page > -(-total // per_page):
            message = "The page number requested is larger than the number of pages available."
            return self._rest_error("rest_post_invalid_page_number", message, 400)
        chunk = posts[(page - 1) * per_page : page * per_page]
        body = [wp.post_json(self.theme, p) for p in chunk]
        return self._paged(query, "/wp/v2/posts", body, fields, total, page, per_page)

    def _categories(
        self, query: list[tuple[str, str]], params: dict[str, str], fields: list[str]
    ) -> Route:
        errors = _Errors()
        orderby = errors.choice(params, "orderby", "name", TERM_ORDERBY)
        order = errors.choice(params, "order", "asc", ("asc", "desc"))
        include = errors.ids(query, "include")
        post_ids = errors.ids(query, "post")
        page, per_page = errors.paging(params)
        if errors:
            return errors.route(self)
        site = self.site
        categories = list(site.categories)
        if params.get("hide_empty", "false").lower() in ("1", "true"):
            categories = [c for c in categories if site.in_category(c.id)]
        if include:
            categories = [c for c in categories if c.id in include]
        slugs = {s for s in params.get("slug", "").split(",") if s}
        if slugs:
            categories = [c for c in categories if c.slug in slugs]
        if post_ids:
            posts = [site.by_id(i) for i in post_ids]
            wanted = {c for p in posts if p is not None for c in p.categories}
            categories = [c for c in categories if c.id in wanted]
        counts = {c.id: len(site.in_category(c.id)) for c in categories}
        keys: dict[str, Callable[[WpCategory], object]] = {
            "id": lambda c: c.id,
            "slug": lambda c: c.slug,
            "count": lambda c: (counts[c.id], c.name.lower()),
            "description": lambda c: c.description,
        }
        categories.sort(key=keys.get(orderby, lambda c: c.name.lower()), reverse=order == "desc")
        total = len(categories)
        chunk = categories[(page - 1) * per_page : page * per_page]
        body = [wp.category_json(self.theme, c) for c in chunk]
        return self._paged(query, "/wp/v2/categories", body, fields, total, page, per_page)

    def _no_terms(self, params: dict[str, str], key: tuple) -> Route:
        """The tags: none, the paging parameters checked all the same."""
        errors = _Errors()
        errors.paging(params)
        if errors:
            return errors.route(self)
        return key, lambda: self._json([], 200, ("X-WP-Total", "0"), ("X-WP-TotalPages", "0"))

    def _paged(
        self,
        query: list[tuple[str, str]],
        route: str,
        body: list[dict],
        fields: list[str],
        total: int,
        page: int,
        per_page: int,
    ) -> Route:
        """A collection's page with X-WP-Total, X-WP-TotalPages and the prev/next Link."""
        pages = -(-total // per_page)
        links = []
        if page > 1:
            links.append(f'<{self._page_link(route, query, min(page - 1, pages))}>; rel="prev"')
        if page < pages:
            links.append(f'<{self._page_link(route, query, page + 1)}>; rel="next"')
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        if links:
            headers.append(("Link", ", ".join(links)))
        picked = [_pick(item, fields) for item in body]
        return ("rest", route, tuple(query)), lambda: self._json(picked, 200, *headers)

    def _page_link(self, route: str, query: list[tuple[str, str]], page: int) -> str:
        pairs = [(k, str(page) if k == "page" else v) for k, v in query]
        if "page" not in dict(query):
            pairs.append(("page", str(page)))
        return f"{self.base_url}/wp-json{route}?{urlencode(pairs)}"


_DATE_PARAMS = ("after", "before", "modified_after", "modified_before")


def _PUBLISHED(post: WpPost) -> datetime:
    return post.published


def _MODIFIED(post: WpPost) -> datetime:
    return post.modified


_POST_SORT: dict[str, Callable[[WpPost], object]] = {
    "date": lambda p: (p.published, p.id),
    "modified": lambda p: (p.modified, p.id),
    "id": lambda p: p.id,
    "title": lambda p: (p.title.lower(), p.id),
    "slug": lambda p: p.slug,
    "author": lambda p: (p.author, p.published, p.id),
}


def _pick(value: dict, fields: list[str]) -> dict:
    return wp.pick_fields(value, fields) if fields else value


class _Errors:
    """rest_invalid_param: every bad parameter of a request, as WordPress reports them."""

    def __init__(self) -> None:
        self.params: dict[str, str] = {}
        self.details: dict[str, dict] = {}

    def __bool__(self) -> bool:
        return bool(self.params)

    def add(self, name: str, code: str, message: str) -> None:
        self.params[name] = message
        self.details[name] = {"code": code, "message": message, "data": None}

    def route(self, server: WordPressServer) -> Route:
        message = f"Invalid parameter(s): {', '.join(self.params)}"
        data = {"params": self.params, "details": self.details}
        return server._rest_error("rest_invalid_param", message, 400, **data)

    def integer(self, params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
        text = params.get(name, str(default)).strip()
        if not re.fullmatch(r"-?\d+", text):
            self.add(name, "rest_invalid_type", f"{name} is not of type integer.")
            return default
        value = int(text)
        if not low <= value <= high:
            if high >= 10**9:
                message = f"{name} must be greater than or equal to {low}"
            else:
                message = f"{name} must be between {low} (inclusive) and {high} (inclusive)"
            self.add(name, "rest_out_of_bounds", message)
            return default
        return value

    def paging(self, params: dict[str, str]) -> tuple[int, int]:
        page = self.integer(params, "page", 1, 1, 10**9)
        return page, self.integer(params, "per_page", 10, 1, MAX_PER_PAGE)

    def choice(self, params: dict[str, str], name: str, default: str, allowed: tuple) -> str:
        value = params.get(name, default)
        if value not in allowed:
            head, last = ", ".join(allowed[:-1]), allowed[-1]  # wp_sprintf's %l
            listed = f"{head} and {last}" if len(allowed) == 2 else f"{head}, and {last}"
            self.add(name, "rest_not_in_enum", f"{name} is not one of {listed}.")
            return default
        return value

    def date(self, params: dict[str, str], name: str, tz) -> datetime | None:
        text = params.get(name)
        if text is None:
            return None
        if not _REST_DATE.fullmatch(text.strip()):
            self.add(name, "rest_invalid_date", "Invalid date.")
            return None
        text = text.strip()
        if re.search(r"[+-]\d{2}$", text):
            text += ":00"
        when = datetime.fromisoformat(text.replace("z", "Z"))
        return when if when.tzinfo else when.replace(tzinfo=tz)  # naive: the site's clock

    def ids(self, query: list[tuple[str, str]], name: str) -> list[int]:
        """`name=3,7` or `name[]=3&name[]=7`."""
        values = [v for k, v in query if k in (name, f"{name}[]")]
        items = [item.strip() for value in values for item in value.split(",") if item.strip()]
        if not all(item.isdigit() for item in items):
            self.add(name, "rest_invalid_type", f"{name}[0] is not of type integer.")
            return []
        return [int(item) for item in items]


# ----- faults and the command ------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    path: str


class FaultTargets:
    """What FaultInjector reads of a site, for a WordPressSite: its posts' pages as the injector
    keys requests (`faults.path_key`: no trailing slash)."""

    def __init__(self, site: WordPressSite) -> None:
        self.articles = [_Page(post.path.rstrip("/")) for post in site.posts]


def wordpress_faults(
    plan: FaultPlan, site: WordPressSite, *, log: Path | None = None
) -> FaultInjector:
    """A FaultInjector whose counted kinds (persistent, garbled, ...) pick the site's posts."""
    return FaultInjector(plan, FaultTargets(site), log=log)  # type: ignore[arg-type]


def serve_wordpress(
    port: int,
    articles: int,
    *,
    seed: int = 0,
    api: bool = True,
    disallow: tuple[str, ...] = (),
    host: str = "127.0.0.1",
    faults: FaultPlan | None = None,
    fault_log: Path | None = None,
) -> None:
    """`humas-crawler replica --cms wordpress`: serve until Ctrl-C or SIGTERM."""
    site = WordPressSite(articles, seed=seed, api=api, disallow=disallow)
    injector = None
    if (faults is not None and faults.active) or fault_log is not None:
        injector = wordpress_faults(faults or FaultPlan(), site, log=fault_log)
    server = WordPressServer(site, host=host, port=port, faults=injector)
    api_note = "" if api else " (REST API off)"
    serve_until_stopped(
        server,
        injector,
        lambda url: f"replica of a WordPress newsroom with {len(site)} posts{api_note} at {url}/",
    )

"""HTTP server of the replica on loopback: routes, a page cache, a request log, a fault hook."""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from humas_crawler.replica import render
from humas_crawler.replica.model import ReplicaArticle, ReplicaSite

HTML = "text/html; charset=utf-8"
# Rendered pages kept per site revision; a 1,000-article site fits many times over.
CACHE_PAGES = 20_000


@dataclass(frozen=True)
class Request:
    """What the fault hook sees of an incoming request."""

    method: str
    path: str  # as sent, query included
    headers: Message


@dataclass(frozen=True)
class Wire:
    """How `_Handler._write` mistreats the connection when a Response carries one."""

    delay: float = 0.0  # seconds of silence before the first byte
    reset_after: int | None = None  # bytes of the head sent, then the connection is reset (RST)
    body_bytes: int | None = None  # bytes of the body sent (Content-Length stays whole), then close


@dataclass(frozen=True)
class Response:
    """A response before it is written; the fault hook may swap or alter it."""

    status: int
    body: bytes
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    wire: Wire | None = None  # a connection-level fault, None for a healthy write


class Faults:
    """The fault-injection extension point: the handler asks it before and after routing.

    This base class injects nothing. A subclass may answer instead of the site (`before`: a 500,
    a 429/503 with `Retry-After`, an off-host or looping redirect) or alter the site's answer
    (`after`: a wrong charset, an oversize or truncated body). Faults that act on the connection
    itself (resets, slow or truncated writes) are asked for by a Response's `wire` and carried out
    by `_Handler._write`, the one place that writes bytes. `faults.FaultInjector` does all of these.
    """

    def before(self, request: Request) -> Response | None:
        return None

    def after(self, request: Request, response: Response) -> Response:
        return response


@dataclass(frozen=True)
class RequestLog:
    method: str
    path: str  # with query
    status: int
    user_agent: str | None


def _html(status: int, text: str, *headers: tuple[str, str]) -> Response:
    return Response(status, text.encode("utf-8"), HTML, headers)


def _not_found(path: str) -> Response:
    return _html(404, render.not_found_page(path))


def _http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


@dataclass
class _Cache:
    revision: int = -1
    pages: dict[tuple, Response] = field(default_factory=dict)


class ReplicaServer:
    """Serve `site` on `host:port` (port 0: a free one) in a daemon thread."""

    def __init__(
        self,
        site: ReplicaSite,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        faults: Faults | None = None,
    ) -> None:
        self.site = site
        self.host = host
        self.faults = faults or Faults()
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._log: list[RequestLog] = []
        self._log_lock = threading.Lock()
        self._cache = _Cache()
        self._cache_lock = threading.Lock()

    # -- lifecycle

    def start(self) -> ReplicaServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self._requested_port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"replica-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the replica server is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- request log

    @property
    def requests(self) -> list[RequestLog]:
        with self._log_lock:
            return list(self._log)

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def count(self, prefix: str | None = None) -> int:
        """Requests received so far, or those whose path starts with `prefix`."""
        with self._log_lock:
            return sum(1 for r in self._log if prefix is None or r.path.startswith(prefix))

    def _record(self, entry: RequestLog) -> None:
        with self._log_lock:
            self._log.append(entry)

    # -- answering

    def respond(self, request: Request) -> Response:
        """The response to `request`: the fault hook's, or the site's (cached per revision)."""
        injected = self.faults.before(request)
        if injected is not None:
            return injected
        return self.faults.after(request, self._site_response(request.path))

    def _site_response(self, raw_path: str) -> Response:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        if path != "/":
            path = path.rstrip("/")
        page_value = parse_qs(parts.query).get("page", ["1"])[-1]
        page = int(page_value) if page_value.isdigit() else 0
        # Read before routing: a page built while a test mutates the site is cached under the
        # older revision, which the next request's revision check throws away.
        revision = self.site.revision
        key, build = self._route(path, page)
        return self._cached(revision, key, build)

    def _cached(self, revision: int, key: tuple | None, build: Callable[[], Response]) -> Response:
        """`build()`'s response, kept under `key` while the site stays at `revision` (read before
        routing); a None key is built every time."""
        if key is None:
            return build()
        with self._cache_lock:
            if self._cache.revision != revision:
                self._cache = _Cache(revision)
            cached = self._cache.pages.get(key)
        if cached is not None:
            return cached
        response = build()
        with self._cache_lock:
            if self._cache.revision == revision:
                if len(self._cache.pages) >= CACHE_PAGES:
                    self._cache.pages.pop(next(iter(self._cache.pages)))
                self._cache.pages[key] = response
        return response

    def _route(self, path: str, page: int) -> tuple[tuple | None, Callable[[], Response]]:
        """(cache key, builder) for a path; a None key is not cached (404s, redirects)."""
        site = self.site
        if path == "/robots.txt":
            return ("robots",), self._robots
        if path == "/sitemap.xml":
            return (("sitemap",), self._sitemap) if site.sitemap else (None, _missing(path))
        if path == "/":
            return ("home",), self._home
        if path == "/berita":
            if not 1 <= page <= site.page_count():
                return None, _missing(path)
            return ("listing", page), lambda: self._listing(None, page)
        head, _, slug = path.lstrip("/").partition("/")
        if not slug or "/" in slug:
            return None, _missing(path)
        if head == "kategori":
            if site.category_label(slug) is None or not 1 <= page <= site.page_count(slug):
                return None, _missing(path)
            return ("category", slug, page), lambda: self._listing(slug, page)
        if head in ("berita", "detailberita"):
            article = site.by_slug(slug)
            if article is None:
                how = site.taken_down(slug)
                if how == "410":
                    return None, lambda: _html(410, render.not_found_page(path))
                if how == "home":
                    return None, lambda: self._moved_to(self.base_url + "/")
                return None, _missing(path)
            if head == "detailberita" and article.form == "old":
                return None, _missing(path)
            if head == "berita" and article.form == "new":
                return None, lambda: self._moved(article)
            return ("article", slug), lambda: self._article(article)
        return None, _missing(path)

    # -- pages

    def _chrome(self) -> render.Chrome:
        site = self.site
        return render.Chrome(self.base_url, site.categories(), site.now, site.link_forms)

    def _robots(self) -> Response:
        site = self.site
        text = render.robots_txt(self.base_url, sitemap=site.sitemap, disallow=site.disallow)
        return Response(200, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _sitemap(self) -> Response:
        text = render.sitemap_xml(self.base_url, self.site.articles)
        return Response(200, text.encode("utf-8"), "application/xml; charset=utf-8")

    def _home(self) -> Response:
        latest = self.site.latest(10)
        return _html(200, render.home_page(self._chrome(), latest), *_modified(latest))

    def _listing(self, category_slug: str | None, page: int) -> Response:
        site = self.site
        if category_slug is None:
            heading, base_path = "Berita", "/berita"
            items = site.listing(page)
        else:
            heading = f"Kategori: {site.category_label(category_slug)}"
            base_path = f"/kategori/{category_slug}"
            items = site.category_listing(category_slug, page)
        html = render.listing_page(
            self._chrome(),
            heading=heading,
            base_path=base_path,
            page=page,
            page_count=site.page_count(category_slug),
            items=items,
            pinned=site.pinned_articles(),
            popular=site.popular_articles(),
        )
        return _html(200, html, *_modified(items))

    def _article(self, article: ReplicaArticle) -> Response:
        site = self.site
        chrome = self._chrome()
        read_also = site.read_also(article) if article.style.read_also else None
        if article.form == "new":
            html = render.new_article_page(
                article,
                chrome,
                latest=site.latest(5),
                popular=site.popular_articles(),
                read_also=read_also,
            )
        else:
            html = render.old_article_page(
                article,
                chrome,
                related=site.related(article),
                latest=site.latest(5),
                others=site.others(article),
                read_also=read_also,
            )
        return _html(200, html, ("Last-Modified", _http_date(article.last_modified)))

    def _moved(self, article: ReplicaArticle) -> Response:
        return self._moved_to(self.base_url + article.path, 301)

    def _moved_to(self, location: str, status: int = 302) -> Response:
        return _html(status, render.moved_page(location), ("Location", location))


def _missing(path: str) -> Callable[[], Response]:
    return lambda: _not_found(path)


def _modified(articles: list[ReplicaArticle]) -> tuple[tuple[str, str], ...]:
    if not articles:
        return ()
    newest = max(a.last_modified for a in articles)
    return (("Last-Modified", _http_date(newest)),)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: Any, replica: ReplicaServer) -> None:
        self.replica = replica
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a killed crawler resets its connections) is not an error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a crawler reuses its connections
    # Headers and body go out as two writes; without this, Nagle + delayed ACK stall each
    # response by ~40 ms on loopback.
    disable_nagle_algorithm = True
    server: _HTTPServer
    server_version = "Apache"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        replica = self.server.replica
        request = Request(self.command, self.path, self.headers)
        response = replica.respond(request)
        # Logged before the write: once a client holds the response, the log shows the request.
        replica._record(
            RequestLog(self.command, self.path, response.status, self.headers.get("User-Agent"))
        )
        try:
            self._write(response, head=head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _write(self, response: Response, *, head: bool) -> None:
        if response.wire is not None:
            self._write_faulty(response, response.wire, head=head)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _write_faulty(self, response: Response, wire: Wire, *, head: bool) -> None:
        """A stall, a reset before or inside the head, or a body cut short of its length."""
        if wire.delay:
            time.sleep(wire.delay)
        status = response.status
        lines = [
            f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}",
            f"Server: {self.version_string()}",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
            *(f"{name}: {value}" for name, value in response.headers),
        ]
        head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if wire.reset_after is not None:
            self.wfile.write(head_bytes[: wire.reset_after])
            self._reset()
            return
        self.wfile.write(head_bytes)
        if head:
            return
        if wire.body_bytes is not None:
            self.wfile.write(response.body[: wire.body_bytes])
            self.close_connection = True  # a FIN after the short body: the client sees EOF
            return
        self.wfile.write(response.body)

    def _reset(self) -> None:
        """Abort the connection: with a zero linger time, closing sends RST instead of FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        # The read buffer holds a reference to the socket: the descriptor (and the RST) goes only
        # when both are closed. The server's own shutdown later fails quietly on the closed socket.
        self.rfile.close()
        self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is `ReplicaServer.requests`, not stderr."""

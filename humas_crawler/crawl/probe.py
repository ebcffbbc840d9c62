"""`sites probe`: look at a site before crawling it, and draft its registry entry.

Three requests at most, with urllib (not Scrapy: this runs before any crawl): the page given
(the home page, usually), `/robots.txt` (its `Sitemap:` lines) and, unless the page is Joomla's,
WordPress's REST root (the one the page links, else `/wp-json/`): a site can hide WordPress's
generator tag, not its API. What the page shows is read by extract/cms.py; the entry's zone
follows the registry's rule (normalize/registry.py, docs/sites.md).
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from urllib.parse import urlsplit

from humas_crawler.defaults import MAX_BYTES, USER_AGENT
from humas_crawler.extract.cms import CUSTOM, JOOMLA, WORDPRESS, Detection, detect_cms
from humas_crawler.extract.decode import decode_page
from humas_crawler.normalize import zones
from humas_crawler.normalize.registry import (
    SiteEntry,
    base_url_of,
    host_province,
    name_for_host,
    province_name,
    resolve_zone,
)

MAX_REQUESTS = 4
_MAX_REDIRECTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class ProbeError(Exception):
    """The page could not be probed; the message says why, in one line."""


@dataclass
class ProbeResult:
    """What a probe of one URL found."""

    url: str  # as asked
    final_url: str  # after redirects
    detection: Detection
    api: bool | None = None  # the REST root answered with wp/v2; None: not asked
    api_url: str | None = None
    sitemap_urls: list[str] = field(default_factory=list)  # robots.txt's, then the page's
    evidence: list[str] = field(default_factory=list)
    requests: int = 0
    zone_hint: tuple[str, str] | None = None  # (label, why): WordPress's setting, else the page's

    @property
    def cms(self) -> str:
        return self.detection.cms

    @property
    def base_url(self) -> str:
        """`scheme://host[:port]` of the page after redirects."""
        return base_url_of(_origin(self.final_url))


@dataclass
class _Response:
    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = _MAX_REDIRECTS


def probe(url: str, *, timeout: float = 15, user_agent: str = USER_AGENT) -> ProbeResult:
    """Fetch `url`, `/robots.txt` and the REST root; the CMS and what the site offers.

    ProbeError (one line) when the page cannot be had: a bad URL, DNS, a refused connection,
    a timeout, a TLS failure, an HTTP error, a page that is not HTML."""
    try:
        base_url_of(_origin(url))
    except ValueError as exc:
        raise ProbeError(str(exc)) from None
    fetcher = _Fetcher(timeout, user_agent)
    home = fetcher.get(url, accept="text/html,application/xhtml+xml")
    if home.status >= 400:
        raise ProbeError(f"{url} answered HTTP {home.status}")
    sniff = home.body[:1024].lstrip().lower()
    is_html = home.content_type in _HTML_TYPES or (
        not home.content_type and sniff.startswith((b"<!doctype html", b"<html"))
    )
    if not is_html:
        shown = home.content_type or "none"
        raise ProbeError(f"{home.url} is not an HTML page (Content-Type: {shown})")
    html = decode_page(home.body, home.headers.get("Content-Type"))
    headers = {name: value for name, value in home.headers.items()}
    detection = detect_cms(html, headers, home.url)
    result = ProbeResult(url=url, final_url=home.url, detection=detection)
    result.evidence = list(detection.evidence)
    if _origin(home.url) != _origin(url):
        result.evidence.insert(0, f"redirected to {home.url}")
    origin = _origin(home.url)

    robots_sitemaps = _robots(fetcher, origin, result.evidence)
    result.sitemap_urls = list(dict.fromkeys([*robots_sitemaps, *detection.sitemap_urls]))

    if detection.cms != JOOMLA:
        api_url = detection.api_url or f"{origin}/wp-json/"
        result.api_url = api_url
        root = _rest_api(fetcher, api_url, result.evidence)
        result.api = root is not None
        result.zone_hint = _wordpress_zone(root or {})
        if result.api and detection.cms != WORDPRESS:
            detection.cms = WORDPRESS
            result.evidence = [line for line in result.evidence if not line.endswith(": custom")]
            result.evidence.append("WordPress: its REST API answers (the page hides it)")
        if not result.api and not detection.api_url:
            result.api_url = None
    result.zone_hint = result.zone_hint or detection.zone_hint
    result.requests = fetcher.requests
    return result


def _wordpress_zone(root: dict) -> tuple[str, str] | None:
    """The zone WordPress's own setting gives (the REST root's `timezone_string`, else its
    `gmt_offset`), when it is Indonesian: many sites keep the default, UTC."""
    name = root.get("timezone_string")
    if isinstance(name, str) and name:
        try:
            return zones.zone(name).label, f"WordPress's timezone is {name}"
        except ValueError:
            pass
    offset = root.get("gmt_offset")
    try:
        hours = float(offset)  # type: ignore[arg-type]  # 8, 8.0 or "8"
        if hours.is_integer():
            return zones.zone(f"+{int(hours)}").label, f"WordPress's gmt_offset is {offset}"
    except (TypeError, ValueError):  # not a number, or not an Indonesian offset (UTC: 0)
        pass
    return None


def _robots(fetcher: _Fetcher, origin: str, evidence: list[str]) -> list[str]:
    """The `Sitemap:` lines of `origin`/robots.txt; what was found goes to `evidence`."""
    try:
        robots = fetcher.get(f"{origin}/robots.txt", accept="text/plain")
    except ProbeError as exc:
        evidence.append(f"robots.txt: {exc}")
        return []
    if robots.status >= 400:
        evidence.append(f"robots.txt: HTTP {robots.status}")
        return []
    text = robots.body.decode("utf-8", errors="replace")
    sitemaps = []
    disallowed = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.split("#")[0].strip()
        if name == "sitemap" and value:
            sitemaps.append(value)
        elif name == "disallow" and value in ("/wp-admin/", "/administrator/"):
            disallowed.append(value)
    found = f"{len(sitemaps)} sitemap(s)" if sitemaps else "no Sitemap line"
    evidence.append(f"robots.txt: {found}" + "".join(f"; disallows {p}" for p in disallowed))
    return list(dict.fromkeys(sitemaps))


def _rest_api(fetcher: _Fetcher, api_url: str, evidence: list[str]) -> dict | None:
    """The JSON `api_url` answers when its `namespaces` include `wp/v2`, else None."""
    shown = urlsplit(api_url).path or api_url
    try:
        answer = fetcher.get(api_url, accept="application/json")
    except ProbeError as exc:
        evidence.append(f"{shown}: {exc}")
        return None
    if answer.status >= 400:
        evidence.append(f"{shown}: HTTP {answer.status}")
        return None
    try:
        data = json.loads(answer.body.decode("utf-8-sig", errors="replace"))
    except ValueError:
        evidence.append(f"{shown}: not JSON")
        return None
    namespaces = data.get("namespaces") if isinstance(data, dict) else None
    if isinstance(namespaces, list) and "wp/v2" in namespaces:
        evidence.append(f"REST API {shown} answers with namespace wp/v2")
        return data
    evidence.append(f"{shown}: JSON without the wp/v2 namespace")
    return None


class _Fetcher:
    """GET with the crawler's User-Agent, redirects followed (5 at most), bodies capped."""

    def __init__(self, timeout: float, user_agent: str) -> None:
        self.timeout = timeout
        self.user_agent = user_agent
        self.requests = 0
        self.opener = urllib.request.build_opener(_Redirects())

    def get(self, url: str, *, accept: str) -> _Response:
        if self.requests >= MAX_REQUESTS:  # pragma: no cover - a bug, not a site's doing
            raise ProbeError(f"more than {MAX_REQUESTS} requests")
        self.requests += 1
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept": accept}
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return _Response(
                    response.geturl(), response.status, response.headers, self._read(response)
                )
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code < 400:  # the redirect handler gave up
                raise ProbeError(f"cannot reach {url}: {' '.join(str(exc.msg).split())}") from None
            return _Response(exc.geturl() or url, exc.code, exc.headers, b"")
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            raise ProbeError(f"cannot reach {url}: {_reason(exc, self.timeout)}") from None

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        body = response.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            raise ProbeError(f"{response.geturl()}: larger than {MAX_BYTES} bytes, refused")
        return body


def _reason(exc: BaseException, timeout: float) -> str:
    """Why a request failed, in a few words."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return "host not found (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "the server closed the connection without an answer"
    if isinstance(reason, urllib.error.HTTPError):  # pragma: no cover - handled by the caller
        return f"HTTP {reason.code}"
    text = str(reason) or type(reason).__name__
    return " ".join(text.split())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _paths(paths: list[str]) -> tuple[str, ...]:
    """The paths a registry entry can hold (from '/', no white space)."""
    return tuple(p for p in paths if p.startswith("/") and not any(c.isspace() for c in p))


def probe_entry(
    url: str,
    province: str | None = None,
    timezone: str | None = None,
    *,
    timeout: float = 15,
    user_agent: str = USER_AGENT,
) -> tuple[SiteEntry, list[str]]:
    """A registry entry for the site at `url`, and the lines that explain it (evidence first,
    then what was assumed). The zone: `timezone`, else the province's, else (a host under
    kaltimprov.go.id) WITA, else WIB with `zone_assumed` set and a line saying so.
    ValueError for a province or zone that is none; ProbeError when the site cannot be had."""
    province_shown = None
    if province is not None:
        province_shown = province_name(province)
        if province_shown is None:
            raise ValueError(f"{province!r} is not one of Indonesia's 38 provinces")
    if timezone is not None:
        timezone = zones.zone(timezone).label
    result = probe(url, timeout=timeout, user_agent=user_agent)
    detection = result.detection
    base_url = result.base_url
    host = urlsplit(base_url).hostname or ""
    lines = list(result.evidence)
    if province_shown is None and timezone is None and host_province(host):
        province_shown = host_province(host)
        lines.append(f"host under kaltimprov.go.id: province {province_shown}")
    label, assumed = resolve_zone(timezone, province_shown, [host])
    hint, from_page = result.zone_hint, False
    if assumed and hint is not None:
        label, assumed, from_page = hint[0], False, True
        lines.append(f"no --timezone or --province: zone {label}, as {hint[1]}")
    elif hint is not None and hint[0] != label:
        lines.append(f"zone {label}, though {hint[1]}: check --timezone")
    if assumed:
        lines.append(f"no --timezone or --province: assumed {label} ({zones.ZONES[label].offset})")
    elif timezone and province_shown:
        own = zones.province_zone(province_shown)
        if own is not None and own.label != timezone:
            lines.append(f"--timezone {timezone} differs from {province_shown}'s zone {own.label}")
    aliases = ()
    asked = base_url_of(_origin(url))
    if urlsplit(asked).hostname != host or urlsplit(asked).port != urlsplit(base_url).port:
        aliases = (asked,)
    notes = [f"probed {date.today().isoformat()}: {detection.cms}"]
    page_signs = [line for line in detection.evidence if not line.endswith(": custom")]
    if page_signs and detection.cms != CUSTOM:
        notes.append(page_signs[0])
    if result.api:
        notes.append(f"REST API {urlsplit(result.api_url or '').path}")
    if detection.feed_urls:
        notes.append(f"feed {detection.feed_urls[0]}")
    if result.sitemap_urls:
        notes.append(f"sitemap {result.sitemap_urls[0]}")
    if assumed:
        notes.append(f"zone {label} assumed")
    elif from_page and hint is not None:
        notes.append(f"zone {label}: {hint[1]}")
    entry = SiteEntry(
        name=name_for_host(urlsplit(base_url).netloc),
        base_url=base_url,
        timezone=label,
        cms=detection.cms,
        province=province_shown,
        title=detection.title,
        hosts=(host,),
        listings=_paths(detection.listing_paths),
        article_paths=_paths(detection.article_paths),
        aliases=aliases,
        notes="; ".join(notes),
        origin="probe",
        zone_assumed=assumed,
    )
    return entry, lines

"""Which CMS serves a page (WordPress, Joomla or a site's own), and what it offers to a crawler.

`detect_cms` reads one page (a site's home page, usually) and its HTTP headers: the generator
meta, WordPress's REST API link (`<link rel="https://api.w.org/">` or the `Link` header), feed
links, `wp-content` paths, Joomla's K2 markup and `com_*` links, `?start=` pagination. It also
guesses listing routes and article path prefixes from the page's links. No network: `sites
probe` (crawl/probe.py) fetches, this reads. Each finding is a human-readable evidence line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from parsel import Selector

from humas_crawler.extract import deep
from humas_crawler.normalize import zones
from humas_crawler.normalize.registry import CMS_FAMILIES, province_name

WORDPRESS, JOOMLA, CUSTOM = CMS_FAMILIES
API_REL = "https://api.w.org/"

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_K2_CLASSES = (
    "itemView",
    "catItemView",
    "itemListView",
    "userItemView",
    "tagItemView",
    "genericItemView",
    "k2ItemsBlock",
)
_K2_CLASS_RE = re.compile(r"(?<![\w-])(?:" + "|".join(_K2_CLASSES) + r")(?![\w-])")
_JOOMLA_LINK_RE = re.compile(r"option=com_\w+|/components/com_\w+|/media/k2/", re.I)
_JOOMLA_MEDIA_RE = re.compile(r"/media/(?:jui|system)/(?:js|css)/", re.I)
_WP_PATH_RE = re.compile(r"/wp-(?:content|includes)/", re.I)
_LINK_HEADER_RE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_PAGE_PARAMS = frozenset({"page", "halaman", "hal", "p", "paged", "start", "limitstart"})
_PAGE_PATH_RE = re.compile(r"/(?:page|halaman|hal)/\d+/?$", re.I)
_CATEGORY_RE = re.compile(r"^(.*?/category/[^/]+)(?:/|$)", re.I)
_SLUG_RE = re.compile(r"^(?:\d+-)?[a-z0-9]+(?:-[a-z0-9]+){2,}$", re.I)
_PAGE_EXTENSIONS = ("", ".html", ".htm", ".php", ".aspx")
# Path segments of routes that are not articles (listings, files, APIs).
_NOT_ARTICLE = frozenset(
    {
        "category",
        "kategori",
        "tag",
        "tags",
        "author",
        "page",
        "feed",
        "wp-content",
        "wp-includes",
        "wp-json",
        "wp-admin",
        "itemlist",
        "search",
        "cari",
        "uploads",
        "images",
        "media",
        "assets",
        "static",
    }
)


@dataclass
class Detection:
    """What a page says about the CMS behind it and the routes it links."""

    cms: str  # wordpress | joomla | custom
    evidence: list[str] = field(default_factory=list)
    api_url: str | None = None  # the WordPress REST root the page or its headers link
    feed_urls: list[str] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    listing_paths: list[str] = field(default_factory=list)
    article_paths: list[str] = field(default_factory=list)
    generator: str | None = None
    title: str | None = None  # the site's name: og:site_name, else the page's <title>
    zone_hint: tuple[str, str] | None = None  # (zone label, why): what the page says of it


def detect_cms(html: str, headers: Mapping[str, str], url: str) -> Detection:
    """The CMS of the page `html` fetched from `url` with response `headers`, with evidence.

    WordPress when the page shows a WordPress generator, the REST API link (in the head or the
    `Link` header), `wp-content`/`wp-includes` paths or a pingback link; Joomla when it shows a
    Joomla generator, K2 markup, `com_*` links or Joomla's media paths; the more such signs wins.
    A `/feed/` link or `?start=` pagination alone is too common to decide: custom then.
    """
    selector = deep.parse_page(html) if html.strip() else Selector(text="<html></html>")
    header = {name.lower(): value for name, value in headers.items()}
    wordpress: list[str] = []
    joomla: list[str] = []
    other: list[str] = []
    found = Detection(cms=CUSTOM)

    for content in selector.xpath(
        "//meta[translate(@name, 'GENRATO', 'genrato')='generator']/@content"
    ).getall():
        content = " ".join(content.split())
        if not content:
            continue
        found.generator = found.generator or content
        line = f"generator meta: {content}"
        if content.lower().startswith("wordpress"):
            wordpress.append(line)
        elif content.lower().startswith("joomla"):
            joomla.append(line)
        else:
            other.append(line)

    api_href = selector.xpath(f'//link[@rel="{API_REL}"]/@href').get()
    if api_href and api_href.strip():
        found.api_url = urljoin(url, api_href.strip())
        wordpress.append(f"link rel={API_REL} -> {_shown(found.api_url, url)}")
    header_api = _link_header_api(header.get("link", ""), url)
    if header_api:
        found.api_url = found.api_url or header_api
        wordpress.append(f"Link header rel={API_REL}")
    if "x-pingback" in header or selector.xpath('//link[@rel="pingback"]'):
        wordpress.append("pingback (xmlrpc.php)")

    refs = [
        value.strip()
        for value in selector.xpath("//@href | //@src | //@srcset | //@data-src").getall()
        if value.strip()
    ]
    wp_refs = [ref for ref in refs if _WP_PATH_RE.search(ref)]
    if any(_own_or_wp_cdn(ref, url) for ref in wp_refs):
        wordpress.append("wp-content paths")
    elif wp_refs:
        other.append("wp-content paths on another host only")
    if _has_k2_markup(selector):
        joomla.append("K2 markup (itemView/catItemView)")
    if any(_JOOMLA_LINK_RE.search(ref) for ref in refs):
        joomla.append("com_k2/com_content links")
    if any(_JOOMLA_MEDIA_RE.search(ref) for ref in refs):
        joomla.append("Joomla media paths (/media/jui, /media/system)")

    found.feed_urls = _feeds(selector, url)
    weak: list[str] = []
    wp_feeds = [f for f in found.feed_urls if urlsplit(f).path.rstrip("/").endswith("/feed")]
    if wp_feeds:
        weak.append(f"feed link {_shown(wp_feeds[0], url)}")
    elif found.feed_urls:
        other.append(f"feed link {_shown(found.feed_urls[0], url)}")
    links = _on_site_links(selector, url)
    if any("start" in dict(parse_qsl(urlsplit(link).query)) for link in links):
        weak.append("?start= pagination")
    found.sitemap_urls = _unique(
        urljoin(url, href.strip())
        for href in selector.xpath('//link[@rel="sitemap"]/@href').getall()
        if href.strip()
    )

    if wordpress and len(wordpress) >= len(joomla):
        found.cms = WORDPRESS
    elif joomla:
        found.cms = JOOMLA
    found.evidence = [*wordpress, *joomla, *weak, *other]
    if found.cms == CUSTOM:
        found.evidence.append(
            "no WordPress or Joomla markers: custom"
            if not weak
            else "only weak signs of a CMS: custom"
        )
    title = (
        selector.xpath('//meta[@property="og:site_name"]/@content').get()
        or selector.xpath("//title/text()").get()
    )
    found.title = " ".join((title or "").split())[:200] or None
    found.zone_hint = _zone_hint(selector, found.title)
    found.article_paths = guess_article_paths(links)
    found.listing_paths = guess_listing_paths(found.cms, links)
    # A section the page links whose children are its articles (`/berita` over `/berita/<slug>`).
    paths = {urlsplit(link).path.rstrip("/") for link in links if not urlsplit(link).query}
    for prefix in found.article_paths:
        section = prefix.rstrip("/")
        if prefix.endswith("/") and section in paths and section not in found.listing_paths:
            found.listing_paths.append(section)
        if found.cms == JOOMLA and prefix.endswith("/item/"):
            # K2 items under a menu item (`/index.php/berita/item/12-x`): that menu item's list
            # (`/index.php/berita`) holds them all, newest first; it goes first.
            main = prefix.removesuffix("/item/")
            if main in found.listing_paths:
                found.listing_paths.remove(main)
            found.listing_paths.insert(0, main)
    return found


def _zone_hint(selector: Selector, title: str | None) -> tuple[str, str] | None:
    """The zone the page's times are printed in (`10.00 WITA`, most often), else that of the
    province the site's name names (`... Provinsi Jawa Timur`)."""
    shown = " ".join(
        selector.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()
    )
    printed = zones.zone_in_text(shown)
    if printed is not None:
        zone, count = printed
        return zone.label, f"the page prints {zone.label} {count} times"
    province = zones.province_in_name(title or "")
    if province is not None:
        label = zones.PROVINCE_ZONES[province]
        return label, f"its name ({title}) is of {province_name(province)}"
    return None


def _own_or_wp_cdn(ref: str, url: str) -> bool:
    """Whether `ref` is on the page's host (relative included) or WordPress.com's image CDN."""
    try:
        host = urlsplit(urljoin(url, ref.split()[0])).hostname or ""
    except ValueError:
        return False
    return _bare(host) == _bare(urlsplit(url).hostname or "") or host.endswith(".wp.com")


def _has_k2_markup(selector: Selector) -> bool:
    return any(_K2_CLASS_RE.search(value) for value in selector.xpath("//@class | //@id").getall())


def _link_header_api(value: str, url: str) -> str | None:
    """The REST root a `Link: <...>; rel="https://api.w.org/"` header names, else None."""
    for target, params in _LINK_HEADER_RE.findall(value):
        for param in params.split(";"):
            name, _, rel = param.partition("=")
            if name.strip().lower() == "rel" and API_REL in rel.strip().strip('"').split():
                return urljoin(url, target.strip())
    return None


def _feeds(selector: Selector, url: str) -> list[str]:
    feeds = []
    for link in selector.xpath('//link[contains(concat(" ", @rel, " "), " alternate ")]'):
        kind = (link.xpath("@type").get() or "").strip().lower()
        href = (link.xpath("@href").get() or "").strip()
        if kind in _FEED_TYPES and href:
            absolute = urljoin(url, href)
            if "/comments/feed" not in urlsplit(absolute).path:
                feeds.append(absolute)
    return _unique(feeds)


def _on_site_links(selector: Selector, url: str) -> list[str]:
    """The page's `<a href>` links on its own host (with or without `www.`), absolute."""
    own = _bare(urlsplit(url).hostname or "")
    links = []
    for href in selector.xpath("//a/@href").getall():
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            absolute = urljoin(url, href)
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and _bare(parts.hostname or "") == own:
            links.append(absolute)
    return links


def guess_listing_paths(cms: str, links: Iterable[str]) -> list[str]:
    """Listing routes a page links: WordPress category archives (`/category/<slug>/`), Joomla
    K2 item lists and com_content category views, and for every CMS the routes of paged links
    (`?page=2`, `/page/2/`, `?start=10` without their paging). Most linked first, at most 10."""
    counts: Counter[str] = Counter()
    for link in links:
        parts = urlsplit(link)
        path = parts.path or "/"
        query = dict(parse_qsl(parts.query))
        if cms == WORDPRESS:
            category = _CATEGORY_RE.match(path)
            if category:
                counts[category.group(1) + "/"] += 1
                continue
        if cms == JOOMLA:
            if "/itemlist/tag/" in path or query.get("task") == "tag":
                continue  # a tag's list repeats items the category lists hold
            if "/itemlist/" in path or query.get("task", "").startswith(("category", "user")):
                counts[path] += 1
                continue
            if query.get("view") == "category":
                kept = {k: v for k, v in query.items() if k in ("option", "view", "id")}
                counts[f"{path}?{urlencode(kept)}"] += 1
                continue
        paged = _PAGE_PATH_RE.search(path)
        if paged or _PAGE_PARAMS & set(query):
            route = path[: paged.start()] if paged else path
            rest = {k: v for k, v in query.items() if k not in _PAGE_PARAMS}
            route = (route or "/") + (f"?{urlencode(rest)}" if rest else "")
            counts[route] += 1
    return [route for route, _ in counts.most_common(10)]


def guess_article_paths(links: Iterable[str]) -> list[str]:
    """Path prefixes of the links that look like articles (a last segment of three or more
    hyphenated words, maybe after a numeric id, maybe ending `.html`): `/berita/` for
    `/berita/<slug>`, `/view-detail-news-` for `/view-detail-news-<id>/<slug>.html`. A prefix
    is cut before its first digit (ids and dates vary); prefixes that come down to `/` are
    left out (root permalinks tell nothing). The most common first, at most 3, each seen twice
    or more and at least a quarter as often as the first."""
    counts: Counter[str] = Counter()
    for link in _unique(links):
        prefix = article_prefix(urlsplit(link).path)
        if prefix:
            counts[prefix] += 1
    ranked = counts.most_common()
    if not ranked:
        return []
    top = ranked[0][1]
    return [prefix for prefix, count in ranked[:3] if count >= 2 and count * 4 >= top]


def article_prefix(path: str) -> str | None:
    """The article path prefix of `path` when it looks like an article's, else None."""
    segments = [segment for segment in path.split("/") if segment]
    if len(segments) < 2:
        return None
    last = segments[-1]
    stem, dot, extension = last.rpartition(".")
    if dot and f".{extension.lower()}" in _PAGE_EXTENSIONS:
        last = stem
    elif dot:
        return None  # an image, a PDF, a script
    if not _SLUG_RE.match(last):
        return None
    if any(segment.lower() in _NOT_ARTICLE for segment in segments[:-1]):
        return None
    prefix = "/"
    for segment in segments[:-1]:
        digit = re.search(r"\d", segment)
        if digit:
            prefix += segment[: digit.start()]
            break
        prefix += segment + "/"
    return None if prefix == "/" else prefix


def _shown(link: str, url: str) -> str:
    """A link as an evidence line shows it: its path when on the page's host."""
    parts, page = urlsplit(link), urlsplit(url)
    if _bare(parts.hostname or "") == _bare(page.hostname or "") and parts.port == page.port:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return link


def _bare(host: str) -> str:
    return host.lower().removeprefix("www.")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))

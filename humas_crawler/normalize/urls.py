"""Canonical URLs of the site, and which of them are articles."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as w3lib_canonicalize_url
from w3lib.url import url_query_cleaner

DEFAULT_BASE_URL = "https://www.kaltimprov.go.id"
DEFAULT_SITE_NAME = "kaltimprov"
# WordPress's date permalinks (`/2023/06/06/<slug>/`, `/2023/06/<slug>/`), under `/index.php`
# on servers without rewriting.
WORDPRESS_ARTICLE_PATTERN = r"^/(?:index\.php/)?\d{4}/\d{2}/(?:\d{2}/)?(?P<slug>[^/]+)/?$"
# `/berita/<slug>` on the older site, `/detailberita/<slug>` on the current one (2025 on). The
# site profile (extract/profile.py) names these two values for its selectors.
ARTICLE_PATH_PREFIXES: tuple[str, ...] = ("/berita/", "/detailberita/")
# Query parameters that only say where a visitor came from: they never change the page.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "_ga"})
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)
_HTTP_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _bare_host(hostname: str) -> str:
    """The host without `www.`: the site answers on both."""
    return hostname.removeprefix("www.")


def _is_tracking(name: str) -> bool:
    return name.lower() in TRACKING_PARAMS or name.lower().startswith(TRACKING_PREFIXES)


def _split_http(url: str) -> SplitResult | None:
    """`url` split, or None unless it is an absolute http(s) URL with a host and a valid port."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is out of range or not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in _HTTP_SCHEMES or not parts.hostname:
        return None
    return parts


@dataclass(frozen=True)
class Site:
    """The crawled site, as given by its base URL (the real site or a local replica)."""

    scheme: str
    host: str  # hostname plus `:port` when the port is not the scheme's default
    hostname: str
    port: int | None  # None for the scheme's default port
    article_path_prefixes: tuple[str, ...] = ARTICLE_PATH_PREFIXES
    name: str = DEFAULT_SITE_NAME  # the registry's name: articles.site
    zone: str = "WITA"  # WIB, WITA or WIT: how times shown without a zone are read
    # A regular expression over a canonical path with a `slug` group: which paths are articles,
    # instead of `article_path_prefixes` (WordPress permalinks, `/2023/06/06/<slug>/`).
    article_pattern: str | None = None
    # Whether a path keeps its trailing slash (WordPress redirects `/x` to `/x/`; Kaltim's site
    # answers both).
    trailing_slash: bool = False

    @classmethod
    def from_base_url(cls, base_url: str = DEFAULT_BASE_URL) -> Site:
        """The site at `base_url` (one shared instance per base URL: sites are immutable)."""
        if cls is Site:
            return _site(base_url)
        return cls._parse(base_url)

    @classmethod
    def _parse(cls, base_url: str) -> Site:
        parts = _split_http(base_url.strip())
        if parts is None or parts.hostname is None:
            raise ValueError(f"not an http(s) base URL with a host: {base_url!r}")
        scheme = parts.scheme.lower()
        port = parts.port if parts.port != _DEFAULT_PORTS[scheme] else None
        return cls(scheme=scheme, host=_clean_netloc(parts), hostname=parts.hostname, port=port)

    def __hash__(self) -> int:
        # Sites key the URL caches below, several times per link: hash the fields once. The
        # value stays out of pickles (string hashes differ from one process to another).
        try:
            return self.__dict__["_hash"]
        except KeyError:
            value = hash(
                (
                    self.scheme,
                    self.host,
                    self.hostname,
                    self.port,
                    self.article_path_prefixes,
                    self.name,
                    self.zone,
                    self.article_pattern,
                    self.trailing_slash,
                )
            )
            object.__setattr__(self, "_hash", value)
            return value

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def configured(
        self,
        *,
        name: str | None = None,
        zone: str | None = None,
        article_path_prefixes: tuple[str, ...] | None = None,
        article_pattern: str | None = None,
        trailing_slash: bool | None = None,
    ) -> Site:
        """This site under a registry entry's name, zone and article paths."""
        changes: dict[str, object] = {}
        if article_pattern is not None:
            changes["article_pattern"] = article_pattern
        if trailing_slash is not None:
            changes["trailing_slash"] = trailing_slash
        if name is not None:
            changes["name"] = name
        if zone is not None:
            changes["zone"] = zone
        if article_path_prefixes is not None:
            changes["article_path_prefixes"] = tuple(article_path_prefixes)
        if not changes:
            return self
        fresh = dict(self.__dict__)
        fresh.pop("_hash", None)
        fresh.update(changes)
        return Site(**fresh)

    def is_on_site(self, url: str | None) -> bool:
        """Whether `url` (absolute) is on this site, with or without `www.`, over http or https."""
        if not isinstance(url, str):
            return False
        parts = _split_http(url.strip())
        return parts is not None and self._owns(parts)

    def _owns(self, parts: SplitResult) -> bool:
        if parts.hostname is None or _bare_host(parts.hostname) != _bare_host(self.hostname):
            return False
        if self.port is not None:
            # A replica on a non-default port: another port is another server.
            return parts.port == self.port
        return parts.port in (None, _DEFAULT_PORTS[parts.scheme.lower()])

    def canonicalize(self, url: str | None, base: str | None = None) -> str | None:
        """The canonical absolute form of `url`, or None when it is not an http(s) URL.

        Relative URLs are resolved against `base` (default: the site's root).
        """
        if not isinstance(url, str) or not url.strip():
            return None
        # Pages repeat the same links (menus, sidebars) on every page: canonicalize each once.
        # Only a path-relative link depends on the page it is on; others need its origin at most.
        href = url.strip()
        if _ABSOLUTE.match(href):
            key_base = None
        elif href.startswith("/") and base:
            key_base = _origin(base)
        else:
            key_base = base
        return _canonicalize_cached(self, href, key_base)

    def _canonicalize(self, url: str, base: str | None) -> str | None:
        try:
            absolute = urljoin(base or self.base_url + "/", url.strip())
        except ValueError:  # e.g. an unclosed `[` of an IPv6 host
            return None
        parts = _split_http(absolute)
        if parts is None:
            return None  # javascript:, mailto:, data:, ... or no host
        if self._owns(parts):
            if not parts.query and _PLAIN_PATH.match(parts.path) and "/." not in parts.path:
                # Most links: a plain on-site path, already canonical once the scheme, host,
                # fragment and trailing slash are settled (w3lib would change nothing else).
                if self.trailing_slash:
                    return f"{self.base_url}{parts.path or '/'}"
                return f"{self.base_url}{parts.path.rstrip('/') or '/'}"
            parts = parts._replace(scheme=self.scheme, netloc=self.host)
        else:
            parts = parts._replace(scheme=parts.scheme.lower(), netloc=_clean_netloc(parts))
        strip = _strip_trailing_slash if not self.trailing_slash else _keep
        url = urlunsplit(strip(parts))
        for _ in range(3):
            try:
                # Sorts the query, drops the fragment, normalizes percent-encoding and dots.
                cleaned = w3lib_canonicalize_url(url)
            except ValueError:  # UnicodeError included: a host that IDNA cannot encode
                return None
            # Stripped again: w3lib can expose a new trailing slash (`/berita/;` loses its `;`),
            # and then the next round has more to do (`/berita/;/.` -> `/berita/;` -> `/berita`).
            again = urlunsplit(strip(urlsplit(_drop_tracking_params(cleaned))))
            if again == url:
                break
            url = again
        return url

    def in_current_form(self, url: str) -> str:
        """An article URL in the site's current form (the last of `article_path_prefixes`):
        `/berita/<slug>` -> `/detailberita/<slug>`; any other URL as it is."""
        slug = self.article_slug(url)
        current = self.article_path_prefixes[-1]
        if slug is None or urlsplit(url).path.startswith(current):
            return url
        return f"{self.base_url}{current}{slug}"

    def is_article_url(self, url: str | None) -> bool:
        return self.article_slug(url) is not None

    def article_slug(self, url: str | None) -> str | None:
        """`<slug>` of an on-site `/berita/<slug>` or `/detailberita/<slug>` URL, else None."""
        if not isinstance(url, str):
            return None
        return _article_slug_cached(self, url)

    def _article_slug(self, url: str) -> str | None:
        canonical = self.canonicalize(url)
        # Canonical on-site URLs all start with the site's own scheme and host.
        if canonical is None or not canonical.startswith(self.base_url + "/"):
            return None
        path = urlsplit(canonical).path
        if self.article_pattern is not None:
            match = _pattern(self.article_pattern).match(path)
            return match["slug"] if match else None
        for prefix in self.article_path_prefixes:
            if path.startswith(prefix):
                slug = path[len(prefix) :]
                # `/berita/page/2`, `/berita/kategori/x` are listings, not articles.
                return slug if slug and "/" not in slug else None
        return None


@functools.lru_cache(maxsize=16)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _keep(parts: SplitResult) -> SplitResult:
    return parts


def _strip_trailing_slash(parts: SplitResult) -> SplitResult:
    return parts._replace(path=parts.path.rstrip("/") or "/")


def _clean_netloc(parts: SplitResult) -> str:
    """Lowercase host plus a non-default port; credentials dropped."""
    assert parts.hostname is not None  # checked by _split_http
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if parts.port is not None and parts.port != _DEFAULT_PORTS[parts.scheme.lower()]:
        return f"{host}:{parts.port}"
    return host


def _drop_tracking_params(url: str) -> str:
    query = urlsplit(url).query
    if not query:
        return url
    names = {pair.partition("=")[0] for pair in query.split("&")}
    tracking = [name for name in names if _is_tracking(name)]
    if not tracking:
        return url
    # unique=False: a repeated real parameter (`?id=1&id=2`) stays as it is.
    return url_query_cleaner(url, tracking, remove=True, unique=False)


# Segments of unreserved characters only: nothing for w3lib to encode, decode or drop.
_PLAIN_PATH = re.compile(r"^(?:/[A-Za-z0-9._~-]+)*/?$")
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@functools.lru_cache(maxsize=1024)
def _origin(url: str) -> str:
    """`scheme://netloc/` of a URL: all that a root- or scheme-relative link takes from it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


@functools.lru_cache(maxsize=1 << 14)
def _canonicalize_cached(site: Site, url: str, base: str | None) -> str | None:
    return site._canonicalize(url, base)


@functools.lru_cache(maxsize=1 << 14)
def _article_slug_cached(site: Site, url: str) -> str | None:
    return site._article_slug(url)


@functools.lru_cache(maxsize=64)
def _site(base_url: str) -> Site:
    return Site._parse(base_url)


def canonicalize_url(url: str | None, base_url: str = DEFAULT_BASE_URL) -> str | None:
    """`Site.from_base_url(base_url).canonicalize(url)`, with the Site cached."""
    return _site(base_url).canonicalize(url)

"""The site registry: which provincial news sites the crawler knows, as data (docs/sites.md).

The package ships `data/sites.toml`; a user registry (`--sites FILE` or `$HUMAS_SITES`) adds
entries and replaces shipped ones of the same name. Every entry says where a site lives (base
URL, hosts, older domains), which zone its pages' times are in, which CMS serves it and where its
listings and articles are. Loading is strict: each problem is a RegistryError naming the file,
the entry, the field and what is wrong. No network here (`sites probe` lives in crawl/probe.py).
"""

from __future__ import annotations

import functools
import json
import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from humas_crawler.normalize import zones

CMS_FAMILIES = ("wordpress", "joomla", "custom")
SITES_ENV = "HUMAS_SITES"
BUILTIN = "builtin"
# A zone nothing gave (no `timezone`, no `province`): that of most provinces (18 of 38).
ASSUMED_ZONE = "WIB"
# Hosts whose province the project knows without being told: every Kaltim sub-site is in
# East Kalimantan (WITA).
HOST_PROVINCES: dict[str, str] = {"kaltimprov.go.id": "Kalimantan Timur"}

_KEYS = (
    "name",
    "title",
    "province",
    "base_url",
    "hosts",
    "timezone",
    "cms",
    "listings",
    "article_paths",
    "aliases",
    "notes",
)
_REQUIRED = ("name", "base_url", "cms")
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Province names as written: the zone table's keys are lower case.
_UPPER_WORDS = {"di": "DI", "dki": "DKI"}


class RegistryError(ValueError):
    """A registry file that cannot be used: the message names the file, the entry, the field."""


@dataclass(frozen=True)
class SiteEntry:
    """One site of the registry: a `[[site]]` table, checked and resolved."""

    name: str
    base_url: str
    timezone: str  # WIB, WITA or WIT: from `timezone`, else the province's, else the host rule
    cms: str
    province: str | None = None
    title: str | None = None
    hosts: tuple[str, ...] = ()  # lower case; base_url's host always included
    listings: tuple[str, ...] = ()
    article_paths: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    notes: str | None = None
    origin: str = BUILTIN  # "builtin" or the path of the user registry it came from
    zone_assumed: bool = False  # nothing gave the zone: ASSUMED_ZONE (WIB) was taken

    @property
    def zone(self) -> zones.Zone:
        return zones.ZONES[self.timezone]

    @property
    def port(self) -> int | None:
        """The base URL's port when it is not its scheme's default, else None."""
        return _port_of(self.base_url)

    def to_dict(self) -> dict[str, Any]:
        """Every field, tuples as lists (for JSON)."""
        return {
            f.name: list(value) if isinstance(value, tuple) else value
            for f in fields(self)
            for value in [getattr(self, f.name)]
        }

    def to_toml(self) -> str:
        """The entry as a `[[site]]` table; loading it gives this entry back (but `origin`).

        `timezone` is written unless the zone was assumed: then a comment says so, and the
        entry loads with the same assumption."""
        lines = ["[[site]]"]
        values: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "province": self.province,
            "base_url": self.base_url,
            "hosts": list(self.hosts),
            "timezone": None if self.zone_assumed else self.timezone,
            "cms": self.cms,
            "listings": list(self.listings),
            "article_paths": list(self.article_paths),
            "aliases": list(self.aliases),
            "notes": self.notes,
        }
        for key in _KEYS:
            value = values[key]
            if key == "timezone" and self.zone_assumed:
                lines.append(
                    f"# timezone: none given and no province: {self.timezone}"
                    f" ({self.zone.offset}) assumed; set it"
                )
                continue
            if value is None:
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


def _toml_value(value: str | list[str]) -> str:
    # A JSON string is a TOML basic string (the same escapes); non-ASCII stays as it is.
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"


@dataclass(frozen=True)
class _HostKey:
    """What a URL is matched on: its host without `www.`, and its port (None: the default)."""

    host: str
    port: int | None

    def __str__(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"


@dataclass
class Registry:
    """The entries of the shipped registry, then the user's (a user entry replaces the shipped
    one of its name, in its place); no host claimed twice."""

    entries: tuple[SiteEntry, ...]
    _by_host: dict[_HostKey, SiteEntry] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        names: dict[str, SiteEntry] = {}
        for entry in self.entries:
            if entry.name in names:
                raise RegistryError(
                    f"{_origin_label(entry.origin)}: site {entry.name!r} is in the registry twice"
                    f" (also in {names[entry.name].origin})"
                )
            names[entry.name] = entry
            for key in host_keys(entry):
                other = self._by_host.get(key)
                if other is not None and other is not entry:
                    raise RegistryError(
                        f"{_origin_label(entry.origin)}: site {entry.name!r} claims the host"
                        f" {key}, which"
                        f" site {other.name!r} ({_origin_label(other.origin)}) claims too"
                    )
                self._by_host[key] = entry

    def by_name(self, name: str) -> SiteEntry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        known = ", ".join(entry.name for entry in self.entries)
        raise RegistryError(f"no site named {name!r} in the registry; known: {known}")

    def for_url(self, url: str) -> SiteEntry | None:
        """The entry whose hosts or aliases serve `url` (http or https, with or without
        `www.`; a port only when the entry's base URL or alias has it), else None."""
        key = _url_key(url)
        return self._by_host.get(key) if key else None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    def __iter__(self) -> Iterator[SiteEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def merged(cls, builtin: Sequence[SiteEntry], user: Sequence[SiteEntry]) -> Registry:
        """`builtin` with `user` entries replacing those of their name, the rest appended."""
        by_name = {entry.name: entry for entry in user}
        entries = [by_name.pop(entry.name, entry) for entry in builtin]
        entries.extend(entry for entry in user if entry.name in by_name)
        return cls(tuple(entries))


def _origin_label(origin: str) -> str:
    return "the shipped registry" if origin == BUILTIN else origin


def load_registry(
    user_file: Path | None = None, *, environ: Mapping[str, str] = os.environ
) -> Registry:
    """The shipped registry, with the user registry (`user_file`, else `$HUMAS_SITES`) over it."""
    path = user_file
    named_by = "--sites"
    if path is None and environ.get(SITES_ENV):
        path, named_by = Path(environ[SITES_ENV]), f"${SITES_ENV}"
    user: tuple[SiteEntry, ...] = ()
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RegistryError(f"{path}: no such sites file (named by {named_by})") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise RegistryError(f"{path}: cannot read the sites file: {reason}") from None
        user = parse_sites(text, str(path))
    return Registry.merged(builtin_entries(), user)


def builtin_entries() -> tuple[SiteEntry, ...]:
    """The entries of the registry shipped in the package (data/sites.toml)."""
    shipped = resources.files("humas_crawler") / "data" / "sites.toml"
    return _parse_builtin(shipped.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=2)
def _parse_builtin(text: str) -> tuple[SiteEntry, ...]:
    return parse_sites(text, BUILTIN, source="the shipped data/sites.toml")


def parse_sites(text: str, origin: str, *, source: str | None = None) -> tuple[SiteEntry, ...]:
    """The entries of one registry file's text; `origin` is stored in each entry, `source`
    (default: `origin`) names the file in errors. No two entries of one file share a name."""
    where = source or origin
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{where}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"site"})
    if unknown:
        raise RegistryError(
            f"{where}: unknown top-level keys {unknown}: a registry holds only [[site]] tables"
        )
    tables = data.get("site", [])
    if not isinstance(tables, list):
        raise RegistryError(f"{where}: `site` must be an array of tables: write [[site]]")
    entries = tuple(
        _parse_entry(table, number, where, origin) for number, table in enumerate(tables, 1)
    )
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, 1):
        if entry.name in seen:
            raise RegistryError(
                f"{where}: [[site]] {number} ({entry.name!r}): name: already the name of"
                f" [[site]] {seen[entry.name]}"
            )
        seen[entry.name] = number
    return entries


def _parse_entry(table: object, number: int, where: str, origin: str) -> SiteEntry:
    label = f"{where}: [[site]] {number}"
    if not isinstance(table, dict):
        raise RegistryError(f"{label}: not a table")
    name = table.get("name")
    if isinstance(name, str):
        label = f"{label} ({name!r})"

    def fail(key: str, what: str) -> RegistryError:
        return RegistryError(f"{label}: {key}: {what}")

    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise RegistryError(f"{label}: unknown keys {unknown} (allowed: {', '.join(_KEYS)})")
    for key in _REQUIRED:
        if key not in table:
            raise fail(key, "missing (required)")
    for key in ("name", "title", "province", "base_url", "timezone", "cms", "notes"):
        if key in table and not (isinstance(table[key], str) and table[key].strip()):
            raise fail(key, f"must be a non-empty string, not {table[key]!r}")
    lists = {}
    for key in ("hosts", "listings", "article_paths", "aliases"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail(key, f"must be a list of strings, not {value!r}")
        lists[key] = [item.strip() for item in value]

    if not _NAME_RE.fullmatch(name):
        raise fail(
            "name", f"{name!r}: use lower-case letters, digits and '-' (not first), e.g. jatimprov"
        )
    cms = table["cms"].strip().lower()
    if cms not in CMS_FAMILIES:
        raise fail("cms", f"{table['cms']!r}: give one of {', '.join(CMS_FAMILIES)}")
    try:
        base_url = base_url_of(table["base_url"])
    except ValueError as exc:
        raise fail("base_url", str(exc)) from None
    province = None
    if "province" in table:
        province = province_name(table["province"])
        if province is None:
            raise fail(
                "province",
                f"{table['province']!r} is not one of Indonesia's 38 provinces"
                " (e.g. 'Kalimantan Timur', 'Jawa Barat', or short: 'Kaltim')",
            )
    timezone = None
    if "timezone" in table:
        try:
            timezone = zones.zone(table["timezone"]).label
        except ValueError as exc:
            raise fail("timezone", str(exc)) from None

    hosts: list[str] = []
    for host in lists["hosts"]:
        if not _HOST_RE.fullmatch(host.lower()):
            raise fail("hosts", f"{host!r}: give host names only (no scheme, port or path)")
        hosts.append(host.lower())
    base_host = urlsplit(base_url).hostname or ""
    hosts = list(dict.fromkeys(hosts if base_host in hosts else [base_host, *hosts]))
    aliases = []
    for alias in lists["aliases"]:
        try:
            aliases.append(base_url_of(alias))
        except ValueError as exc:
            raise fail("aliases", str(exc)) from None
    for key in ("listings", "article_paths"):
        for path in lists[key]:
            if not path.startswith("/") or any(ch.isspace() for ch in path):
                raise fail(key, f"{path!r}: give a path that starts with '/', e.g. /berita")

    label_zone, assumed = resolve_zone(timezone, province, hosts)
    return SiteEntry(
        name=name,
        base_url=base_url,
        timezone=label_zone,
        cms=cms,
        province=province,
        title=table["title"].strip() if "title" in table else None,
        hosts=tuple(hosts),
        listings=tuple(dict.fromkeys(lists["listings"])),
        article_paths=tuple(dict.fromkeys(lists["article_paths"])),
        aliases=tuple(dict.fromkeys(aliases)),
        notes=" ".join(table["notes"].split()) if "notes" in table else None,
        origin=origin,
        zone_assumed=assumed,
    )


def resolve_zone(
    timezone: str | None, province: str | None, hosts: Sequence[str] = ()
) -> tuple[str, bool]:
    """The zone label of a site and whether it was assumed: `timezone` when given, else the
    province's, else that of the province its host is known to be in (HOST_PROVINCES), else
    ASSUMED_ZONE (WIB) and True."""
    if timezone:
        return zones.zone(timezone).label, False
    if province:
        found = zones.province_zone(province)
        if found is None:
            raise ValueError(f"not a province: {province!r}")
        return found.label, False
    for host in hosts:
        known = host_province(host)
        if known:
            return zones.province_zone(known).label, False  # type: ignore[union-attr]
    return ASSUMED_ZONE, True


def host_province(host: str) -> str | None:
    """The province a host is known to be in (a Kaltim sub-site: Kalimantan Timur), or None."""
    host = host.lower().rstrip(".")
    for domain, province in HOST_PROVINCES.items():
        if host == domain or host.endswith("." + domain):
            return province
    return None


# Suffixes that say nothing of a site: `ppid.jatimprov.go.id` is named `jatimprov-ppid`.
_PUBLIC_SUFFIXES = (
    ".go.id",
    ".ac.id",
    ".or.id",
    ".co.id",
    ".web.id",
    ".my.id",
    ".sch.id",
    ".desa.id",
    ".id",
    ".com",
    ".org",
    ".net",
    ".info",
)
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def name_for_host(netloc: str) -> str:
    """A registry name for a host (`host[:port]`): without `www.` and the public suffix, its
    labels from the right joined by `-` (`ppid.jatimprov.go.id` -> `jatimprov-ppid`); a
    non-default port appended; a loopback host is `local` (`127.0.0.1:8123` -> `local-8123`)."""
    host, port = netloc.lower(), ""
    if host.startswith("["):
        host, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":")
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
    host = host.rstrip(".").removeprefix("www.")
    if host in _LOCAL_HOSTS or host.startswith("127."):
        labels = ["local"]
    elif re.fullmatch(r"[\d.]+|[0-9a-f]*:[0-9a-f:]*", host):
        labels = [re.sub(r"[^a-z0-9]+", "-", host)]
    else:
        for suffix in _PUBLIC_SUFFIXES:
            if host.endswith(suffix) and host != suffix.lstrip("."):
                host = host.removesuffix(suffix)
                break
        else:
            host = host.rpartition(".")[0] or host
        labels = list(reversed(host.split(".")))
    name = "-".join([*labels, port] if port else labels)
    name = re.sub(r"[^a-z0-9]+", "-", name).strip("-")
    return name or "site"


def province_name(province: str) -> str | None:
    """A province's name as written (`kaltim` -> `Kalimantan Timur`, `diy` -> `DI Yogyakarta`),
    or None for a name that is no province."""
    key = zones.province_key(province)
    if key is None:
        return None
    return " ".join(_UPPER_WORDS.get(word, word.capitalize()) for word in key.split())


def base_url_of(value: str) -> str:
    """`scheme://host[:port]` of an http(s) base URL, lower case, default port dropped;
    ValueError for anything else (another scheme, no host, a path, query or fragment)."""
    text = value.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r} is not a URL (bad host or port)") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL with a host, e.g. https://example.go.id")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{value!r}: a base URL is scheme and host only, without a path")
    if parts.username or parts.password:
        raise ValueError(f"{value!r}: a base URL carries no user name or password")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def _port_of(url: str) -> int | None:
    parts = urlsplit(url)
    port = parts.port
    return None if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else port


def host_keys(entry: SiteEntry) -> list[_HostKey]:
    """What `entry` claims: each host (without `www.`) on its base URL's port, and each alias."""
    keys = [_HostKey(_bare(host), entry.port) for host in entry.hosts]
    for alias in entry.aliases:
        hostname = urlsplit(alias).hostname or ""
        keys.append(_HostKey(_bare(hostname), _port_of(alias)))
    return list(dict.fromkeys(keys))


def _url_key(url: str) -> _HostKey | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return _HostKey(
        _bare(parts.hostname.lower()), None if port in (None, _DEFAULT_PORTS[scheme]) else port
    )


def _bare(host: str) -> str:
    return host.lower().rstrip(".").removeprefix("www.")

"""The site registry (normalize/registry.py, data/sites.toml): loading, checks, lookups."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from humas_crawler.normalize import zones
from humas_crawler.normalize.registry import (
    CMS_FAMILIES,
    Registry,
    RegistryError,
    SiteEntry,
    builtin_entries,
    load_registry,
    name_for_host,
    parse_sites,
    province_name,
    resolve_zone,
)

NO_ENV: dict[str, str] = {}
SHIPPED_NAMES = [
    "kaltimprov",
    "jogjaprov",
    "sulselprov-humas",
    "sulbarprov-berita",
    "papua",
    "jatimprov-ppid",
    "jabarprov-dp3akb",
    "baliprov-diskominfos",
    "kaltimprov-ppid",
    "kaltimprov-seputar",
    "kaltimprov-diskominfo",
]


def site(**fields: object) -> str:
    """One [[site]] table; fields given as Python values (strings, lists of strings)."""
    table = {"name": "contoh", "base_url": "https://contoh.example.go.id", "cms": "custom"}
    table.update(fields)
    lines = ["[[site]]"]
    for key, value in table.items():
        if value is None:
            continue
        if isinstance(value, list | str):
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, *tables: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


# --- the shipped registry -----------------------------------------------------------------------


def test_the_shipped_registry_loads_kaltimprov_first() -> None:
    registry = load_registry(environ=NO_ENV)
    assert registry.names == tuple(SHIPPED_NAMES)
    assert len(registry) == len(SHIPPED_NAMES)
    first = registry.entries[0]
    assert (first.name, first.cms, first.timezone, first.province) == (
        "kaltimprov",
        "custom",
        "WITA",
        "Kalimantan Timur",
    )
    assert first.listings == ("/berita",)
    assert first.article_paths == ("/berita/", "/detailberita/")
    assert first.hosts == ("www.kaltimprov.go.id", "kaltimprov.go.id")
    assert {entry.origin for entry in registry} == {"builtin"}


@pytest.mark.parametrize("entry", builtin_entries(), ids=lambda entry: entry.name)
def test_each_shipped_entry_keeps_its_provinces_zone(entry: SiteEntry) -> None:
    assert entry.province is not None
    assert entry.timezone == zones.province_zone(entry.province).label
    assert not entry.zone_assumed
    assert entry.cms in CMS_FAMILIES
    assert entry.base_url.startswith("https://")
    assert entry.base_url.removeprefix("https://") in entry.hosts
    assert entry.notes and "\n" not in entry.notes


@pytest.mark.parametrize("entry", builtin_entries(), ids=lambda entry: entry.name)
def test_each_shipped_entry_round_trips_through_toml(entry: SiteEntry) -> None:
    (again,) = parse_sites(entry.to_toml(), "again")
    assert again == dataclasses.replace(entry, origin="again")


def test_the_shipped_zones() -> None:
    by_name = {entry.name: entry.timezone for entry in builtin_entries()}
    assert by_name["papua"] == "WIT"
    assert by_name["jogjaprov"] == by_name["jatimprov-ppid"] == by_name["jabarprov-dp3akb"] == "WIB"
    assert {by_name[name] for name in SHIPPED_NAMES if "kaltim" in name} == {"WITA"}


def test_the_shipped_file_and_its_docs_name_no_outside_folder() -> None:
    root = Path(__file__).parents[1]
    for path in (root / "humas_crawler" / "data" / "sites.toml", root / "docs" / "sites.md"):
        assert "../" not in path.read_text(encoding="utf-8"), path


# --- user registries ----------------------------------------------------------------------------


def test_a_user_entry_replaces_the_shipped_one_of_its_name_in_its_place(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        site(name="papua", base_url="https://papua.go.id", cms="wordpress", province="Papua"),
        site(name="contoh", timezone="wita"),
    )
    registry = load_registry(path, environ=NO_ENV)
    assert registry.names == (*SHIPPED_NAMES, "contoh")
    papua = registry.by_name("papua")
    assert (papua.cms, papua.origin) == ("wordpress", str(path))
    assert registry.by_name("contoh").timezone == "WITA"
    assert registry.by_name("kaltimprov").origin == "builtin"


def test_humas_sites_names_the_user_registry(tmp_path: Path) -> None:
    path = write(tmp_path, site())
    assert "contoh" in load_registry(environ={"HUMAS_SITES": str(path)}).names
    # --sites wins over the environment; an empty variable is none.
    other = tmp_path / "other.toml"
    other.write_text(site(name="lain", base_url="https://lain.example.go.id"), encoding="utf-8")
    assert "lain" in load_registry(other, environ={"HUMAS_SITES": str(path)}).names
    assert load_registry(environ={"HUMAS_SITES": ""}).names == tuple(SHIPPED_NAMES)


def test_an_empty_user_registry_adds_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing yet\n")
    assert load_registry(path, environ=NO_ENV).names == tuple(SHIPPED_NAMES)


def test_a_missing_user_registry_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    with pytest.raises(RegistryError, match=re.escape(f"{missing}: no such sites file")) as exc:
        load_registry(missing, environ=NO_ENV)
    assert "--sites" in str(exc.value)
    with pytest.raises(RegistryError, match=r"no such sites file \(named by \$HUMAS_SITES\)"):
        load_registry(environ={"HUMAS_SITES": str(missing)})


def test_user_entries_round_trip_with_every_key(tmp_path: Path) -> None:
    text = site(
        name="contoh-2",
        title='Dinas "Contoh" \\ Provinsi',
        province="ntt",
        base_url="HTTP://Contoh.Example.go.id:8080/",
        hosts=["contoh.example.go.id", "WWW.contoh.example.go.id"],
        listings=["/berita", "/index.php/category/kabar/"],
        article_paths=["/berita/"],
        aliases=["https://lama.example.go.id"],
        notes="Pindah   domain tahun 2024; tanggal \u00abSenin\u00bb",
    )
    (entry,) = parse_sites(text, "mine.toml")
    assert entry.province == "Nusa Tenggara Timur"
    assert entry.timezone == "WITA"
    assert entry.base_url == "http://contoh.example.go.id:8080"
    assert entry.hosts == ("contoh.example.go.id", "www.contoh.example.go.id")
    assert entry.title == 'Dinas "Contoh" \\ Provinsi'
    assert entry.notes == "Pindah domain tahun 2024; tanggal «Senin»"
    (again,) = parse_sites(entry.to_toml(), "mine.toml")
    assert again == entry


def test_the_base_urls_host_is_always_a_host() -> None:
    (entry,) = parse_sites(site(hosts=["contoh.example.go.id.mirror.example"]), "x")
    assert entry.hosts == ("contoh.example.go.id", "contoh.example.go.id.mirror.example")


def test_the_zone_when_nothing_gives_it_is_assumed_and_round_trips() -> None:
    (entry,) = parse_sites(site(), "x")
    assert (entry.timezone, entry.zone_assumed) == ("WIB", True)
    assert "timezone =" not in entry.to_toml()
    assert "WIB (+07:00) assumed" in entry.to_toml()
    (again,) = parse_sites(entry.to_toml(), "x")
    assert again == entry


def test_a_timezone_overrides_the_province() -> None:
    (entry,) = parse_sites(site(province="Kalimantan Timur", timezone="Asia/Jakarta"), "x")
    assert (entry.province, entry.timezone, entry.zone_assumed) == (
        "Kalimantan Timur",
        "WIB",
        False,
    )


@pytest.mark.parametrize(
    ("given", "zone", "assumed"),
    [
        ((None, None, ["ppid.kaltimprov.go.id"]), "WITA", False),
        ((None, None, ["kaltimprov.go.id"]), "WITA", False),
        ((None, None, ["notkaltimprov.go.id"]), "WIB", True),
        ((None, "Maluku", ["x.example"]), "WIT", False),
        (("+09:00", "Aceh", ["ppid.kaltimprov.go.id"]), "WIT", False),
        ((None, None, []), "WIB", True),
    ],
)
def test_resolve_zone(given: tuple, zone: str, assumed: bool) -> None:
    assert resolve_zone(*given) == (zone, assumed)


# --- what is wrong, said ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[site]\n", "x.toml: not valid TOML: "),
        ('title = "x"\n', "x.toml: unknown top-level keys ['title']: a registry holds only"),
        ('[site]\nname = "x"\n', "x.toml: `site` must be an array of tables: write [[site]]"),
        ("site = [1]\n", "x.toml: [[site]] 1: not a table"),
        (
            site(url="https://x.example"),
            "x.toml: [[site]] 1 ('contoh'): unknown keys ['url'] (allowed: name, title,",
        ),
        (site(name=None), "x.toml: [[site]] 1: name: missing (required)"),
        (site(base_url=None), "x.toml: [[site]] 1 ('contoh'): base_url: missing (required)"),
        (site(cms=None), "x.toml: [[site]] 1 ('contoh'): cms: missing (required)"),
        (
            site(name="Kaltim_Prov"),
            "[[site]] 1 ('Kaltim_Prov'): name: 'Kaltim_Prov': use lower-case",
        ),
        (site(name="-x"), "name: '-x': use lower-case letters, digits and '-' (not first)"),
        (site(name=""), "name: must be a non-empty string, not ''"),
        (site(title=3), "title: must be a non-empty string, not 3"),
        (site(cms="drupal"), "('contoh'): cms: 'drupal': give one of wordpress, joomla, custom"),
        (site(timezone="CET"), "('contoh'): timezone: not an Indonesian time zone: 'CET'"),
        (site(timezone="+05:30"), "timezone: not an Indonesian time zone: '+05:30'"),
        (
            site(province="Atlantis"),
            "('contoh'): province: 'Atlantis' is not one of Indonesia's 38 provinces",
        ),
        (
            site(base_url="ftp://contoh.example.go.id"),
            "('contoh'): base_url: 'ftp://contoh.example.go.id' is not an http(s) URL with a host",
        ),
        (site(base_url="contoh.example.go.id"), "base_url: 'contoh.example.go.id' is not an http"),
        (
            site(base_url="https://contoh.example.go.id/berita"),
            "base_url: 'https://contoh.example.go.id/berita': a base URL is scheme and host only",
        ),
        (site(base_url="https://x.example:99999"), "base_url: 'https://x.example:99999' is not a"),
        (site(hosts="x.example"), "('contoh'): hosts: must be a list of strings, not 'x.example'"),
        (
            site(hosts=["https://x.example"]),
            "hosts: 'https://x.example': give host names only (no scheme, port or path)",
        ),
        (site(hosts=["x.example:8080"]), "hosts: 'x.example:8080': give host names only"),
        (site(listings=["berita"]), "listings: 'berita': give a path that starts with '/'"),
        (site(article_paths=["/be rita/"]), "article_paths: '/be rita/': give a path that"),
        (site(aliases=["setdaprovkaltim.info"]), "aliases: 'setdaprovkaltim.info' is not an"),
        (
            site() + "\n" + site(base_url="https://lain.example.go.id"),
            "x.toml: [[site]] 2 ('contoh'): name: already the name of [[site]] 1",
        ),
    ],
)
def test_each_problem_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(RegistryError) as exc:
        parse_sites(text, "x.toml")
    assert message in str(exc.value)
    assert "\n" not in str(exc.value).split(": not valid TOML")[0]


def test_two_entries_claiming_one_host_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, site(name="lain", hosts=["kaltimprov.go.id"]))
    with pytest.raises(RegistryError) as exc:
        load_registry(path, environ=NO_ENV)
    assert str(exc.value) == (
        f"{path}: site 'lain' claims the host kaltimprov.go.id, which site 'kaltimprov'"
        " (the shipped registry) claims too"
    )
    # www. or not, one host; an alias claims its host too.
    path = write(
        tmp_path,
        site(name="satu", base_url="https://www.contoh.example.go.id"),
        site(
            name="dua",
            base_url="https://dua.example.go.id",
            aliases=["http://contoh.example.go.id"],
        ),
    )
    with pytest.raises(RegistryError, match=r"site 'dua' claims the host contoh\.example\.go\.id"):
        load_registry(path, environ=NO_ENV)


def test_one_host_on_two_ports_is_two_sites(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        site(name="satu", base_url="http://127.0.0.1:8001"),
        site(name="dua", base_url="http://127.0.0.1:8002"),
    )
    registry = load_registry(path, environ=NO_ENV)
    assert registry.for_url("http://127.0.0.1:8002/berita").name == "dua"


def test_by_name_names_the_known_sites() -> None:
    registry = load_registry(environ=NO_ENV)
    with pytest.raises(RegistryError, match="no site named 'kaltim' in the registry; known: kal"):
        registry.by_name("kaltim")
    with pytest.raises(ValueError):  # RegistryError is a ValueError
        registry.by_name("")


# --- for_url ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.kaltimprov.go.id/berita/x", "kaltimprov"),
        ("http://kaltimprov.go.id/detailberita/x", "kaltimprov"),
        ("HTTPS://WWW.KALTIMPROV.GO.ID", "kaltimprov"),
        ("https://kaltimprov.go.id:443/", "kaltimprov"),
        ("http://kaltimprov.go.id:80/", "kaltimprov"),
        ("https://kaltimprov.go.id:8443/", None),
        # The older domain, an alias, on either scheme and with www.
        ("http://setdaprovkaltim.info/category/humas/", "kaltimprov"),
        ("https://www.setdaprovkaltim.info/", "kaltimprov"),
        ("https://ppid.kaltimprov.go.id/category/berita/", "kaltimprov-ppid"),
        ("https://www.jogjaprov.go.id/index.php/berita/x", "jogjaprov"),
        ("https://kaltimprov.go.id.example.com/", None),
        ("https://example.com/", None),
        ("ftp://kaltimprov.go.id/", None),
        ("/berita/x", None),
        ("http://[::1", None),
    ],
)
def test_for_url(url: str, name: str | None) -> None:
    found = load_registry(environ=NO_ENV).for_url(url)
    assert (found.name if found else None) == name


def test_for_url_with_ports(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        site(
            name="replika",
            base_url="http://127.0.0.1:8123",
            hosts=["localhost"],
            aliases=["http://127.0.0.1:9000"],
            timezone="WITA",
        ),
    )
    registry = load_registry(path, environ=NO_ENV)
    assert registry.for_url("http://127.0.0.1:8123/berita").name == "replika"
    assert registry.for_url("https://localhost:8123/").name == "replika"
    assert registry.for_url("http://127.0.0.1:9000/x").name == "replika"
    assert registry.for_url("http://127.0.0.1/") is None
    assert registry.for_url("http://127.0.0.1:8124/") is None


def test_a_registry_is_iterable() -> None:
    registry = Registry.merged(builtin_entries(), ())
    assert [entry.name for entry in registry] == SHIPPED_NAMES


# --- names and provinces ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("ppid.jatimprov.go.id", "jatimprov-ppid"),
        ("www.kaltimprov.go.id", "kaltimprov"),
        ("humas.sulselprov.go.id", "sulselprov-humas"),
        ("papua.go.id", "papua"),
        ("dp3akb.jabarprov.go.id", "jabarprov-dp3akb"),
        ("setdaprovkaltim.info", "setdaprovkaltim"),
        ("127.0.0.1:8123", "local-8123"),
        ("localhost:8000", "local-8000"),
        ("localhost", "local"),
        ("[::1]:8080", "local-8080"),
        ("10.0.0.5:8080", "10-0-0-5-8080"),
        ("Berita.Example.COM", "example-berita"),
    ],
)
def test_name_for_host(host: str, name: str) -> None:
    assert name_for_host(host) == name
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name)


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("kaltim", "Kalimantan Timur"),
        ("Provinsi Jawa Barat", "Jawa Barat"),
        ("diy", "DI Yogyakarta"),
        ("Jakarta", "DKI Jakarta"),
        ("papua barat daya", "Papua Barat Daya"),
        ("Atlantis", None),
    ],
)
def test_province_name(given: str, name: str | None) -> None:
    assert province_name(given) == name

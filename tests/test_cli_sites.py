"""`humas-crawler sites list` and `sites probe` (against canned sites on 127.0.0.1)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from humas_crawler.cli import main
from humas_crawler.crawl import probe as probe_module
from humas_crawler.defaults import USER_AGENT
from humas_crawler.extract.cms import Detection
from humas_crawler.normalize.registry import builtin_entries, load_registry, parse_sites

UNREACHABLE = "http://127.0.0.1:9/"  # the discard port: nothing answers there

WORDPRESS_HOME = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<title>Dinas Contoh</title>
<meta name="generator" content="WordPress 6.4.3">
<link rel="https://api.w.org/" href="/wp-json/">
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
<link rel="stylesheet" href="/wp-content/themes/contoh/style.css">
</head><body>
<a href="/category/berita/">Berita</a>
<a href="/berita/gubernur-buka-pameran-pembangunan/">Pameran</a>
<a href="/berita/rapat-koordinasi-bidang-ekonomi/">Rapat</a>
<a href="/berita/rapat-koordinasi-bidang-ekonomi/">Rapat</a>
<a href="/berita/bantuan-logistik-korban-banjir/">Banjir</a>
<a href="/page/2/">2</a>
</body></html>"""

# The generator hidden and no API link: only /wp-json/ tells.
HIDDEN_WORDPRESS_HOME = """<html><head><title>Portal</title></head>
<body><a href="/berita/satu-dua-tiga">x</a></body></html>"""

WP_JSON = json.dumps(
    {"name": "Dinas Contoh", "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"]}
)

JOOMLA_HOME = """<!DOCTYPE html><html><head>
<meta name="generator" content="Joomla! - Open Source Content Management">
<title>Berita Contoh</title></head><body>
<div class="itemListView"><div class="catItemView">
<a href="/index.php/agenda/item/1203-gubernur-tinjau-jalan-provinsi">a</a></div>
<div class="catItemView"><a href="/index.php/agenda/item/1202-rapat-paripurna-dprd-provinsi">b</a>
</div><a href="/index.php/agenda?start=10">2</a></div></body></html>"""

ROBOTS = "User-agent: *\nDisallow: /wp-admin/\nSitemap: {origin}/wp-sitemap.xml\n"


class _Site(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, tuple[int, str, str]]
    seen: list[tuple[str, str]]


class _Handler(BaseHTTPRequestHandler):
    server: _Site

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("User-Agent", "")))
        status, kind, body = self.server.routes.get(self.path, (404, "text/plain", "not found"))
        data = body.replace("{origin}", f"http://127.0.0.1:{self.server.server_port}").encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def _serve(routes: dict[str, tuple[int, str, str]]) -> Iterator[_Site]:
    server = _Site(("127.0.0.1", 0), _Handler)
    server.routes = routes
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


HTML = "text/html; charset=utf-8"


@pytest.fixture
def wordpress() -> Iterator[_Site]:
    yield from _serve(
        {
            "/": (200, HTML, WORDPRESS_HOME),
            "/robots.txt": (200, "text/plain", ROBOTS),
            "/wp-json/": (200, "application/json; charset=UTF-8", WP_JSON),
            "/data.json": (200, "application/json", "{}"),
        }
    )


@pytest.fixture
def hidden_wordpress() -> Iterator[_Site]:
    yield from _serve(
        {
            "/": (200, HTML, HIDDEN_WORDPRESS_HOME),
            "/wp-json/": (200, "application/json", WP_JSON),
        }
    )


@pytest.fixture
def joomla() -> Iterator[_Site]:
    yield from _serve({"/": (200, HTML, JOOMLA_HOME)})


def url_of(site: _Site) -> str:
    return f"http://127.0.0.1:{site.server_port}/"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["sites", *args], env={"HUMAS_SITES": "", **(env or {})})


# --- sites list ---------------------------------------------------------------------------------


def test_list_is_a_table_of_the_shipped_registry() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "cms", "zone", "province", "base_url"]
    assert lines[1].split() == [
        "kaltimprov",
        "custom",
        "WITA",
        "Kalimantan",
        "Timur",
        "https://www.kaltimprov.go.id",
    ]
    assert len(lines) == 1 + len(builtin_entries())
    assert "*" not in result.output


def test_list_marks_user_entries_and_replacements(tmp_path: Path) -> None:
    user = tmp_path / "sites.toml"
    user.write_text(
        '[[site]]\nname = "papua"\nbase_url = "https://papua.go.id"\ncms = "wordpress"\n'
        'province = "Papua"\n\n'
        '[[site]]\nname = "contoh"\nbase_url = "https://contoh.example.go.id"\ncms = "custom"\n',
        encoding="utf-8",
    )
    result = run("list", "--sites", str(user))
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[1:]}
    assert rows["papua*"][1] == "wordpress"
    assert rows["contoh*"][2] == "WIB?"
    assert f"* from {user} (replacing the shipped papua)" in result.output
    assert "? zone assumed" in result.output
    # $HUMAS_SITES names it as well.
    again = run("list", env={"HUMAS_SITES": str(user)})
    assert again.output == result.output


def test_list_json(tmp_path: Path) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0
    entries = json.loads(result.output)
    assert [entry["name"] for entry in entries] == [entry.name for entry in builtin_entries()]
    first = entries[0]
    assert first == {
        "name": "kaltimprov",
        "base_url": "https://www.kaltimprov.go.id",
        "timezone": "WITA",
        "cms": "custom",
        "province": "Kalimantan Timur",
        "title": "Pemerintah Provinsi Kalimantan Timur",
        "hosts": ["www.kaltimprov.go.id", "kaltimprov.go.id"],
        "listings": ["/berita"],
        "article_paths": ["/berita/", "/detailberita/"],
        "aliases": ["https://setdaprovkaltim.info"],
        "notes": first["notes"],
        "origin": "builtin",
        "zone_assumed": False,
    }


def test_list_with_a_broken_or_missing_user_registry_is_one_error_line(tmp_path: Path) -> None:
    broken = tmp_path / "sites.toml"
    broken.write_text('[[site]]\nname = "x"\nbase_url = "ftp://x.example"\ncms = "custom"\n')
    result = run("list", "--sites", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {broken}: [[site]] 1 ('x'): base_url:")
    assert len(result.stderr.splitlines()) == 1
    missing = run("list", env={"HUMAS_SITES": str(tmp_path / "none.toml")})
    assert missing.exit_code == 1
    assert "no such sites file" in missing.stderr


# --- sites probe --------------------------------------------------------------------------------


def test_probe_wordpress(wordpress: _Site) -> None:
    url = url_of(wordpress)
    result = run("probe", url, "--province", "Jawa Timur")
    assert result.exit_code == 0, result.output
    evidence = result.stderr.splitlines()
    assert evidence[:3] == [
        "generator meta: WordPress 6.4.3",
        "link rel=https://api.w.org/ -> /wp-json/",
        "wp-content paths",
    ]
    assert "robots.txt: 1 sitemap(s); disallows /wp-admin/" in evidence
    assert "REST API /wp-json/ answers with namespace wp/v2" in evidence
    port = wordpress.server_port
    assert result.stdout.startswith(
        "[[site]]\n"
        f'name = "local-{port}"\n'
        'title = "Dinas Contoh"\n'
        'province = "Jawa Timur"\n'
        f'base_url = "http://127.0.0.1:{port}"\n'
        'hosts = ["127.0.0.1"]\n'
        'timezone = "WIB"\n'
        'cms = "wordpress"\n'
        'listings = ["/category/berita/", "/"]\n'
        'article_paths = ["/berita/"]\n'
        "aliases = []\n"
    )
    # Three requests, with the crawler's User-Agent.
    assert [path for path, _ in wordpress.seen] == ["/", "/robots.txt", "/wp-json/"]
    assert {agent for _, agent in wordpress.seen} == {USER_AGENT}


def test_probe_finds_wordpress_hiding_its_generator(hidden_wordpress: _Site) -> None:
    result = run("probe", url_of(hidden_wordpress), "--timezone", "Asia/Makassar")
    assert result.exit_code == 0, result.output
    assert 'cms = "wordpress"' in result.stdout
    assert 'timezone = "WITA"' in result.stdout
    assert "WordPress: its REST API answers (the page hides it)" in result.stderr
    assert "custom" not in result.stderr
    assert 'wordpress; REST API /wp-json/"' in result.stdout  # the notes
    assert "robots.txt: HTTP 404" in result.stderr


def test_probe_joomla_asks_no_rest_api(joomla: _Site) -> None:
    result = run("probe", url_of(joomla), "--timezone", "+08:00")
    assert result.exit_code == 0, result.output
    assert 'cms = "joomla"' in result.stdout
    assert "K2 markup (itemView/catItemView)" in result.stderr
    assert 'article_paths = ["/index.php/agenda/item/"]' in result.stdout
    assert [path for path, _ in joomla.seen] == ["/", "/robots.txt"]


def test_probe_without_zone_or_province_assumes_wib(joomla: _Site) -> None:
    result = run("probe", url_of(joomla))
    assert result.exit_code == 0, result.output
    assert "no --timezone or --province: assumed WIB (+07:00)" in result.stderr.splitlines()
    assert "timezone =" not in result.stdout
    assert "# timezone: none given and no province: WIB (+07:00) assumed; set it" in result.stdout
    # The TOML loads back with the same assumption.
    (entry,) = parse_sites(result.stdout, "probe")
    assert entry.timezone == "WIB" and entry.zone_assumed


def test_probe_save_appends_and_refuses_duplicates(wordpress: _Site, tmp_path: Path) -> None:
    target = tmp_path / "mine" / "sites.toml"
    target.parent.mkdir()
    first = run("probe", url_of(wordpress), "--province", "Bali", "--save", str(target))
    assert first.exit_code == 0, first.output
    assert f"appended site 'local-{wordpress.server_port}' to {target}" in first.stderr
    assert target.read_text(encoding="utf-8") == first.stdout
    registry = load_registry(target, environ={})
    assert registry.by_name(f"local-{wordpress.server_port}").origin == str(target)
    assert registry.for_url(url_of(wordpress) + "berita/x").timezone == "WITA"

    again = run("probe", url_of(wordpress), "--province", "Bali", "--save", str(target))
    assert again.exit_code == 1
    assert again.stderr.splitlines()[-1] == (
        f"Error: not saved: {target} already has a site named 'local-{wordpress.server_port}'"
    )
    assert again.stdout == ""
    assert target.read_text(encoding="utf-8") == first.stdout
    # Already known: said when probed again (without --save).
    known = run("probe", url_of(wordpress), "--sites", str(target))
    assert f"already in the registry as 'local-{wordpress.server_port}' ({target})" in known.stderr


def test_probe_save_refuses_a_host_the_file_has(wordpress: _Site, tmp_path: Path) -> None:
    target = tmp_path / "sites.toml"
    before = (
        '# my sites\n[[site]]\nname = "mine"\n'
        f'base_url = "https://127.0.0.1:{wordpress.server_port}"\ncms = "custom"\n'
    )
    target.write_text(before, encoding="utf-8")
    result = run("probe", url_of(wordpress), "--save", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: not saved: {target} already has the host 127.0.0.1:{wordpress.server_port}"
        " (site 'mine')"
    )
    assert target.read_text(encoding="utf-8") == before


def test_probe_save_appends_after_other_entries(wordpress: _Site, tmp_path: Path) -> None:
    target = tmp_path / "sites.toml"
    before = '[[site]]\nname = "mine"\nbase_url = "https://mine.example.go.id"\ncms = "custom"'
    target.write_text(before, encoding="utf-8")  # no final newline
    result = run("probe", url_of(wordpress), "--save", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == before + "\n\n" + result.stdout
    assert len(load_registry(target, environ={})) == len(builtin_entries()) + 2


def test_probe_save_refuses_a_file_that_would_not_load(wordpress: _Site, tmp_path: Path) -> None:
    target = tmp_path / "sites.toml"
    before = '[[site]]\nname = "mine"\nurl = "https://mine.example.go.id"\n'
    target.write_text(before, encoding="utf-8")
    result = run("probe", url_of(wordpress), "--save", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        f"Error: not saved: {target}: [[site]] 1 ('mine'): unknown keys"
    )
    assert target.read_text(encoding="utf-8") == before


def test_probe_save_refuses_a_host_of_the_shipped_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the file would claim clashes with a shipped entry of another name.
    fake_probe(monkeypatch, "https://seputarkaltim.kaltimprov.go.id/")
    target = tmp_path / "sites.toml"
    result = run("probe", "https://seputarkaltim.kaltimprov.go.id/", "--save", str(target))
    assert result.exit_code == 1
    assert "would not load" in result.stderr
    assert "seputarkaltim.kaltimprov.go.id" in result.stderr
    assert not target.exists()


def fake_probe(monkeypatch: pytest.MonkeyPatch, final_url: str, cms: str = "wordpress") -> None:
    """`probe` answering as if `final_url` were the page reached, without a network."""

    def probe(url: str, **kwargs: object) -> probe_module.ProbeResult:
        detection = Detection(cms=cms, evidence=["generator meta: WordPress 6.4.3"])
        return probe_module.ProbeResult(
            url=url, final_url=final_url, detection=detection, evidence=detection.evidence
        )

    monkeypatch.setattr(probe_module, "probe", probe)


def test_a_kaltim_sub_site_is_wita_without_being_told(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_probe(monkeypatch, "https://humas.kaltimprov.go.id/")
    entry, lines = probe_module.probe_entry("https://humas.kaltimprov.go.id/")
    assert (entry.name, entry.timezone, entry.province) == (
        "kaltimprov-humas",
        "WITA",
        "Kalimantan Timur",
    )
    assert not entry.zone_assumed
    assert "host under kaltimprov.go.id: province Kalimantan Timur" in lines


def test_a_redirect_to_another_host_makes_an_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_probe(monkeypatch, "https://www.baru.example.go.id/beranda")
    entry, _ = probe_module.probe_entry("http://lama.example.go.id/", timezone="WIT")
    assert entry.base_url == "https://www.baru.example.go.id"
    assert entry.name == "example-baru"
    assert entry.aliases == ("http://lama.example.go.id",)
    assert entry.timezone == "WIT"


def test_a_timezone_against_the_province_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_probe(monkeypatch, "https://dinas.example.go.id/")
    entry, lines = probe_module.probe_entry(
        "https://dinas.example.go.id/", province="kaltim", timezone="WIB"
    )
    assert (entry.province, entry.timezone) == ("Kalimantan Timur", "WIB")
    assert "--timezone WIB differs from Kalimantan Timur's zone WITA" in lines


def test_probe_an_unreachable_url_is_one_error_line() -> None:
    result = run("probe", UNREACHABLE)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot reach {UNREACHABLE}: connection refused\n"
    assert result.stdout == ""


def test_probe_a_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts connections, never answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        result = run("probe", url, "--timeout", "0.5")
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot reach {url}: no answer within 0.5 s\n"


def test_probe_a_page_that_is_not_html(wordpress: _Site) -> None:
    url = url_of(wordpress) + "data.json"
    result = run("probe", url)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot probe {url}: {url} is not an HTML page (Content-Type: application/json)\n"
    )


def test_probe_an_http_error(wordpress: _Site) -> None:
    url = url_of(wordpress) + "missing"
    result = run("probe", url)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot probe {url}: {url} answered HTTP 404\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kaltimprov.go.id"], "is not an http(s) URL"),
        (["http://127.0.0.1:notaport/"], "is not an http(s) URL"),
        (["https://x.example.go.id", "--province", "Atlantis"], "38 provinces"),
        (["https://x.example.go.id", "--timezone", "+05:30"], "not an Indonesian time zone"),
    ],
)
def test_probe_bad_arguments(args: list[str], message: str) -> None:
    result = run("probe", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_every_sites_command_has_help() -> None:
    for name in ("list", "probe"):
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output


# --- the zone from what the site says ------------------------------------------------------------

TIMED_HOME = """<html><head><title>{title}</title></head><body>
<a href="/berita/rapat-koordinasi-bidang-ekonomi">Rapat</a> <span>Senin, 10:15 {label}</span>
<a href="/berita/bantuan-logistik-korban-banjir">Banjir</a> <span>Senin, 08:00 {label}</span>
<script>var t = "WIB WIB WIB";</script></body></html>"""


def _probe_zone(home: str, root: dict | None = None, *args: str):
    routes = {"/": (200, HTML, home)}
    if root is not None:
        routes["/wp-json/"] = (200, "application/json", json.dumps(root))
    serving = _serve(routes)
    try:
        return run("probe", url_of(next(serving)), *args)
    finally:
        serving.close()


@pytest.mark.parametrize(
    ("setting", "zone", "why"),
    [
        (
            {"timezone_string": "Asia/Makassar", "gmt_offset": 8},
            "WITA",
            "timezone is Asia/Makassar",
        ),
        ({"timezone_string": "", "gmt_offset": 9}, "WIT", "gmt_offset is 9"),
    ],
)
def test_probe_reads_the_zone_wordpress_is_set_to(setting: dict, zone: str, why: str) -> None:
    root = {"namespaces": ["wp/v2"], **setting}
    result = _probe_zone(WORDPRESS_HOME, root)
    assert result.exit_code == 0, result.output
    assert f'timezone = "{zone}"' in result.stdout
    assert f"no --timezone or --province: zone {zone}, as WordPress's {why}" in result.stderr
    assert "assumed" not in result.output


def test_wordpress_left_at_utc_says_nothing_of_the_zone() -> None:
    root = {"namespaces": ["wp/v2"], "timezone_string": "", "gmt_offset": 0}
    result = _probe_zone(WORDPRESS_HOME, root)
    assert "assumed WIB (+07:00)" in result.stderr


def test_probe_reads_the_zone_the_page_prints() -> None:
    result = _probe_zone(TIMED_HOME.format(title="Portal Berita", label="WIT"))
    assert result.exit_code == 0, result.output
    assert 'timezone = "WIT"' in result.stdout
    assert "zone WIT, as the page prints WIT 2 times" in result.stderr  # the script's not counted


def test_probe_reads_the_province_the_site_is_named_after() -> None:
    home = TIMED_HOME.format(title="Humas Provinsi Sulawesi Selatan", label="")
    result = _probe_zone(home)
    assert 'timezone = "WITA"' in result.stdout
    assert "its name (Humas Provinsi Sulawesi Selatan) is of Sulawesi Selatan" in result.stderr


def test_a_zone_given_against_what_the_page_prints_is_said() -> None:
    home = TIMED_HOME.format(title="Portal Berita", label="WITA")
    result = _probe_zone(home, None, "--timezone", "WIB")
    assert 'timezone = "WIB"' in result.stdout
    assert "zone WIB, though the page prints WITA 2 times: check --timezone" in result.stderr

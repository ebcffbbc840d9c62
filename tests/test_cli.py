"""The command line: inspect and save-fixture through click's CliRunner (pages from fixture
files, and from the offline replica served on 127.0.0.1 in a thread)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from humas_crawler.cli import main
from humas_crawler.cli.inspect import inspect, save_fixture
from humas_crawler.extract.fixtures import discover
from humas_crawler.replica import WITA, ReplicaServer, ReplicaSite
from humas_crawler.replica.checks import TRUTH_FIELDS
from humas_crawler.replica.model import ReplicaArticle
from tests.helpers.paths import FIXTURES

CASES = discover(FIXTURES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}/{c.name}")
def test_inspect_json_prints_the_expected_record(case) -> None:
    args = ["inspect", str(case.path / "page.html"), "--url", case.meta["url"], "--json"]
    args += ["--kind", case.kind]
    if case.meta.get("now"):
        args += ["--now", case.meta["now"]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == case.expected


def test_inspect_reads_the_url_from_meta_json_beside_a_fixture() -> None:
    case = next(c for c in CASES if c.kind == "article")
    result = CliRunner().invoke(main, ["inspect", str(case.path / "page.html")])
    assert result.exit_code == 0, result.output
    assert case.expected["title"] in result.stdout


def test_inspect_warns_per_missing_field(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Tidak ada apa-apa di sini.</p></body></html>", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["inspect", str(page), "--url", "https://www.kaltimprov.go.id/berita/kosong"]
    )
    assert result.exit_code == 0
    for field in ("title", "published_at", "category"):
        assert f"warning: no {field} found" in result.stderr


def test_inspect_file_without_url_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html></html>", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(page)])
    assert result.exit_code != 0
    assert "--url" in result.stderr
    assert "Traceback" not in result.output


def test_inspect_missing_file_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["inspect", "/nonexistent/page.html", "--url", "https://x/y"])
    assert result.exit_code == 1
    assert "cannot read /nonexistent/page.html" in result.stderr


def test_save_fixture_writes_a_case_that_the_fixture_tests_pick_up(tmp_path: Path) -> None:
    source = next(c for c in CASES if c.kind == "article")
    result = CliRunner().invoke(
        main,
        [
            "save-fixture",
            str(source.path / "page.html"),
            "--url",
            source.meta["url"],
            "--name",
            "copy",
            "--template",
            "t",
            "--fixtures-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    saved = discover(tmp_path)
    assert [(c.kind, c.name) for c in saved] == [("article", "copy")]
    assert saved[0].meta["url"] == source.meta["url"]
    assert saved[0].extract() == saved[0].expected
    again = CliRunner().invoke(
        main,
        [
            "save-fixture",
            str(source.path / "page.html"),
            "--url",
            source.meta["url"],
            "--name",
            "copy",
            "--fixtures-dir",
            str(tmp_path),
        ],
    )
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help and "Example" in command.help, name


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:notaport/berita", "http://127.0.0.1:9/berita"]
)
def test_inspect_unreachable_or_bad_url_is_a_clear_error(target: str) -> None:
    result = CliRunner().invoke(main, ["inspect", target])
    assert result.exit_code == 1
    assert "cannot fetch" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- a page is read on its URL's own site: the offline replica on 127.0.0.1 -------------------

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=WITA)


@pytest.fixture(scope="module")
def replica() -> Iterator[tuple[ReplicaSite, ReplicaServer]]:
    site = ReplicaSite(12, seed=3, now=NOW, per_page=5)
    with ReplicaServer(site) as server:
        yield site, server


def an_article(site: ReplicaSite, form: str) -> ReplicaArticle:
    """An article of `form` ("old": /berita/<slug>, "new": /detailberita/<slug>)."""
    return next(a for a in site.newest_first() if a.form == form)


def truth_of(record: dict) -> dict:
    return {name: record[name] for name in TRUTH_FIELDS}


@pytest.mark.parametrize("form", ["new", "old"])
def test_inspect_reads_a_replica_article_as_an_article_without_base_url(replica, form) -> None:
    site, server = replica
    article = an_article(site, form)
    result = CliRunner().invoke(main, ["inspect", server.base_url + article.path, "--json"])
    assert result.exit_code == 0, result.output
    assert truth_of(json.loads(result.stdout)) == article.record(server.base_url)
    text = CliRunner().invoke(main, ["inspect", server.base_url + article.path])
    assert text.stdout.startswith(f"article: {server.base_url}{article.path}\n")
    assert "warning" not in text.stderr


def test_inspect_reads_a_replica_listing_with_its_links_on_site(replica) -> None:
    site, server = replica
    result = CliRunner().invoke(main, ["inspect", f"{server.base_url}/berita", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    main_urls = [e["url"] for e in record["entries"] if e["region"] == "main"]
    assert main_urls == [server.base_url + a.path for a in site.listing(1)]
    assert record["next_page_url"] == f"{server.base_url}/berita?page=2"


def test_inspect_of_a_page_with_nothing_of_its_kind_says_so_and_exits_3(replica) -> None:
    _, server = replica
    result = CliRunner().invoke(main, ["inspect", f"{server.base_url}/robots.txt"])
    assert result.exit_code == 3
    assert f"warning: no listing here: no links to articles of {server.base_url}" in result.stderr
    assert "nor is it an article" in result.stderr
    assert "page_urls: 0" in result.stdout  # what was found is shown all the same


def test_inspect_hints_at_the_other_kind(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h1>Profil Pemerintah Provinsi</h1>"
        "<p>Kalimantan Timur adalah provinsi yang luas.</p></article></body></html>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["inspect", str(page), "--url", "http://127.0.0.1:9/profil"])
    assert result.exit_code == 3
    assert "reads as an article (title and body text found): try --kind article" in result.stderr
    result = CliRunner().invoke(
        main, ["inspect", str(page), "--url", "http://127.0.0.1:9/profil", "--kind", "article"]
    )
    assert result.exit_code == 0, result.output


def test_save_fixture_of_a_replica_article_reads_it_as_inspect_does(replica, tmp_path) -> None:
    site, server = replica
    article = an_article(site, "new")
    args = ["save-fixture", server.base_url + article.path, "--name", "replica"]
    result = CliRunner().invoke(main, [*args, "--fixtures-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [case] = discover(tmp_path)
    assert (case.kind, case.name) == ("article", "replica")
    assert "base_url" not in case.meta  # the URL's own site
    assert truth_of(case.expected) == article.record(server.base_url)
    assert case.extract() == case.expected


def test_save_fixture_takes_the_page_options_of_inspect(replica, tmp_path) -> None:
    def names(command: click.Command) -> set[str]:
        return {opt for param in command.params for opt in param.opts}

    assert names(inspect) - {"--json"} <= names(save_fixture)
    site, server = replica
    article = an_article(site, "old")
    elsewhere = server.base_url.replace("127.0.0.1", "localhost")
    args = ["save-fixture", server.base_url + article.path, "--name", "x", "--base-url", elsewhere]
    result = CliRunner().invoke(main, [*args, "--fixtures-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"is not on --base-url {elsewhere}" in result.stderr
    [case] = discover(tmp_path)
    assert case.meta["base_url"] == elsewhere  # read back on the same site
    assert case.expected["slug"] is None  # the page is not an article of that site
    assert case.extract() == case.expected


def test_save_fixture_refuses_a_page_with_nothing_of_its_kind_unless_kind_is_given(
    replica, tmp_path
) -> None:
    _, server = replica
    args = ["save-fixture", f"{server.base_url}/robots.txt", "--name", "robots"]
    args += ["--fixtures-dir", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3
    assert "no listing here" in result.stderr
    assert "not saved (give --kind listing to save it anyway)" in result.stderr
    assert not discover(tmp_path)
    result = CliRunner().invoke(main, [*args, "--kind", "listing"])
    assert result.exit_code == 0, result.output
    assert "warning: no listing here" in result.stderr
    assert [(c.kind, c.name) for c in discover(tmp_path)] == [("listing", "robots")]


def test_crawl_summary_lines_are_dated_for_cron() -> None:
    from datetime import datetime, timedelta, timezone

    from humas_crawler.cli.crawl import dated

    wita = timezone(timedelta(hours=8))
    text = dated(
        "run 3 ok: 17 requests\ncoverage: title 100%", datetime(2026, 12, 3, 14, 0, 5, tzinfo=wita)
    )
    assert text.splitlines() == [
        "2026-12-03T14:00:05+08:00 run 3 ok: 17 requests",
        "2026-12-03T14:00:05+08:00 coverage: title 100%",
    ]

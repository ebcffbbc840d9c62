"""The command line: inspect and save-fixture through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from humas_crawler.cli import main
from humas_crawler.extract.fixtures import discover
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

"""`--site` on export, search, stats, changes and browse: one archive, several sites."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from humas_crawler.archive.store import Store
from humas_crawler.cli.app import main
from tests.helpers import archive_factory as factory

JATIM = "https://ppid.jatimprov.go.id/2023/06/06/"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = factory.build(
        tmp_path / "humas.sqlite",
        [
            factory.article("banjir-samarinda", date="2022-06-21"),
            factory.article("vaksin-balikpapan", date="2023-01-05", category="Kesehatan"),
            factory.article(
                "pasar-murah-sidoarjo",
                url=JATIM + "pasar-murah-sidoarjo/",
                site="jatimprov-ppid",
                published_at="2023-06-06T09:15:00+07:00",
                published_date="2023-06-06",
                body_text="SIDOARJO – Pasar murah banjir pembeli.",
            ),
        ],
    )
    with Store.open(path) as store:
        run = store.runs.start("full", "https://ppid.jatimprov.go.id", site="jatimprov-ppid")
        store.runs.finish(run, status="degraded", counts={}, stats={}, message="category 40%")
        store.articles.save(
            factory.article(
                "pasar-murah-sidoarjo",
                url=JATIM + "pasar-murah-sidoarjo/",
                site="jatimprov-ppid",
                published_at="2023-06-06T09:15:00+07:00",
                published_date="2023-06-06",
                body_text="SIDOARJO – Pasar murah banjir pembeli dari tiga kecamatan.",
            ),
            capture=None,
            run_id=run,
            fetched_at="2026-12-01T01:00:00Z",
        )
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_export_by_site(db: Path) -> None:
    result = run("export", "--db", str(db), "--format", "csv", "--site", "jatimprov-ppid",
                 "--columns", "url,site,published_at,published_at_utc")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [
        {
            "url": JATIM + "pasar-murah-sidoarjo/",
            "site": "jatimprov-ppid",
            "published_at": "2023-06-06T09:15:00+07:00",
            "published_at_utc": "2023-06-06T02:15:00Z",
        }
    ]
    both = run("export", "--db", str(db), "--format", "jsonl", "--site", "kaltimprov",
               "--site", "jatimprov-ppid")  # fmt: skip
    assert len(both.stdout.splitlines()) == 3


def test_search_by_site(db: Path) -> None:
    everywhere = run("search", "banjir", "--db", str(db), "--json")
    assert len([line for line in everywhere.stdout.splitlines() if line.strip()]) >= 2
    result = run("search", "banjir", "--db", str(db), "--site", "kaltimprov", "--json")
    assert result.exit_code == 0, result.output
    assert "jatimprov" not in result.stdout and "banjir-samarinda" in result.stdout


def test_stats_per_site_and_by_site(db: Path) -> None:
    result = run("stats", "--db", str(db), "--json")
    summary = json.loads(result.stdout)
    sites = {row["site"]: row for row in summary["sites"]}
    assert sites["kaltimprov"]["articles"] == 2 and sites["jatimprov-ppid"]["articles"] == 1
    assert sites["jatimprov-ppid"]["last_run_status"] == "degraded"
    text = run("stats", "--db", str(db)).stdout
    assert "Articles per site" in text and "jatimprov-ppid" in text
    narrowed = json.loads(run("stats", "--db", str(db), "--json", "--site", "kaltimprov").stdout)
    assert narrowed["totals"]["articles"] == 2
    assert [row["site"] for row in narrowed["sites"]] == ["kaltimprov"]
    assert all(r["site"] == "kaltimprov" for r in narrowed["runs"])


def test_changes_by_site(db: Path) -> None:
    result = run("changes", "--db", str(db), "--json", "--site", "jatimprov-ppid")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in rows] == [JATIM + "pasar-murah-sidoarjo/"]
    assert run("changes", "--db", str(db), "--json", "--site", "kaltimprov").stdout == ""


@pytest.mark.parametrize("command", ["export", "search", "stats", "changes", "browse"])
def test_an_unknown_site_names_those_the_archive_holds(db: Path, command: str) -> None:
    args = {"export": ["--format", "csv"], "search": ["banjir"]}.get(command, [])
    result = run(command, *args, "--db", str(db), "--site", "sulbarprov-berita")
    assert result.exit_code == 2
    assert "sulbarprov-berita" in result.output and "kaltimprov" in result.output


def test_an_archive_before_sites_says_so(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("drop index idx_articles_site")
    conn.execute("alter table articles drop column site")
    conn.execute("pragma user_version = 6")
    conn.commit()
    conn.close()
    result = run("export", "--db", str(db), "--format", "csv", "--site", "kaltimprov")
    assert result.exit_code == 2 and "predates sites" in result.output

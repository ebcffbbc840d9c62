"""`humas-crawler stats`: totals, categories, months, unknown labels, quarantine, runs, plot."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from humas_crawler.archive.store import Store
from humas_crawler.cli.stats import stats
from tests.helpers.archive_factory import article, build


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = build(
        tmp_path / "humas.sqlite",
        [
            article("a", date="2022-01-10", category="Pemerintahan"),
            article("b", date="2022-01-20", category="Pemerintahan"),
            article("c", date="2022-03-05", category="Kesehatan"),
            article("d", date="2023-02-01", category="Kabar Kampung"),  # unknown label
            article("e", date=None, category="Kesehatan"),
            article("f", date="2022-03-06", category=None),
            # A duplicate of `a` (same content, another URL).
            article(
                "a-2", date="2022-01-10", title="Judul a", body_text="SAMARINDA – Isi berita a."
            ),
        ],
    )
    with Store.open(path) as store:
        first = store.runs.start("full", "https://www.kaltimprov.go.id")
        store.quarantine.add("https://x/1", "bad-timestamp", "31 Februari 2022", first)
        store.quarantine.add("https://x/2", "bad-timestamp", "30 Februari 2022", first)
        store.quarantine.add("https://x/3", "empty-extraction", None, first)
        store.runs.finish(first, status="ok", counts={"requests": 12, "articles_new": 6}, stats={})
        second = store.runs.start("incremental", "https://www.kaltimprov.go.id")
        store.runs.finish(
            second,
            status="degraded",
            counts={"requests": 3, "articles_unchanged": 2},
            stats={},
            message="published_at found in 0 of 20 articles (0%), below the 90% threshold",
        )
        # A changed article: a second revision.
        store.articles.save(
            article("c", date="2022-03-05", category="Kesehatan", title="Diralat"),
            capture=None,
            run_id=second,
            fetched_at="2026-11-28T20:00:00Z",
        )
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(stats, list(args))


def test_json_figures(db: Path) -> None:
    result = run("--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    totals = summary["totals"]
    assert totals["articles"] == 7
    assert totals["duplicates"] == 1
    assert totals["counted_once"] == 6
    assert totals["undated"] == 1
    assert totals["without_category"] == 1
    assert totals["changed"] == 1
    assert totals["revisions"] == 8
    assert (totals["first_published"], totals["last_published"]) == ("2022-01-10", "2023-02-01")
    assert (totals["crawl_runs"], totals["quarantined"]) == (2, 3)
    assert totals["unknown_categories"] == 1
    per_category = {c["category"]: c["articles"] for c in summary["categories"]}
    assert per_category == {
        "Pemerintahan": 2,  # the duplicate counted once
        "Kesehatan": 2,
        "Kabar Kampung": 1,
        "(no category)": 1,
    }
    assert summary["months"][0] == {"month": "2022-01", "articles": 2}
    assert {"month": "2022-02", "articles": 0} in summary["months"]  # gaps shown
    assert summary["months"][-1] == {"month": "2023-02", "articles": 1}
    assert len(summary["months"]) == 14
    assert summary["unknown_categories"] == [
        {"category": "Kabar Kampung", "category_slug": "kabar-kampung", "articles": 1}
    ]
    assert [(q["reason"], q["rows"]) for q in summary["quarantine"]] == [
        ("bad-timestamp", 2),
        ("empty-extraction", 1),
    ]
    assert [(r["status"], r["mode"]) for r in summary["runs"]] == [
        ("degraded", "incremental"),
        ("ok", "full"),
    ]


def test_text_output(db: Path) -> None:
    result = run("--db", str(db))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "articles         7 (6 counted once, 1 duplicates)" in out
    assert "published        2022-01-10 to 2023-02-01" in out
    assert "Kabar Kampung" in out and "(unknown to the taxonomy)" in out
    assert "  year   Jan  Feb  Mar" in out
    assert "  2022     2    0    2" in out
    assert "bad-timestamp" in out and "empty-extraction" in out
    assert "degraded" in out and "below the 90% threshold" in out
    # A re-crawl that found nothing new still shows what it read.
    assert "3 requests, 0 new, 0 changed, 2 unchanged, 0 errors" in out


def test_runs_option(db: Path) -> None:
    summary = json.loads(run("--db", str(db), "--json", "--runs", "1").stdout)
    assert len(summary["runs"]) == 1


def test_empty_archive(tmp_path: Path) -> None:
    db = build(tmp_path / "empty.sqlite", [])
    result = run("--db", str(db))
    assert result.exit_code == 0, result.output
    assert "articles         0 (0 counted once, 0 duplicates)" in result.stdout
    assert "(no dated articles)" in result.stdout


@pytest.mark.slow  # matplotlib
def test_plot_writes_an_image(db: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    image = tmp_path / "per-month.png"
    result = run("--db", str(db), "--plot", str(image), "--top", "1")
    assert result.exit_code == 0, result.output
    assert image.read_bytes().startswith(b"\x89PNG")
    assert f"plot written to {image}" in result.stderr


def test_plot_of_an_empty_archive(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    db = build(tmp_path / "empty.sqlite", [])
    image = tmp_path / "empty.png"
    assert run("--db", str(db), "--plot", str(image)).exit_code == 0
    assert image.exists()


def test_plot_without_matplotlib_is_a_clear_message(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    result = run("--db", str(db), "--plot", str(tmp_path / "x.png"))
    assert result.exit_code == 1
    assert "--plot needs matplotlib" in result.stderr
    assert "humas-crawler[plot]" in result.stderr
    assert "Traceback" not in result.output


def test_plot_bad_format_or_directory(db: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = run("--db", str(db), "--plot", str(tmp_path / "chart.docx"))
    assert result.exit_code == 1 and "unknown image format '.docx'" in result.stderr
    result = run("--db", str(db), "--plot", str(tmp_path / "nope" / "chart.png"))
    assert result.exit_code == 1 and "no directory" in result.stderr


def test_missing_or_bad_database(tmp_path: Path) -> None:
    missing = tmp_path / "humas.sqlite"
    result = run("--db", str(missing))
    assert result.exit_code == 1 and "no archive at" in result.stderr
    assert not missing.exists()
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database at all" * 50, encoding="utf-8")
    result = run("--db", str(bogus), "--json")
    assert result.exit_code == 1 and "not a SQLite database" in result.stderr
    assert "Traceback" not in result.output
    result = run("--db", str(tmp_path))
    assert result.exit_code == 2 and "directory" in result.stderr

"""`history`, `changes` and `feeds` on small archives built through the store (no crawl)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from humas_crawler.archive.store import Store
from humas_crawler.cli.app import main
from tests.helpers import archive_factory as factory

LATER = "2026-11-28T20:00:00Z"
PUNCTUATED = "SAMARINDA – Isi berita b; kata dia."


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = factory.build(
        tmp_path / "humas.sqlite",
        [
            factory.article("a"),
            factory.article("b", body_text="SAMARINDA – Isi berita b, kata dia."),
        ],
    )
    with Store.open(path) as store:
        a = factory.article("a")
        store.articles.save(
            a.replace(title="Judul a (ralat)", body_text=a.body_text + "\n\nKalimat baru."),
            capture=None,
            run_id=None,
            fetched_at=LATER,
        )
        b = factory.article("b", body_text=PUNCTUATED)
        store.articles.save(b, capture=None, run_id=None, fetched_at=LATER)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_history_json_of_any_form_of_the_url(db: Path) -> None:
    for url in (
        f"{factory.BASE}a",
        "http://kaltimprov.go.id/berita/a/",
        "https://www.kaltimprov.go.id/detailberita/a",
    ):
        code, out, _ = run("history", url, "--json", "--db", str(db))
        assert code == 0, out
        found = json.loads(out)
        assert found["url"] == f"{factory.BASE}a" and found["removed_at"] is None
        first, second = found["revisions"]
        assert first["diff"] is None and first["trivial"] is False
        assert second["diff"]["title"] == ["Judul a", "Judul a (ralat)"]
        assert second["diff"]["sentences"] == [{"op": "added", "old": None, "new": "Kalimat baru."}]
        assert 0 < second["diff"]["score"] < 1


def test_history_folds_trivial_revisions_unless_all(db: Path) -> None:
    code, out, _ = run("history", f"{factory.BASE}b", "--db", str(db))
    assert code == 0 and "trivial" in out and "--all" in out
    code, everything, _ = run("history", f"{factory.BASE}b", "--all", "--db", str(db))
    assert code == 0 and "b[-,-]{+;+} kata dia" in everything


def test_history_of_an_unknown_url_is_an_error(db: Path) -> None:
    code, _, err = run("history", f"{factory.BASE}tidak-ada", "--db", str(db))
    assert code == 1 and err.startswith("Error: no archived article at")
    code, _, err = run("history", "not a url", "--db", str(db))
    assert code == 2


def test_changes_json_and_csv(db: Path) -> None:
    code, out, _ = run("changes", "--json", "--db", str(db))
    assert code == 0
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row == {
        "url": f"{factory.BASE}a",
        "revision": 2,
        "changed_at": LATER,
        "kind": "changed",
        "title": "Judul a (ralat)",
        "summary": row["summary"],
        "trivial": False,
    }
    assert row["summary"].startswith("title changed")
    code, out, _ = run("changes", "--json", "--include-trivial", "--db", str(db))
    assert [json.loads(line)["trivial"] for line in out.splitlines()] == [True, False]
    code, out, err = run("changes", "--since", "2026-11-29", "--db", str(db))
    assert code == 0 and out == "" and "0 changes matched" in err
    code, out, _ = run("changes", "--csv", "--category", "Pemerintahan", "--db", str(db))
    assert out.splitlines()[0] == "url,revision,changed_at,kind,title,summary,trivial"
    assert len(out.splitlines()) == 2


def test_a_formula_like_title_is_neutralized_in_csv(tmp_path: Path) -> None:
    path = factory.build(tmp_path / "humas.sqlite", [factory.article("f", title="=SUM(A1)")])
    with Store.open(path) as store:
        store.articles.save(
            factory.article("f", title="=SUM(A1)", body_text="Baru sekali."),
            capture=None,
            run_id=None,
            fetched_at=LATER,
        )
    _, out, _ = run("changes", "--csv", "--db", str(path))
    assert ",'=SUM(A1)," in out


def test_feeds_command_writes_both_feeds(db: Path, tmp_path: Path) -> None:
    code, out, _ = run("feeds", "--db", str(db), "--output-dir", str(tmp_path / "out"))
    assert code == 0 and "new.atom" in out
    changed = feedparser.parse(str(tmp_path / "out" / "changed.atom"))
    assert changed.version == "atom10" and not changed.bozo
    assert [e.link for e in changed.entries] == [f"{factory.BASE}a"]  # the trivial one left out
    assert "<ins>" in changed.entries[0].content[0].value
    new = feedparser.parse(str(tmp_path / "out" / "new.atom"))
    assert {e.link for e in new.entries} == {f"{factory.BASE}a", f"{factory.BASE}b"}


def test_an_archive_from_before_the_changes_log_says_so(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("drop table article_events")
    conn.execute("pragma user_version = 4")
    conn.commit()
    conn.close()
    code, _, err = run("changes", "--db", str(db))
    assert code == 1 and "predates the changes log" in err


def test_migration_turns_earlier_revisions_into_change_events(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("drop table article_events")
    conn.execute("pragma user_version = 4")
    conn.commit()
    conn.close()
    with Store.open(db):  # a writable open migrates
        pass
    _, out, _ = run("changes", "--json", "--include-trivial", "--db", str(db))
    rows = [json.loads(line) for line in out.splitlines()]
    # Same time: the later event first.
    assert [(r["kind"], r["trivial"]) for r in rows] == [("changed", True), ("changed", False)]
    assert rows[1]["summary"].startswith("title changed")  # described when listed


def test_export_offers_removed_at(db: Path) -> None:
    with Store.open(db) as store:
        store.articles.mark_removed(
            f"{factory.BASE}b", at=LATER, detail="answered 404", run_id=None
        )
    code, out, _ = run("export", "--format", "csv", "--columns", "url,removed_at", "--db", str(db))
    assert code == 0
    assert out.splitlines() == [
        "url,removed_at",
        f"{factory.BASE}a,",
        f"{factory.BASE}b,{LATER}",
    ]

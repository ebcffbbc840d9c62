"""`humas-crawler search` and the literal query builder: ranking, snippets, filters, bad input."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from humas_crawler.archive.ftsquery import EmptyQueryError, literal_query
from humas_crawler.archive.fulltext import TITLE_WEIGHT
from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.store import Store
from humas_crawler.cli import search as search_module
from humas_crawler.cli.search import search
from tests.helpers.archive_factory import article, build


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build(
        tmp_path / "humas.sqlite",
        [
            article(
                "banjir-judul",
                date="2022-06-21",
                title="Banjir Rendam Samarinda",
                body_text="SAMARINDA – Hujan deras sejak pagi. Warga mengungsi ke masjid.",
            ),
            article(
                "banjir-isi",
                date="2023-02-01",
                category="Informasi Bencana",
                title="Gubernur Meninjau Posko",
                body_text="Gubernur meninjau posko banjir di Sungai Pinang, Samarinda.",
            ),
            article(
                "ibu-kota",
                date="2024-08-17",
                category="Ibu Kota Negara",
                title="Upacara di Ibu Kota Nusantara",
                body_text="NUSANTARA – Upacara digelar di ibu kota baru. Banjirnya surut.",
            ),
            article(
                "kota-ibu",
                date="2024-08-18",
                title="Kota dan Ibu-ibu PKK",
                body_text="Kota Samarinda mengundang ibu-ibu PKK. Covid-19 tidak lagi.",
            ),
            # The same content as `banjir-judul` under another URL.
            article(
                "banjir-judul-2",
                date="2022-06-21",
                title="Banjir Rendam Samarinda",
                body_text="SAMARINDA – Hujan deras sejak pagi. Warga mengungsi ke masjid.",
            ),
        ],
    )


def run(*args: str) -> object:
    return CliRunner().invoke(search, list(args))


def found(result: object) -> list[str]:
    return [hit["url"].rsplit("/", 1)[-1] for hit in json.loads(result.stdout)]


def test_title_matches_rank_first_and_hits_show_date_category_snippet(db: Path) -> None:
    result = run("--db", str(db), "banjir")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "  1. 2022-06-21  Pemerintahan  [Banjir] Rendam Samarinda"
    assert lines[1] == "     https://www.kaltimprov.go.id/berita/banjir-judul"
    assert lines[3].startswith("  2. 2023-02-01  Informasi Bencana  Gubernur Meninjau Posko")
    assert "posko [banjir] di Sungai Pinang" in lines[5]
    assert "banjir-judul-2" not in result.stdout  # duplicates left out


def test_every_word_must_occur(db: Path) -> None:
    assert found(run("--db", str(db), "--json", "banjir", "samarinda")) == [
        "banjir-judul",
        "banjir-isi",
    ]
    assert found(run("--db", str(db), "--json", "banjir sungai")) == ["banjir-isi"]


def test_phrase_and_prefix(db: Path) -> None:
    assert found(run("--db", str(db), "--json", '"ibu kota"')) == ["ibu-kota"]
    assert set(found(run("--db", str(db), "--json", "ibu", "kota"))) == {"ibu-kota", "kota-ibu"}
    assert "ibu-kota" in found(run("--db", str(db), "--json", "banjir*"))  # banjirnya
    assert "ibu-kota" not in found(run("--db", str(db), "--json", "banjir"))


def test_color_on_a_terminal_brackets_elsewhere(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(search_module, "color_wanted", lambda: True)
    result = CliRunner().invoke(search, ["--db", str(db), "sungai"], color=True)
    assert "\x1b[" in result.stdout and "[Sungai]" not in result.stdout
    monkeypatch.setattr(search_module, "color_wanted", lambda: False)
    assert "[Sungai]" in run("--db", str(db), "sungai").stdout


def test_limit(db: Path) -> None:
    assert len(found(run("--db", str(db), "--json", "samarinda"))) == 3
    assert len(found(run("--db", str(db), "--json", "--limit", "1", "samarinda"))) == 1
    assert run("--db", str(db), "--limit", "0", "samarinda").exit_code == 2


def test_filters_and_duplicates(db: Path) -> None:
    assert found(run("--db", str(db), "--json", "--since", "2023-01-01", "samarinda")) == [
        "banjir-isi",
        "kota-ibu",
    ]
    assert found(run("--db", str(db), "--json", "--until", "2022-12-31", "samarinda")) == [
        "banjir-judul"
    ]
    by_category = run("--db", str(db), "--json", "--category", "informasi bencana", "banjir")
    assert found(by_category) == ["banjir-isi"]
    with_duplicates = run("--db", str(db), "--json", "--include-duplicates", "rendam")
    assert sorted(found(with_duplicates)) == ["banjir-judul", "banjir-judul-2"]


def test_json_fields(db: Path) -> None:
    (hit,) = json.loads(run("--db", str(db), "--json", "sungai").stdout)
    assert hit["rank"] == 1 and hit["score"] > 0
    assert hit["published_date"] == "2023-02-01"
    assert hit["category"] == "Informasi Bencana"
    assert hit["title"] == "Gubernur Meninjau Posko"
    assert "[Sungai] Pinang" in hit["snippet"]


def test_no_match_says_so(db: Path) -> None:
    result = run("--db", str(db), "gempa")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no article matches 'gempa'" in result.stderr
    as_json = run("--db", str(db), "--json", "gempa")
    assert json.loads(as_json.stdout) == []
    assert "no article matches 'gempa'" in as_json.stderr


@pytest.mark.parametrize(
    "query",
    [
        'banjir"',
        '"banjir',
        '"',
        "AND",
        "banjir AND",
        "OR banjir",
        "NOT banjir",
        "-banjir",
        "banjir -",
        "*",
        "banjir*:",
        "title:banjir",
        "a:b",
        "NEAR(banjir",
        "(banjir",
        "banjir)",
        "^banjir",
        "banjir + {samarinda}",
        "covid-19",
        "'; drop table articles; --",
    ],
)
def test_any_typed_query_is_safe(db: Path, query: str) -> None:
    result = run("--db", str(db), "--", query)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output


def test_literal_words_are_found_whatever_the_punctuation(db: Path) -> None:
    assert found(run("--db", str(db), "--json", "--", "-banjir", "(sungai)")) == ["banjir-isi"]
    assert found(run("--db", str(db), "--json", "covid-19")) == ["kota-ibu"]
    assert found(run("--db", str(db), "--json", 'samarinda"')) != []


def test_query_without_words_is_a_clear_error(db: Path) -> None:
    result = run("--db", str(db), '" - * :')
    assert result.exit_code == 2
    assert "no word to search for" in result.stderr


def test_fts_flag_takes_raw_syntax_and_reports_errors(db: Path) -> None:
    assert found(run("--db", str(db), "--json", "--fts", "banjir NOT samarinda")) == []
    assert found(run("--db", str(db), "--json", "--fts", "title:banjir")) == ["banjir-judul"]
    assert found(run("--db", str(db), "--json", "--fts", "sungai OR nusantara")) == [
        "ibu-kota",
        "banjir-isi",
    ] or found(run("--db", str(db), "--json", "--fts", "sungai OR nusantara")) == [
        "banjir-isi",
        "ibu-kota",
    ]
    for bad in ('banjir "', "banjir AND", "a:b", "*", "NEAR("):
        result = run("--db", str(db), "--fts", bad)
        assert result.exit_code == 1, bad
        assert "is not valid" in result.stderr and "FTS5 query syntax" in result.stderr
        assert "Traceback" not in result.output


def test_bad_input_errors(db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    result = run("--db", str(missing), "banjir")
    assert result.exit_code == 1 and "no archive at" in result.stderr
    assert not missing.exists()
    result = run("--db", str(db), "--since", "2022-6-1", "banjir")
    assert result.exit_code == 2 and "expected YYYY-MM-DD" in result.stderr
    result = run("--db", str(db), "--category", "Kesehatn", "banjir")
    assert result.exit_code == 2 and "close matches: Kesehatan (kesehatan)" in result.stderr


# --- the query builder -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("banjir samarinda", '"banjir" "samarinda"'),
        ('"ibu kota" nusantara', '"ibu kota" "nusantara"'),
        ('"ibu   kota"*', '"ibu kota"*'),
        ("banjir*", '"banjir"*'),
        ('banjir"', '"banjir"'),
        ("AND OR NOT", '"AND" "OR" "NOT"'),
        ("-banjir title:x", '"-banjir" "title:x"'),
        ('" - * :', None),
        ("", None),
    ],
)
def test_literal_query(typed: str, query: str | None) -> None:
    if query is None:
        with pytest.raises(EmptyQueryError):
            literal_query(typed)
    else:
        assert literal_query(typed) == query


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_literal_query_never_fails_in_fts5(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table f using fts5(title, body_text)")
    conn.execute("insert into f values ('Banjir di Samarinda', 'warga mengungsi')")
    try:
        query = literal_query(text)
    except EmptyQueryError:
        return
    conn.execute("select count(*) from f where f match ?", [query]).fetchone()


# --- ranking shortcuts against the plain join ---------------------------------------------------


def test_ranking_shortcuts_agree_with_the_plain_join(tmp_path: Path) -> None:
    rng = random.Random(7)
    words = ["banjir", "jalan", "sekolah", "vaksin", "tambang", "sawit", "pelabuhan", "pasar"]
    categories = ["Pemerintahan", "Kesehatan", "Pendidikan", "Pembangunan"]
    records = []
    for i in range(240):
        body = " ".join(rng.choices(words, k=rng.randint(3, 30)))
        title = " ".join(rng.choices(words, k=3))
        records.append(
            article(
                f"a{i}",
                date=f"20{rng.randint(15, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                category=rng.choice(categories),
                title=title,
                body_text=body,
            )
        )
    records += [article("dup", title=records[0].title, body_text=records[0].body_text)]
    db = build(tmp_path / "rank.sqlite", records)
    filters = [
        ArticleFilter(),
        ArticleFilter(include_duplicates=True),
        ArticleFilter(since="2016-01-01"),  # most articles: rank first, check after
        ArticleFilter(since="2024-01-01"),  # few: rank only those
        ArticleFilter(category_slugs=("kesehatan",)),
        ArticleFilter(category_slugs=("kesehatan", "pendidikan"), until="2020-12-31"),
    ]
    with Store.open(db, readonly=True) as store:
        for where in filters:
            for query in ('"banjir"', '"sawit" "pasar"', '"jalan"*', '"tidak-ada"'):
                where = ArticleFilter(**{**where.__dict__, "fts_query": query})
                for limit in (1, 7, 50):
                    hits = store.articles.search(where, limit=limit)
                    expected = _plain_join(store, where, limit)
                    assert [round(h["score"], 9) for h in hits] == [
                        round(-s, 9) for _, s in expected
                    ], (where, limit)
                    assert {h["id"] for h in hits} <= {i for i, _ in _plain_join(store, where, 999)}


def _plain_join(store: Store, where: ArticleFilter, limit: int) -> list[tuple[int, float]]:
    conditions, params = where.conditions("a", fts=False)
    return store.db.execute(
        "select a.id, bm25(articles_fts, ?, 1.0) as s from articles_fts"
        " join articles a on a.id = articles_fts.rowid"
        f" where articles_fts match ? and {conditions} order by s limit ?",
        [TITLE_WEIGHT, where.fts_query, *params, limit],
    ).fetchall()

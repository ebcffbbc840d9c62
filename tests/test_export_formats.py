"""`export --format parquet` (read back with pyarrow and DuckDB) and `--schema news-please`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from humas_crawler.archive.store import Store
from humas_crawler.cli.app import main
from tests.helpers import archive_factory as factory

WITA = timezone(timedelta(hours=8))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = factory.build(
        tmp_path / "humas.sqlite",
        [
            factory.article("a", date="2022-06-21"),
            factory.article("b", date=None, category="Info Desa"),  # undated, unknown category
            factory.article("c", date="2024-01-02", image_urls=[], author_codes=None),
            factory.article("d", date="2023-03-04", title="=1+1"),
        ],
    )
    with Store.open(path) as store:  # a revision, and a removal
        store.articles.save(
            factory.article("a", date="2022-06-21", body_text="SAMARINDA – Isi baru."),
            capture=None,
            run_id=None,
            fetched_at="2026-11-28T01:02:03Z",
        )
        store.articles.mark_removed(
            f"{factory.BASE}c", at="2026-11-29T00:00:00Z", detail="404", run_id=None
        )
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def sqlite_rows(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {r["url"]: dict(r) for r in conn.execute("select * from articles")}
    conn.close()
    return rows


def test_parquet_reads_back_typed_and_equal_to_sqlite(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "berita.parquet"
    code, _, err = run("export", "--format", "parquet", "-o", str(out), "--columns", "all",
                       "--db", str(db))  # fmt: skip
    assert code == 0, err
    table = pq.read_table(out)
    schema = table.schema
    assert schema.field("published_at").type == pa.timestamp("ms", tz="+08:00")
    assert schema.field("published_date").type == pa.date32()
    assert schema.field("first_seen_at").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("revision").type == pa.int64()
    assert schema.field("category_known").type == pa.bool_()
    assert schema.field("image_urls").type == pa.list_(pa.string())
    assert pa.types.is_dictionary(schema.field("category").type)
    expected = sqlite_rows(db)
    got = {row["url"]: row for row in table.to_pylist()}
    assert set(got) == set(expected)
    for url, row in expected.items():
        mine = got[url]
        for column, value in row.items():
            value_out = mine[column]
            if column == "published_at" and value:
                assert value_out == datetime.fromisoformat(value)
            elif column in ("first_seen_at", "last_fetched_at", "last_changed_at", "removed_at"):
                assert value_out == (
                    datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
                ), column
            elif column == "published_date":
                assert value_out == (date.fromisoformat(value) if value else None)
            elif column == "image_urls":
                assert value_out == json.loads(value)
            elif column == "category_known":
                assert value_out == bool(value)
            else:
                assert value_out == value, (url, column)
    assert got[f"{factory.BASE}d"]["title"] == "=1+1"  # never altered, as JSON Lines


def test_duckdb_reads_the_parquet_with_its_types(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "berita.parquet"
    assert run("export", "--format", "parquet", "-o", str(out), "--db", str(db))[0] == 0
    conn = duckdb.connect()
    types = dict(conn.execute(f"describe select * from read_parquet('{out}')").fetchall()[i][:2]
                 for i in range(len(pq.read_schema(out))))  # fmt: skip
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["published_date"] == "DATE"
    assert types["revision"] == "BIGINT"
    assert types["image_urls"] == "VARCHAR[]"
    counts = conn.execute(
        f"select category, count(*) from read_parquet('{out}') group by 1 order by 1"
    ).fetchall()
    assert counts == [("Info Desa", 1), ("Pemerintahan", 3)]
    conn.execute("set TimeZone = 'UTC'")
    (first,) = conn.execute(f"select min(published_at) from read_parquet('{out}')").fetchone()
    assert first == datetime(2022, 6, 21, 2, 0, tzinfo=UTC)  # 10:00 WITA


def test_pandas_and_polars_read_the_parquet_with_its_types(db: Path, tmp_path: Path) -> None:
    import pandas as pd
    import polars as pl

    out = tmp_path / "berita.parquet"
    assert run("export", "--format", "parquet", "-o", str(out), "--db", str(db))[0] == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 4
    assert isinstance(frame["published_at"].dtype, pd.DatetimeTZDtype)
    assert str(frame["published_at"].dtype.tz) in ("+08:00", "UTC+08:00")
    assert isinstance(frame["category"].dtype, pd.CategoricalDtype)
    assert frame["revision"].dtype == "int64"
    first = frame.sort_values("published_at")["published_at"].iloc[0]
    assert first == pd.Timestamp("2022-06-21T10:00:00+08:00")
    table = pl.read_parquet(out)
    assert table.height == 4
    # polars names the fixed +08:00 offset Etc/GMT-8 (POSIX signs are inverted): the same zone.
    assert table.schema["published_at"] == pl.Datetime("ms", "Etc/GMT-8")
    earliest = table["published_at"].min()
    assert earliest == datetime(2022, 6, 21, 10, 0, tzinfo=WITA)
    assert table.schema["published_date"] == pl.Date
    assert table.schema["revision"] == pl.Int64
    assert table.schema["category"] == pl.Categorical
    assert table.schema["image_urls"] == pl.List(pl.String)
    counts = dict(table.group_by("category").len().sort("category").iter_rows())
    assert counts == {"Info Desa": 1, "Pemerintahan": 3}


def test_parquet_needs_a_file_and_pyarrow(db: Path, monkeypatch) -> None:
    code, _, err = run("export", "--format", "parquet", "--db", str(db))
    assert code == 2 and "--output FILE.parquet" in err
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    code, _, err = run("export", "--format", "parquet", "-o", "/tmp/x.parquet", "--db", str(db))
    assert code == 1 and "pip install 'humas-crawler[parquet]'" in err


def test_news_please_records(db: Path) -> None:
    code, out, err = run("export", "--format", "jsonl", "--schema", "news-please", "--db", str(db))
    assert code == 0, err
    records = {r["url"]: r for r in map(json.loads, out.splitlines())}
    assert len(records) == 4
    a = records[f"{factory.BASE}a"]
    assert list(a) == [
        "authors", "date_download", "date_modify", "date_publish", "description", "filename",
        "image_url", "language", "localpath", "maintext", "source_domain", "title",
        "title_page", "title_rss", "url",
    ]  # fmt: skip
    assert a["title"] == "Judul a"
    assert a["maintext"] == "SAMARINDA – Isi baru."
    assert a["date_publish"] == "2022-06-21 10:00:00"  # WITA, naive, as news-please writes
    assert a["date_modify"] == "2026-11-28 09:02:03"  # the last change, 01:02:03 UTC in WITA
    assert a["date_download"] == "2026-11-28 09:02:03"
    assert a["source_domain"] == "www.kaltimprov.go.id"
    assert a["language"] == "id"
    assert a["authors"] == ["her/hmsprov"]
    assert a["image_url"] == "https://www.kaltimprov.go.id/images/a.jpg"
    c = records[f"{factory.BASE}c"]
    assert c["authors"] == [] and c["image_url"] is None
    assert records[f"{factory.BASE}b"]["date_publish"] is None
    assert records[f"{factory.BASE}d"]["title"] == "=1+1"


def test_news_please_schema_is_for_jsonl_only(db: Path) -> None:
    code, _, err = run("export", "--format", "csv", "--schema", "news-please", "--db", str(db))
    assert code == 2 and "--format jsonl only" in err
    code, _, err = run("export", "--format", "jsonl", "--schema", "news-please",
                       "--columns", "url", "--db", str(db))  # fmt: skip
    assert code == 2


def test_news_please_dates_are_in_each_sites_own_zone() -> None:
    from humas_crawler.cli.newsplease import record

    row = {
        "url": "https://ppid.jatimprov.go.id/2023/06/06/pasar-murah/",
        "title": "Pasar Murah",
        "body_text": "Isi.",
        "published_at": "2023-06-06T09:15:00+07:00",
        "last_changed_at": "2026-12-03T02:00:00Z",
        "last_fetched_at": "2026-12-03T02:00:00Z",
        "author_codes": None,
        "image_urls": "[]",
    }
    out = record(row)
    assert out["date_publish"] == "2023-06-06 09:15:00"
    assert out["date_download"] == out["date_modify"] == "2026-12-03 09:00:00"  # WIB
    assert out["source_domain"] == "ppid.jatimprov.go.id"

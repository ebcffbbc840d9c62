"""`humas-crawler export` through click's CliRunner: filters, CSV safety, formats, bad input."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import tracemalloc
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from humas_crawler.archive import errors as errors_module
from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.store import Store
from humas_crawler.cli import csvsafe
from humas_crawler.cli import export as export_module
from humas_crawler.cli.export import DEFAULT_COLUMNS, export
from tests.helpers.archive_factory import article, build


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build(
        tmp_path / "humas.sqlite",
        [
            article(
                "banjir",
                date="2022-06-21",
                title="Banjir Rendam Samarinda",
                body_text="SAMARINDA – Banjir merendam tiga kecamatan.",
            ),
            article(
                "sekolah",
                date="2023-01-05",
                category="Pendidikan",
                title="Sekolah Baru Diresmikan",
                body_text="BALIKPAPAN – Gedung sekolah diresmikan gubernur.",
            ),
            article(
                "vaksin",
                date="2021-03-02",
                category="KESEHATAN",
                title='=HYPERLINK("http://evil","klik")',
                body_text="-2 persen warga belum divaksin.",
                author_codes="@her/hmsprov",
                photo_caption="+62 811 nomor posko",
            ),
            article("tanpa-tanggal", date=None, title="Tanpa Tanggal", body_text="Isi."),
            article(
                "gubernur",
                date="2022-06-21",
                category="Gubernur Kalimantan Timur",
                title="Gubernur Meninjau Banjir",
                body_text="Gubernur meninjau lokasi banjir di Samarinda.",
            ),
            # The same content as `banjir` under another URL: a duplicate.
            article(
                "banjir-2",
                date="2022-06-21",
                title="Banjir Rendam Samarinda",
                body_text="SAMARINDA – Banjir merendam tiga kecamatan.",
            ),
        ],
    )


def run(*args: str) -> object:
    return CliRunner().invoke(export, list(args))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def names(directory: Path) -> list[str]:
    """Files in `directory` but SQLite's -wal/-shm (readers of a WAL archive leave them)."""
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith(("-wal", "-shm")))


def slugs(text: str) -> list[str]:
    return [row["url"].rsplit("/", 1)[-1] for row in csv_rows(text)]


def test_csv_to_stdout_default_columns_oldest_first_undated_last(db: Path) -> None:
    result = run("--db", str(db), "--format", "csv")
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split(",")
    assert header == list(DEFAULT_COLUMNS)
    assert slugs(result.stdout) == ["vaksin", "banjir", "gubernur", "sekolah", "tanpa-tanggal"]
    assert result.stderr == ""  # nothing but the rows on stdout, and no chatter


def test_duplicates_are_left_out_unless_asked_for(db: Path) -> None:
    assert "banjir-2" not in slugs(run("--db", str(db), "--format", "csv").stdout)
    result = run("--db", str(db), "--format", "csv", "--include-duplicates")
    assert slugs(result.stdout).count("banjir-2") == 1


def test_since_and_until_are_inclusive_and_leave_undated_out(db: Path) -> None:
    result = run("--db", str(db), "--format", "csv", "--since", "2022-06-21")
    assert slugs(result.stdout) == ["banjir", "gubernur", "sekolah"]
    result = run("--db", str(db), "--format", "csv", "--until", "2022-06-21")
    assert slugs(result.stdout) == ["vaksin", "banjir", "gubernur"]
    result = run(
        "--db", str(db), "--format", "csv", "--since", "2022-06-21", "--until", "2022-06-21"
    )
    assert slugs(result.stdout) == ["banjir", "gubernur"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["Pendidikan"], ["sekolah"]),
        (["pendidikan"], ["sekolah"]),  # slug
        (["  PENDIDIKAN "], ["sekolah"]),  # any case and spacing
        (["gubernur-kaltim"], ["gubernur"]),
        (["Gubernur Kalimantan Timur"], ["gubernur"]),  # a taxonomy alias
        (["Kesehatan", "pendidikan"], ["vaksin", "sekolah"]),  # repeatable
    ],
)
def test_category_by_label_alias_or_slug(db: Path, given: list[str], expected: list[str]) -> None:
    args = ["--db", str(db), "--format", "csv"]
    for name in given:
        args += ["--category", name]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert slugs(result.stdout) == expected


def test_category_known_to_the_archive_only(tmp_path: Path) -> None:
    db = build(tmp_path / "a.sqlite", [article("desa", category="Kabar Desa Terkini")])
    result = run("--db", str(db), "--format", "csv", "--category", "kabar desa terkini")
    assert result.exit_code == 0, result.output
    assert slugs(result.stdout) == ["desa"]


def test_unknown_category_lists_close_matches(db: Path) -> None:
    result = run("--db", str(db), "--format", "csv", "--category", "Kesehtan")
    assert result.exit_code == 2
    assert "unknown category 'Kesehtan'" in result.stderr
    assert "Kesehatan (kesehatan)" in result.stderr
    assert "Traceback" not in result.output


def test_search_is_literal_by_default_and_fts_with_the_flag(db: Path) -> None:
    result = run("--db", str(db), "--format", "csv", "--search", "banjir samarinda")
    assert slugs(result.stdout) == ["banjir", "gubernur"]
    result = run("--db", str(db), "--format", "csv", "--search", "banjir OR")  # OR: a word
    assert slugs(result.stdout) == []
    result = run("--db", str(db), "--format", "csv", "--search", "sekolah OR divaksin", "--fts")
    assert slugs(result.stdout) == ["vaksin", "sekolah"]


def test_bad_fts_query_is_a_clear_error_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run(
        "--db", str(db), "--format", "csv", "--search", 'banjir "', "--fts", "-o", str(out)
    )
    assert result.exit_code == 1
    assert "not valid" in result.stderr and "FTS5 query syntax" in result.stderr
    assert "Traceback" not in result.output
    assert names(tmp_path) == ["humas.sqlite"]


def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(db: Path) -> None:
    columns = "title,body_text,author_codes,photo_caption,revision,id"
    result = run(
        "--db", str(db), "--format", "csv", "--category", "kesehatan", "--columns", columns
    )
    (row,) = csv_rows(result.stdout)
    assert row["title"] == '\'=HYPERLINK("http://evil","klik")'
    assert row["body_text"] == "'-2 persen warga belum divaksin."
    assert row["author_codes"] == "'@her/hmsprov"
    assert row["photo_caption"] == "'+62 811 nomor posko"
    assert row["revision"] == "1"  # numbers are never touched


def test_raw_csv_and_jsonl_are_never_altered(db: Path) -> None:
    result = run("--db", str(db), "--format", "csv", "--category", "kesehatan", "--raw")
    (row,) = csv_rows(result.stdout)
    assert row["title"] == '=HYPERLINK("http://evil","klik")'
    assert row["body_text"] == "-2 persen warga belum divaksin."
    result = run("--db", str(db), "--format", "jsonl", "--category", "kesehatan")
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["title"] == '=HYPERLINK("http://evil","klik")'
    assert record["author_codes"] == "@her/hmsprov"


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(alphabet=st.sampled_from("=+-@\t\r\n 'a1é\"")))
def test_sql_escaping_matches_the_reference_rule(tmp_path: Path, value: str) -> None:
    path = tmp_path / f"prop-{uuid.uuid4().hex}.sqlite"  # one per example: no stale -wal
    build(path, [article("x", title=value)])
    with Store.open(path, readonly=True) as store:
        (row,) = store.articles.export(
            ["title", "revision"], ArticleFilter(), formula_triggers=csvsafe.FORMULA_TRIGGERS
        )
    assert row == (csvsafe.neutralize(value), 1)


def test_neutralize_rule() -> None:
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx"):
        assert csvsafe.neutralize(dangerous) == "'" + dangerous
    for safe in ("Banjir", " =1", "'=1", "", "1-1"):
        assert csvsafe.neutralize(safe) == safe
    assert csvsafe.neutralize(-5) == -5
    assert csvsafe.neutralize(None) is None


def test_excel_flavour_has_a_bom_and_crlf(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    result = run("--db", str(db), "--format", "csv", "--excel", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfurl,")
    assert data.count(b"\r\n") == 6  # header + 5 articles; paragraph breaks in cells stay LF
    plain = tmp_path / "plain.csv"
    run("--db", str(db), "--format", "csv", "-o", str(plain))
    assert plain.read_bytes().startswith(b"url,")
    assert b"\r\n" not in plain.read_bytes()
    with out.open(encoding="utf-8-sig", newline="") as stream:
        assert [r["url"] for r in csv.DictReader(stream)] == [
            r["url"] for r in csv_rows(plain.read_text(encoding="utf-8"))
        ]


def test_excel_with_jsonl_is_a_usage_error(db: Path) -> None:
    result = run("--db", str(db), "--format", "jsonl", "--excel")
    assert result.exit_code == 2
    assert "--excel applies to --format csv only" in result.stderr


@pytest.mark.parametrize("option", [["--wacz-version", "1.2.0"], ["--skip-missing"]])
def test_wacz_options_with_csv_are_a_usage_error(db: Path, option: list[str]) -> None:
    result = run("--db", str(db), "--format", "csv", *option)
    assert result.exit_code == 2
    assert "apply to --format wacz only" in result.stderr


def test_jsonl_holds_json_values_under_the_column_names(db: Path) -> None:
    result = run("--db", str(db), "--format", "jsonl", "--search", "sekolah")
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert list(record) == list(DEFAULT_COLUMNS)
    assert record["image_urls"] == ["https://www.kaltimprov.go.id/images/sekolah.jpg"]
    assert record["revision"] == 1
    assert record["category"] == "Pendidikan"


def test_columns_option_orders_and_validates(db: Path) -> None:
    result = run(
        "--db", str(db), "--format", "csv", "--columns", "title, url", "--until", "2021-12-31"
    )
    assert result.stdout.splitlines()[0] == "title,url"
    every = run("--db", str(db), "--format", "csv", "--columns", "all")
    header = every.stdout.splitlines()[0].split(",")
    assert header[:2] == ["id", "url"] and "content_hash" in header and "duplicate_of" in header
    bad = run("--db", str(db), "--format", "csv", "--columns", "url,judul,tanggal")
    assert bad.exit_code == 2
    assert "unknown column(s) judul, tanggal" in bad.stderr
    assert "the columns are: id, url, site, slug, title" in bad.stderr
    twice = run("--db", str(db), "--format", "csv", "--columns", "url,url")
    assert twice.exit_code == 2 and "given twice: url" in twice.stderr


def test_file_output_replaces_atomically_and_reports_the_count(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "berita.csv"
    out.write_text("old content", encoding="utf-8")
    result = run("--db", str(db), "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"exported 5 articles to {out}" in result.stderr
    assert len(csv_rows(out.read_text(encoding="utf-8"))) == 5
    assert names(tmp_path) == ["berita.csv", "humas.sqlite"]


def test_a_failure_mid_export_leaves_no_file(db: Path, tmp_path: Path, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "_write_csv", broken)
    out = tmp_path / "out.csv"
    result = run("--db", str(db), "--format", "csv", "-o", str(out))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "No space left" in result.stderr
    assert names(tmp_path) == ["humas.sqlite"]


def test_output_in_a_missing_directory_is_a_clear_error(db: Path, tmp_path: Path) -> None:
    result = run("--db", str(db), "--format", "csv", "-o", str(tmp_path / "nope" / "x.csv"))
    assert result.exit_code == 2
    assert "no directory" in result.stderr


def test_progress_bar_only_for_a_file_with_stderr_on_a_terminal(
    db: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(export_module, "PROGRESS_MIN_ROWS", 1)
    monkeypatch.setattr(export_module, "_stderr_is_terminal", lambda: True)
    to_file = run("--db", str(db), "--format", "csv", "-o", str(tmp_path / "x.csv"))
    assert "exporting" in to_file.stderr
    to_stdout = run("--db", str(db), "--format", "csv")
    assert "exporting" not in to_stdout.stderr
    monkeypatch.setattr(export_module, "_stderr_is_terminal", lambda: False)
    quiet = run("--db", str(db), "--format", "csv", "-o", str(tmp_path / "y.csv"))
    assert "exporting" not in quiet.stderr


def test_missing_database_is_a_clear_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "data" / "humas.sqlite"
    result = run("--db", str(missing), "--format", "csv")
    assert result.exit_code == 1
    assert f"no archive at {missing}" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["21-06-2022", "2022/06/21", "2022-02-30", "kemarin", "20220621"])
def test_bad_date_names_the_expected_format(db: Path, value: str) -> None:
    result = run("--db", str(db), "--format", "csv", "--since", value)
    assert result.exit_code == 2
    assert "expected YYYY-MM-DD" in result.stderr


def test_since_after_until_is_an_error(db: Path) -> None:
    result = run(
        "--db", str(db), "--format", "csv", "--since", "2023-01-01", "--until", "2022-01-01"
    )
    assert result.exit_code == 2
    assert "is after --until" in result.stderr


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"this is not sqlite" * 100)
    result = run("--db", str(bogus), "--format", "csv")
    assert result.exit_code == 1
    assert "not a SQLite database" in result.stderr
    assert "Traceback" not in result.output


def test_locked_database_is_a_clear_error(db: Path, monkeypatch) -> None:
    monkeypatch.setattr(errors_module, "BUSY_TIMEOUT_SECONDS", 0.1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("--db", str(db), "--format", "csv")
    finally:
        holder.close()
    assert result.exit_code == 1
    assert "the archive is busy" in result.stderr
    assert "Traceback" not in result.output


def test_export_streams_with_flat_memory(tmp_path: Path) -> None:
    body = "Paragraf panjang tentang pembangunan daerah. " * 100  # ~4.5 kB per article
    records = [article(f"a{i}", body_text=f"{body} {i}") for i in range(600)]
    db = build(tmp_path / "big.sqlite", records)
    with Store.open(db, readonly=True) as store:
        tracemalloc.start()
        rows = store.articles.export(["url", "body_text"], ArticleFilter())
        total = sum(len(row[1]) for row in rows)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert total > 2_500_000
    assert peak < 300_000  # a few rows at a time, not the 2.7 MB of bodies


@pytest.mark.slow
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    body = "Paragraf panjang tentang pembangunan daerah. " * 100
    db = build(tmp_path / "pipe.sqlite", [article(f"a{i}", body_text=body) for i in range(200)])
    code = "import sys; from humas_crawler.cli.export import export; export(sys.argv[1:])"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(db), "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"url,")
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert stderr == ""


def test_a_filter_that_matches_nothing_says_so_and_writes_a_valid_file(
    db: Path, tmp_path: Path
) -> None:
    result = run("--db", str(db), "--format", "csv", "--since", "2099-01-01")
    assert result.exit_code == 0
    assert "0 articles matched" in result.stderr
    [header] = list(csv.reader(io.StringIO(result.stdout)))
    assert header == list(DEFAULT_COLUMNS)
    out = tmp_path / "none.jsonl"
    result = run("--db", str(db), "--format", "jsonl", "--since", "2099-01-01", "-o", str(out))
    assert result.exit_code == 0
    assert f"0 articles matched; {out} holds no rows" in result.stderr
    assert out.read_text(encoding="utf-8") == ""


def test_default_csv_says_when_a_time_was_not_shown(tmp_path: Path) -> None:
    db = build(
        tmp_path / "humas.sqlite",
        [
            article("jam", date="2022-06-21"),
            article(
                "hari",
                date="2022-06-22",
                published_at="2022-06-22T00:00:00+08:00",
                published_precision="day",
                published_raw="22 Juni 2022",
            ),
        ],
    )
    rows = csv.DictReader(io.StringIO(run("--db", str(db), "--format", "csv").stdout))
    shown = {
        r["url"].rsplit("/", 1)[1]: (r["published_at"], r["published_precision"]) for r in rows
    }
    assert shown == {
        "jam": ("2022-06-21T10:00:00+08:00", "second"),
        "hari": ("2022-06-22T00:00:00+08:00", "day"),
    }

"""`humas-crawler browse`: the shipped Datasette metadata, its canned queries, and a real
Datasette on 127.0.0.1 read over HTTP and in headless Chromium (Debian's `chromium`).

Tests that need Datasette or Chromium skip, saying so, where they are missing; `.ci/run`
installs Chromium, the `test` extra brings Datasette.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from humas_crawler.archive.fulltext import TITLE_WEIGHT
from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.record import RECORD_FIELDS, ArticleRecord
from humas_crawler.archive.schema import TABLES
from humas_crawler.archive.store import Store
from humas_crawler.cli import browse as browse_module
from humas_crawler.cli.browse import (
    browse,
    database_name,
    datasette_command,
    load_metadata,
    write_metadata,
)
from humas_crawler.normalize.categories import Taxonomy
from tests.helpers import archive_factory as factory

HAS_DATASETTE = importlib.util.find_spec("datasette") is not None
# Screenshots the browser tests keep (gitignored).
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HAS_YAML = importlib.util.find_spec("yaml") is not None
needs_datasette = pytest.mark.skipif(
    not HAS_DATASETTE,
    reason="Datasette is not installed (pip install 'humas-crawler[browse]', or the test extra)",
)
needs_yaml = pytest.mark.skipif(
    not HAS_YAML, reason="PyYAML is not installed (Datasette brings it: the browse extra)"
)

# Not `humas`: the metadata must follow the archive under whatever name Datasette gives it.
ARCHIVE_NAME = "arsip-kaltim"
PESUT_TITLE = "Pesut Mahakam Kembali Terlihat di Perairan Samarinda"
FETCHED_AT = "2026-11-27T20:08:57Z"
EDITED_AT = "2026-11-28T20:08:57Z"
EDITED_TITLE = "Banjir Rendam 12 Kawasan Samarinda"
STARTUP_TIMEOUT = 30
CHROMIUM_TIMEOUT = 90
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def article(slug: str, title: str, body: str, published_at: str, category: str) -> ArticleRecord:
    record: dict[str, Any] = dict.fromkeys(RECORD_FIELDS)
    record.update(
        url=f"https://www.kaltimprov.go.id/berita/{slug}",
        slug=slug,
        title=title,
        published_at=published_at,
        published_date=published_at[:10],
        published_precision="second",
        published_raw=published_at,
        category=category,
        category_slug=category.lower(),
        category_raw=category.upper(),
        category_known=True,
        dateline="Samarinda",
        body_text=body,
        image_urls=[],
    )
    return ArticleRecord.from_dict(record)


ARTICLES = (
    article(
        "pesut-mahakam-kembali-terlihat",
        PESUT_TITLE,
        "SAMARINDA – Kawanan pesut terlihat di Sungai Mahakam.\n\nWarga diminta menjaga sungai.",
        "2024-03-05T09:15:00+08:00",
        "Lingkungan",
    ),
    article(
        "festival-sungai-mahakam",
        "Festival Sungai Mahakam Digelar",
        "SAMARINDA – Festival menampilkan perahu hias dan maskot pesut-pesut lucu.",
        "2024-04-10T10:00:00+08:00",
        "Pariwisata",
    ),
    article(
        "banjir-rendam-samarinda",
        "Banjir Rendam Samarinda",
        "SAMARINDA – Hujan deras merendam beberapa kawasan; banjirnya surut sore hari.",
        "2024-06-11T16:30:00+08:00",
        "Pemerintahan",
    ),
)


def build_archive(path: Path) -> Path:
    """A small archive: three articles, a finished run, a quarantine row, a failure."""
    with Store.open(path) as store:
        run_id = store.runs.start("incremental", "https://www.kaltimprov.go.id")
        store.categories.sync(Taxonomy.default())
        for record in ARTICLES:
            store.articles.save(record, capture=None, run_id=run_id, fetched_at=FETCHED_AT)
        store.quarantine.add(
            "https://www.kaltimprov.go.id/berita/x", "timestamp", "31 Februari 2022", run_id
        )
        store.failures.record("https://www.kaltimprov.go.id/berita/y", "HTTP 503", run_id)
        # A later fetch: one article edited (retitled, a figure changed), one taken down.
        banjir = ARTICLES[2]
        edited = banjir.replace(
            title=EDITED_TITLE,
            body_text=banjir.body_text.replace("beberapa kawasan", "12 kawasan")
            + "\n\nSebanyak 1.200 warga mengungsi ke posko.",
            content_hash=None,
        )
        capture_id = store.captures.add(
            {
                "url": banjir.url,
                "request_url": banjir.url,
                "fetched_at": EDITED_AT,
                "status": 200,
                "content_type": "text/html; charset=utf-8",
                "payload_digest": "sha1:AAAA",
                "warc_file": "humas-test.warc.gz",
                "warc_offset": 0,
                "warc_length": 100,
                "warc_record_id": "<urn:uuid:00000000-0000-0000-0000-000000000001>",
            },
            run_id,
        )
        store.articles.save(
            edited, capture=None, run_id=run_id, fetched_at=EDITED_AT, capture_id=capture_id
        )
        store.articles.mark_removed(
            ARTICLES[1].url, at=EDITED_AT, detail=f"{ARTICLES[1].url} answered 410", run_id=run_id
        )
        store.runs.finish(run_id, status="ok", counts={"articles_new": 3}, stats={})
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("archive") / f"{ARCHIVE_NAME}.sqlite")


# --- the metadata, without a server ---------------------------------------------------------


@needs_yaml
def test_metadata_is_keyed_by_the_archive_file_stem(tmp_path: Path) -> None:
    assert database_name(Path("data/humas.sqlite")) == "humas"
    shipped = load_metadata()
    assert list(shipped["databases"]) == ["humas"]
    assert shipped["title"] == "humas-crawler archive: Kaltim provincial news"
    assert "kaltimprov.go.id" in shipped["source"]
    assert shipped["source_url"].startswith("https://www.kaltimprov.go.id")
    assert "MIT" in shipped["license"]
    assert "archived for research" in shipped["license"]
    written = write_metadata(tmp_path / "elsewhere" / "my.archive.db", tmp_path)
    moved = json.loads(written.read_text(encoding="utf-8"))
    assert list(moved["databases"]) == ["my.archive"]
    assert moved["databases"]["my.archive"] == shipped["databases"]["humas"]


@needs_yaml
def test_metadata_describes_every_table_and_column_of_the_schema() -> None:
    tables = load_metadata()["databases"]["humas"]["tables"]
    assert set(tables) == set(TABLES)
    for name, spec in TABLES.items():
        assert tables[name].get("description"), name
        described = tables[name].get("columns") or {}
        assert set(described) == set(spec.columns), name
        assert all(isinstance(text, str) and text for text in described.values()), name


@needs_yaml
def test_canned_queries_run_on_the_archive_read_only(archive: Path) -> None:
    queries = load_metadata()["databases"]["humas"]["queries"]
    assert {
        "search",
        "articles_per_month",
        "articles_per_category",
        "latest_runs",
        "recent_articles",
        "quarantine_by_reason",
        "recent_changes",
        "removed_articles",
    } <= set(queries)
    conn = sqlite3.connect(f"{archive.absolute().as_uri()}?mode=ro", uri=True)
    try:
        for name, query in queries.items():
            assert query.get("title") and query.get("description"), name
            params = {"q": "pesut"} if ":q" in query["sql"] else {}
            conn.execute(query["sql"], params).fetchall()
        per_month = dict(conn.execute(queries["articles_per_month"]["sql"]).fetchall())
        assert per_month == {"2024-03": 1, "2024-04": 1, "2024-05": 0, "2024-06": 1}
        changes = conn.execute(queries["recent_changes"]["sql"]).fetchall()
        assert [(row[1], row[3]) for row in changes] == [
            ("removed", "Festival Sungai Mahakam Digelar"),
            ("changed", EDITED_TITLE),
        ]
        removed = conn.execute(queries["removed_articles"]["sql"]).fetchall()
        assert [row[3] for row in removed] == ["Festival Sungai Mahakam Digelar"]
        assert removed[0][-1].startswith("/-/history?id=")
    finally:
        conn.close()


@needs_yaml
def test_canned_article_queries_select_what_article_filter_selects(tmp_path: Path) -> None:
    """The canned queries over `articles` count each article once as ArticleFilter does (the
    filter behind export, search and stats): duplicates left out, dates and categories as its
    conditions read them. Checked on an archive with duplicates, undated articles and a
    category the taxonomy does not know."""
    records = [
        factory.article("a", date="2024-01-05", title="Satu", body_text="Isi satu."),
        factory.article("a-copy", date="2024-01-05", title="Satu", body_text="Isi satu."),
        factory.article("b", date="2024-03-31", category="Kesehatan", title="Dua"),
        factory.article("c", date="2024-03-01", category="Kabar Baru Sekali", title="Tiga"),
        factory.article("d", date=None, title="Empat", body_text="Isi empat."),
        factory.article("d-copy", date=None, title="Empat", body_text="Isi empat."),
        factory.article("e", date="2023-12-31", category="Kesehatan", title="Lima"),
    ]
    db = factory.build(tmp_path / "filters.sqlite", records)
    queries = load_metadata()["databases"]["humas"]["queries"]
    once = ArticleFilter()
    dated = ArticleFilter(since="0000-01-01")  # a date bound leaves undated articles out
    with Store.open(db, readonly=True) as store:
        count = store.articles.count
        assert count(once) == 5 < count(ArticleFilter(include_duplicates=True))

        def canned(name: str) -> list[tuple]:
            return store.db.execute(queries[name]["sql"]).fetchall()

        per_month = dict(canned("articles_per_month"))
        assert per_month.pop("(no date)") == count(once) - count(dated) == 1
        assert per_month == {
            month: count(ArticleFilter(since=f"{month}-01", until=f"{month}-31"))
            for month in ("2023-12", "2024-01", "2024-02", "2024-03")
        }
        per_category = {slug: n for _, slug, _, n, *_ in canned("articles_per_category")}
        assert sum(per_category.values()) == count(once)
        assert per_category == {
            slug: count(ArticleFilter(category_slugs=(slug,))) for slug in per_category
        }
        recent = {row[-1] for row in canned("recent_articles")}  # fewer than its 100 here
        assert recent == {row[0] for row in store.articles.export(["id"], dated)}


@needs_yaml
@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("pesut", [PESUT_TITLE, "Festival Sungai Mahakam Digelar"]),  # the title hit first
        ("PESUT", [PESUT_TITLE, "Festival Sungai Mahakam Digelar"]),
        ("pesut-pesut", ["Festival Sungai Mahakam Digelar"]),  # a hyphen: no FTS5 error
        ("pesut mahakam", [PESUT_TITLE, "Festival Sungai Mahakam Digelar"]),  # all words
        ("banjir", [EDITED_TITLE]),
        ("banjir*", [EDITED_TITLE]),  # prefix: banjirnya
        ('"kawanan pesut"', [PESUT_TITLE]),  # FTS5 phrase
        ('"pesut kawanan"', []),
        (
            "title:festival OR banjir",
            ["Festival Sungai Mahakam Digelar", EDITED_TITLE],
        ),
        ("", []),
        ("   ", []),
        ("tidakada", []),
    ],
)
def test_search_query(archive: Path, q: str, titles: list[str]) -> None:
    sql = load_metadata()["databases"]["humas"]["queries"]["search"]["sql"]
    conn = sqlite3.connect(f"{archive.absolute().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(sql, {"q": q}).fetchall()
    finally:
        conn.close()
    found = [row["title"] for row in rows]
    if q.startswith("title:"):
        assert sorted(found) == sorted(titles)
    else:
        assert found == titles
    for row in rows:
        assert set(row.keys()) >= {"published_at", "category", "title", "snippet", "url"}
        assert "**" in row["snippet"]


def test_search_query_weighs_titles_as_the_search_command_does() -> None:
    # One ranking: the canned query's bm25 weights are the ones `humas-crawler search` uses.
    sql = load_metadata()["databases"]["humas"]["queries"]["search"]["sql"]
    weights = re.findall(r"bm25\(articles_fts,\s*([\d.]+),\s*([\d.]+)\)", sql)
    assert [tuple(map(float, w)) for w in weights] == [(TITLE_WEIGHT, 1.0)]


# --- the browse command ---------------------------------------------------------------------


def test_browse_without_the_archive_is_a_clear_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "humas.sqlite"
    result = CliRunner().invoke(browse, ["--db", str(missing)])
    assert result.exit_code == 1
    assert f"no archive at {missing}" in result.stderr
    assert "Traceback" not in result.output
    assert not missing.parent.exists()


def test_browse_refuses_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(browse, ["--db", str(other)])
    assert result.exit_code == 1
    assert "not a SQLite database" in result.stderr


def test_browse_without_datasette_says_what_to_install(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse_module, "datasette_available", lambda: False)
    result = CliRunner().invoke(browse, ["--db", str(archive)])
    assert result.exit_code == 1
    assert "pip install 'humas-crawler[browse]'" in result.stderr


def test_datasette_command_is_read_only_and_immutable_only_on_request() -> None:
    db, metadata = Path("data/humas.sqlite"), Path("/tmp/m.json")
    command = datasette_command(db, metadata, host="127.0.0.1", port=8123)
    assert command[:4] == [sys.executable, "-m", "datasette", "serve"]
    assert "--immutable" not in command and "-i" not in command
    assert str(db) in command
    assert command[command.index("--metadata") + 1] == str(metadata)
    assert command[command.index("--port") + 1] == "8123"
    assert "--open" not in command
    opened = datasette_command(db, metadata, open_browser=True, immutable=True)
    assert opened[opened.index("--immutable") + 1] == str(db)
    assert "--open" in opened


# --- a real Datasette -----------------------------------------------------------------------


def _stop(process: subprocess.Popen, *, group: bool = False) -> None:
    """Stop a process (or its whole process group), politely first."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, signal.SIGTERM)
            else:
                process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
    if group:
        # Children may outlive their parent: the group goes in any case.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.kill()
        process.wait(10)


def _wait_for_port(process: subprocess.Popen, log: Path) -> int:
    """The port uvicorn reports in `log`, once the server answers there."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Datasette exited with {process.returncode}:\n{log.read_text()}")
        found = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", log.read_text())
        if found:
            port = int(found.group(1))
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                return port
        time.sleep(0.1)
    pytest.fail(f"Datasette did not answer within {STARTUP_TIMEOUT} s:\n{log.read_text()}")


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode("utf-8")
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read().decode("utf-8"), exc.code
    return status, json.loads(body) if url.split("?")[0].endswith(".json") else body


@pytest.fixture(scope="module")
def server(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Datasette serving the archive on a free 127.0.0.1 port, as `browse` runs it."""
    if not HAS_DATASETTE:
        pytest.skip("Datasette is not installed (pip install 'humas-crawler[browse]')")
    directory = tmp_path_factory.mktemp("datasette")
    metadata = write_metadata(archive, directory)
    # Port 0: uvicorn binds a free port and names it in its log (no race for the port).
    command = datasette_command(archive, metadata, host="127.0.0.1", port=0)
    log = directory / "datasette.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        port = _wait_for_port(process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


@pytest.mark.slow
def test_datasette_serves_the_metadata_under_the_archive_name(server: str) -> None:
    status, metadata = _get(f"{server}/-/metadata.json")
    assert status == 200
    assert list(metadata["databases"]) == [ARCHIVE_NAME]
    status, page = _get(f"{server}/")
    assert "humas-crawler archive: Kaltim provincial news" in page
    status, page = _get(f"{server}/{ARCHIVE_NAME}/articles")
    assert status == 200
    assert "One row per article URL" in page
    assert "Publication time, ISO 8601 in the site&#39;s zone" in page  # a column description


@pytest.mark.slow
def test_search_canned_query_json_finds_the_article(server: str) -> None:
    status, rows = _get(f"{server}/{ARCHIVE_NAME}/search.json?q=pesut&_shape=array")
    assert status == 200, rows
    assert [row["title"] for row in rows] == [PESUT_TITLE, "Festival Sungai Mahakam Digelar"]
    assert rows[0]["url"] == "https://www.kaltimprov.go.id/berita/pesut-mahakam-kembali-terlihat"
    assert rows[0]["published_at"] == "2024-03-05T09:15:00+08:00"
    assert rows[0]["category"] == "Lingkungan"
    assert "**pesut**" in rows[0]["snippet"].lower()
    status, rows = _get(f"{server}/{ARCHIVE_NAME}/search.json?q=&_shape=array")
    assert (status, rows) == (200, [])
    status, rows = _get(f"{server}/{ARCHIVE_NAME}/search.json?_shape=array")
    assert (status, rows) == (200, [])


@pytest.mark.slow
def test_every_canned_query_answers(server: str) -> None:
    for name in load_metadata()["databases"]["humas"]["queries"]:
        status, body = _get(f"{server}/{ARCHIVE_NAME}/{name}.json?q=pesut")
        assert status == 200, (name, body)
        assert body["ok"] is True, (name, body)


@pytest.mark.slow
def test_datasette_cannot_write_to_the_archive(server: str) -> None:
    sql = urllib.parse.quote("update articles set title = 'x'")
    status, body = _get(f"{server}/{ARCHIVE_NAME}.json?sql={sql}")
    assert status == 400 and body["ok"] is False
    _, rows = _get(f"{server}/{ARCHIVE_NAME}/search.json?q=pesut&_shape=array")
    assert rows[0]["title"] == PESUT_TITLE


@pytest.mark.slow
def test_datasette_sees_what_a_crawl_commits_while_it_serves(server: str, archive: Path) -> None:
    # Why browse does not use --immutable: a crawl writes (WAL) while archivists browse.
    record = article(
        "pesut-baru",
        "Pesut Baru Lahir",
        "Seekor anak pesut lahir.",
        "2024-05-01T08:00:00+08:00",
        "Lingkungan",
    )
    with Store.open(archive) as store:
        saved = store.articles.save(record, capture=None, run_id=None, fetched_at=FETCHED_AT)
        try:
            _, rows = _get(f"{server}/{ARCHIVE_NAME}/search.json?q=lahir&_shape=array")
            assert [row["title"] for row in rows] == ["Pesut Baru Lahir"]
        finally:
            found = saved.article_id
            store.db.execute("delete from article_revisions where article_id = ?", [found])
            store.db.execute("delete from articles where id = ?", [found])


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


@pytest.mark.slow
def test_search_page_in_headless_chromium_shows_the_results(server: str) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
        )
    from parsel import Selector

    url = f"{server}/{ARCHIVE_NAME}/search?q=pesut"
    with tempfile.TemporaryDirectory(prefix="humas-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Chromium's helpers go with it
        )
        try:
            dom, errors = process.communicate(timeout=CHROMIUM_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Chromium did not render {url} within {CHROMIUM_TIMEOUT} s")
        finally:
            _stop(process, group=True)
    page = Selector(text=dom.decode("utf-8", "replace"))
    assert page.css("title::text").get(), errors.decode("utf-8", "replace")[-2000:]
    cells = page.css("table.rows-and-columns td")
    assert cells, f"no results table in the page Chromium rendered:\n{dom[:3000]!r}"
    texts = [" ".join(cell.css("::text").getall()).strip() for cell in cells]
    assert PESUT_TITLE in texts
    assert any("**pesut**" in text.lower() for text in texts)
    # The form keeps what was searched.
    assert page.css("input[name=q]::attr(value)").get() == "pesut"


@pytest.mark.slow
@needs_datasette
def test_browse_command_serves_until_stopped(archive: Path, tmp_path: Path) -> None:
    """The real command: metadata under the archive's name; SIGTERM stops it and Datasette."""
    script = "import sys; from humas_crawler.cli.browse import browse; browse(sys.argv[1:])"
    log = tmp_path / "browse.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", script, "--db", str(archive), "--port", "0"],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        port = _wait_for_port(process, log)
        status, metadata = _get(f"http://127.0.0.1:{port}/-/metadata.json")
        assert status == 200 and list(metadata["databases"]) == [ARCHIVE_NAME]
        assert "read-only" in log.read_text()
        process.send_signal(signal.SIGTERM)  # the command alone, not its process group
        assert process.wait(15) == 0, log.read_text()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
    finally:
        _stop(process, group=True)


@pytest.mark.slow
def test_history_page_shows_the_edit_as_a_journalist_reads_it(server: str, archive: Path) -> None:
    with Store.open(archive, create=False, readonly=True) as store:
        article_id = store.articles.by_url(ARTICLES[2].url)["id"]
    status, page = _get(f"{server}/-/history?id={article_id}")
    assert status == 200
    assert "Revision 2" in page and EDITED_TITLE in page
    assert "<del>" in page and "<ins>" in page
    assert f"/{ARCHIVE_NAME}/captures/" in page  # a link to each capture
    status, page = _get(f"{server}/-/history?url={urllib.parse.quote(ARTICLES[1].url)}")
    assert status == 200 and "Removed from the site" in page
    assert _get(f"{server}/-/history?id=999999")[0] == 404
    # The canned queries link each row to it.
    _, listing = _get(f"{server}/{ARCHIVE_NAME}/recent_changes")
    assert 'href="/-/history?id=' in listing


@pytest.mark.slow
def test_history_page_in_headless_chromium(server: str, archive: Path) -> None:
    chromium = _chromium()
    if chromium is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
        )
    from parsel import Selector

    with Store.open(archive, create=False, readonly=True) as store:
        article_id = store.articles.by_url(ARTICLES[2].url)["id"]
    url = f"{server}/-/history?id={article_id}"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "history-page.png"
    shot.unlink(missing_ok=True)
    dom = _chromium_run(chromium, "--dump-dom", url)
    _chromium_run(chromium, f"--screenshot={shot}", "--window-size=1000,1400", url)
    page = Selector(text=dom.decode("utf-8", "replace"))
    assert page.css("h1::text").get() == EDITED_TITLE
    assert page.css("section.revision del::text").getall()
    assert page.css("section.revision ins::text").getall()
    assert page.css("a[href*='/captures/']")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # kept: test-artifacts/


def _chromium_run(chromium: str, *args: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="humas-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            out, _ = process.communicate(timeout=CHROMIUM_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"Chromium did not finish {args} within {CHROMIUM_TIMEOUT} s")
        finally:
            _stop(process, group=True)
    return out

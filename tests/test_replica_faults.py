"""The replica's fault injection: each kind happens, reproducibly, and the ledger counts it."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from humas_crawler.cli import main
from humas_crawler.extract.article import ArticlePage
from humas_crawler.normalize import Site
from humas_crawler.replica import WITA, ReplicaServer, ReplicaSite, Request
from humas_crawler.replica.faults import (
    CHARSET_VARIANTS,
    LEDGER_PATH,
    FaultInjector,
    FaultPlan,
    path_key,
)

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=WITA)


class Fetched:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()


def fetch(server: ReplicaServer, path: str, method: str = "GET", timeout: float = 10) -> Fetched:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, path)
        return Fetched(conn.getresponse())
    finally:
        conn.close()


def raw(server: ReplicaServer, path: str) -> bytes:
    """Everything the server sends for one GET, read to the end of the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def site() -> ReplicaSite:
    return ReplicaSite(30, seed=4, now=NOW, per_page=5)


@pytest.fixture
def serve() -> Iterator:
    """serve(plan) -> a started server of a fresh 30-article site with that plan's faults."""
    running: list[ReplicaServer] = []

    def start(plan: FaultPlan, **options) -> ReplicaServer:
        replica = site()
        server = ReplicaServer(replica, faults=FaultInjector(plan, replica, **options)).start()
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()
        server.faults.close()


def injector(server: ReplicaServer) -> FaultInjector:
    assert isinstance(server.faults, FaultInjector)
    return server.faults


# ----- transient faults: the first attempt fails, the next one is served -----------------------


@pytest.mark.parametrize("status", [500, 503, 429])
def test_error_statuses_then_the_page(serve, status: int) -> None:
    server = serve(FaultPlan(rates={str(status): 1.0}, retry_after=7))
    article = server.site.articles[3]
    for path in (article.path, "/berita?page=2", "/kategori/gubernur-kaltim"):
        failed = fetch(server, path)
        assert failed.status == status
        assert failed.headers.get("Retry-After") == (None if status == 500 else "7")
        assert fetch(server, path).status == 200
    assert injector(server).counts() == {str(status): 3}


def test_reset_is_a_connection_error_then_the_page(serve) -> None:
    server = serve(FaultPlan(rates={"reset": 1.0}))
    for article in server.site.articles[:6]:
        with pytest.raises(ConnectionResetError):
            raw(server, article.path)
        assert fetch(server, article.path).status == 200
    details = {i.detail for i in injector(server).ledger}
    assert details == {"after 0 B", "after 20 B"}  # nothing sent, or part of the head


def test_truncated_body_is_shorter_than_its_length_then_the_page(serve) -> None:
    server = serve(FaultPlan(rates={"truncate": 1.0}))
    article = server.site.articles[0]
    head, _, body = raw(server, article.path).partition(b"\r\n\r\n")  # a clean EOF, no reset
    assert head.startswith(b"HTTP/1.1 200 OK")
    length = int(re.search(rb"Content-Length: (\d+)", head)[1])
    assert 0 < len(body) < length
    whole = fetch(server, article.path)
    assert len(whole.body) == length
    assert whole.body.startswith(body)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", server.site.articles[1].path)
    with pytest.raises(http.client.IncompleteRead):
        conn.getresponse().read()
    conn.close()


@pytest.mark.slow  # waits out a timeout on purpose
def test_slow_response_outlasts_a_shorter_timeout_then_comes_fast(serve) -> None:
    server = serve(FaultPlan(rates={"slow": 1.0}, slow_seconds=0.5))
    first, second = server.site.articles[:2]
    started = time.perf_counter()
    assert fetch(server, first.path).status == 200
    assert time.perf_counter() - started >= 0.5
    with pytest.raises(TimeoutError):
        fetch(server, second.path, timeout=0.2)
    started = time.perf_counter()
    assert fetch(server, second.path).status == 200
    assert time.perf_counter() - started < 0.4


def test_transient_faults_only_hit_the_first_attempts(serve) -> None:
    plan = FaultPlan(rates={"500": 0.4, "503": 0.3, "reset": 0.2}, transient_attempts=2)
    server = serve(plan)
    faults = injector(server)
    paths = [a.path for a in server.site.articles]
    decisions = {p: [faults.decide(p, attempt) for attempt in (1, 2, 3, 4)] for p in paths}
    assert all(d[2:] == [None, None] for d in decisions.values())
    assert any(d[0] and d[1] for d in decisions.values())  # failed twice, served the third time
    assert any(d[0] and not d[1] for d in decisions.values())
    for path in paths:
        for _ in range(2):
            with contextlib.suppress(ConnectionResetError):
                fetch(server, path)
        assert fetch(server, path).status == 200
    faulted = sum(1 for d in decisions.values() for kind in d if kind)
    assert sum(faults.counts().values()) == faulted


def test_robots_txt_stays_healthy_unless_asked(serve) -> None:
    healthy = serve(FaultPlan(rates={"500": 1.0}))
    robots = fetch(healthy, "/robots.txt")
    assert robots.status == 200
    assert robots.body.startswith(b"User-agent: *\nDisallow: /__faults__\nDisallow: /admin\n")
    assert fetch(serve(FaultPlan(rates={"500": 1.0}, robots=True)), "/robots.txt").status == 500


# ----- pages chosen to carry a fault -----------------------------------------------------------


def test_counted_429_and_persistent_pages(serve) -> None:
    plan = FaultPlan(paths={"429": 2, "persistent": 1}, persistent_attempts=3)
    server = serve(plan)
    chosen = injector(server).paths
    assert {kind: len(paths) for kind, paths in chosen.items()} == {"429": 2, "persistent": 1}
    statuses = {a.path: fetch(server, a.path).status for a in server.site.articles}
    assert {p for p, s in statuses.items() if s == 429} == set(chosen["429"])
    assert {p for p, s in statuses.items() if s == 500} == set(chosen["persistent"])
    assert sum(s == 200 for s in statuses.values()) == 27
    assert all(fetch(server, p).status == 200 for p in chosen["429"])
    (stubborn,) = chosen["persistent"]
    # Lost by a crawl that tries 3 times; the next crawl's first attempt is served.
    assert [fetch(server, stubborn).status for _ in range(3)] == [500, 500, 200]


def test_oversize_pages_are_padded_to_the_size_asked(serve) -> None:
    server = serve(FaultPlan(paths={"oversize": 1}, oversize_bytes=300_000))
    (path,) = injector(server).paths["oversize"]
    article = server.site.by_slug(path.rsplit("/", 1)[1])
    for _ in range(2):
        got = fetch(server, path)
        assert got.status == 200
        assert int(got.headers["Content-Length"]) == len(got.body) == 300_000
        assert escape(article.title).encode() in got.body
    default = serve(FaultPlan(paths={"oversize": 1}))
    (path,) = injector(default).paths["oversize"]
    assert fetch(default, path, method="HEAD").headers["Content-Length"] == str(25 * 1024 * 1024)


def test_redirect_loop_comes_back_to_where_it_started(serve) -> None:
    for hops in (2, 3):
        server = serve(FaultPlan(paths={"redirect-loop": 1}, loop_hops=hops))
        (path,) = injector(server).paths["redirect-loop"]
        chain, location = [], server.base_url + path
        for _ in range(hops * 2):
            got = fetch(server, location.removeprefix(server.base_url))
            assert got.status == 302
            location = got.headers["Location"]
            chain.append(location)
        assert len(set(chain)) == hops
        assert chain[hops - 1] == chain[-1] == server.base_url + path
        assert chain[0] == f"{server.base_url}{path}?hop=1"


def test_offsite_redirect_on_every_attempt(serve) -> None:
    server = serve(FaultPlan(paths={"offsite": 2}))
    for path in injector(server).paths["offsite"]:
        for _ in range(2):
            got = fetch(server, path)
            assert (got.status, got.headers["Location"]) == (301, f"http://evil.example{path}")


def test_every_article_has_non_ascii_text_for_charset_faults_to_spoil() -> None:
    # Titles and captions are ASCII; every body has a quote in “typographic quotes”, many a dash.
    articles = ReplicaSite(300, seed=2, now=NOW).articles
    assert all(re.search("[“”]", a.body_text) for a in articles)
    assert {c for a in articles for c in a.body_text if not c.isascii()} == set("“”–—")


def test_charset_pages_declare_what_their_bytes_are_not(serve) -> None:
    server = serve(FaultPlan(paths={"charset": 3}))
    variants = injector(server).charset_variants
    assert sorted(variants.values()) == sorted(CHARSET_VARIANTS)
    for path, variant in variants.items():
        truth = server.site.by_slug(path.rsplit("/", 1)[1]).body_text.split("\n\n")[-1]
        got = fetch(server, path)
        content_type, body = got.headers["Content-Type"], got.body
        if variant == "cp1252-as-utf-8":
            assert content_type == "text/html; charset=utf-8"
            assert b'<meta charset="utf-8">' in body
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
            assert escape(truth, quote=False) in body.decode("cp1252")
        elif variant == "utf-8-as-cp1252":
            assert content_type == "text/html; charset=windows-1252"
            assert b'<meta charset="windows-1252">' in body
            assert escape(truth, quote=False) in body.decode("utf-8")
            # What a reader trusting the label shows (0x9d of ” has no windows-1252 character).
            assert "â€œ" in body.decode("cp1252", "replace")
        else:
            assert content_type == "text/html"
            assert b"charset" not in body.lower()
            assert escape(truth, quote=False) in body.decode("cp1252")


def test_garbled_pages_are_broken_but_keep_the_article(serve) -> None:
    server = serve(FaultPlan(paths={"garbled": 4}))
    web = Site.from_base_url(server.base_url)
    truth = server.site.truth(server.base_url)
    for path in injector(server).paths["garbled"]:
        article = server.site.by_slug(path.rsplit("/", 1)[1])
        got = fetch(server, path)
        assert got.status == 200
        assert f">{escape(article.title)}</h".encode() in got.body
        assert b"\x00" in got.body or b"\xff" in got.body
        assert b"</p>" not in got.body
        assert not got.body.rstrip().endswith(b"</html>")
        assert fetch(server, path).body == got.body  # a property of the page, every attempt
        # A forgiving parser still reads the whole article out of it.
        item = ArticlePage(server.base_url + path, got.body.decode("utf-8", "replace"), site=web)
        expected = truth[server.base_url + path]
        assert {field: item.to_item().to_dict()[field] for field in expected} == expected


# ----- determinism, the ledger -----------------------------------------------------------------


BUSY = FaultPlan(
    seed=11,
    rates={"500": 0.3, "429": 0.1, "503": 0.1},
    paths={"garbled": 1, "offsite": 1, "redirect-loop": 1, "charset": 1, "persistent": 1},
)


def statuses(server: ReplicaServer) -> list[tuple[str, int]]:
    paths = ["/", "/berita", "/berita?page=2", *(a.path for a in server.site.articles)]
    return [(path, fetch(server, path).status) for path in paths * 2]


@pytest.mark.slow
def test_same_seed_same_faults(serve) -> None:
    one, two = serve(BUSY), serve(BUSY)
    assert injector(one).paths == injector(two).paths
    assert statuses(one) == statuses(two)
    assert injector(one).ledger == injector(two).ledger
    other = serve(FaultPlan(**{**BUSY.to_json(), "seed": 12}))
    assert injector(other).paths != injector(one).paths
    assert statuses(other) != statuses(one)


def test_one_kinds_pages_stay_put_when_another_kinds_count_changes() -> None:
    paths = FaultInjector(FaultPlan(paths={"garbled": 3}), site()).paths
    more = FaultInjector(FaultPlan(paths={"persistent": 2, "garbled": 3}), site()).paths
    assert more["garbled"] == paths["garbled"]
    assert not set(more["garbled"]) & set(more["persistent"])


def test_ledger_counts_file_and_endpoint(serve, tmp_path: Path) -> None:
    log = tmp_path / "faults.jsonl"
    server = serve(BUSY, log=log)
    observed = statuses(server)
    faults = injector(server)
    counts = faults.counts()
    assert set(counts) == {"500", "503", "429", "persistent", "garbled", "charset", "offsite"} | {
        "redirect-loop"
    }
    assert counts["500"] + counts["persistent"] == sum(s == 500 for _, s in observed)
    assert counts["429"] == sum(s == 429 for _, s in observed)
    assert counts["offsite"] == 2
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["kind"], e["path"], e["attempt"]) for e in lines] == [
        (i.kind, i.path, i.attempt) for i in faults.ledger
    ]
    report = json.loads(fetch(server, LEDGER_PATH).body)
    assert report["counts"] == counts
    assert report["paths"] == {kind: list(paths) for kind, paths in faults.paths.items()}
    assert report["plan"]["seed"] == 11
    assert faults.counts() == counts  # reading the ledger is no request of the site


def test_path_keys() -> None:
    assert path_key("/berita/a-b/?utm_source=x#y") == "/berita/a-b"
    assert path_key("/berita?page=2&utm_source=x") == "/berita?page=2"
    assert path_key("/berita?page=1") == path_key("/berita/") == "/berita"
    assert path_key("/") == "/"


@pytest.mark.parametrize(
    "bad",
    [
        {"rates": {"500": 1.5}},
        {"rates": {"500": 0.6, "reset": 0.5}},
        {"rates": {"garbled": 0.1}},
        {"paths": {"teapot": 1}},
        {"paths": {"oversize": -1}},
        {"transient_attempts": 0},
        {"slow_seconds": 0},
    ],
)
def test_bad_plans_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        FaultPlan(**bad)


def test_more_pages_than_articles_is_refused() -> None:
    with pytest.raises(ValueError, match="only 10 of 30 articles left"):
        FaultInjector(FaultPlan(paths={"garbled": 20, "charset": 11}), site())


# ----- nothing unless asked; the command -------------------------------------------------------


def test_no_plan_no_faults() -> None:
    assert not FaultPlan().active
    assert FaultPlan().describe() == "none"
    with ReplicaServer(site()) as server:
        assert type(server.faults).__name__ == "Faults"
        assert fetch(server, LEDGER_PATH).status == 404
        assert b"__faults__" not in fetch(server, "/robots.txt").body
        assert server.respond(Request("GET", "/berita", Message())).wire is None


def test_from_cli_names() -> None:
    plan = FaultPlan.from_cli(
        fault_seed=3,
        fault_500=0.08,
        fault_reset=0.03,
        fault_429_paths=2,
        fault_redirect_loop=1,
        fault_robots=True,
        slow_seconds=2.0,
    )
    assert plan.rates == {"500": 0.08, "reset": 0.03}
    assert plan.paths == {"429": 2, "redirect-loop": 1}
    assert (plan.seed, plan.robots, plan.slow_seconds) == (3, True, 2.0)
    described = "500 0.08, reset 0.03, 429 on 2 pages, redirect-loop on 1 page, seed 3"
    assert plan.describe() == described


def test_replica_command_builds_the_plan(monkeypatch, tmp_path: Path) -> None:
    calls: list[dict] = []
    monkeypatch.setattr(
        "humas_crawler.replica.serve.serve_forever", lambda *a, **kw: calls.append(kw)
    )
    runner = CliRunner()
    assert runner.invoke(main, ["replica", "--articles", "40"]).exit_code == 0
    assert calls[-1]["faults"] is None and calls[-1]["fault_log"] is None
    args = ["replica", "--articles", "40", "--fault-500", "0.08", "--fault-truncate", "0.03"]
    args += ["--fault-429-paths", "3", "--fault-garbled", "2", "--fault-seed", "5"]
    args += ["--slow-seconds", "1.5", "--fault-log", str(tmp_path / "f.jsonl")]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    plan = calls[-1]["faults"]
    assert plan.rates == {"500": 0.08, "truncate": 0.03}
    assert plan.paths == {"429": 3, "garbled": 2}
    assert (plan.seed, plan.slow_seconds) == (5, 1.5)
    assert calls[-1]["fault_log"] == tmp_path / "f.jsonl"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["--fault-500", "1.5"], "0<=x<=1"),
        (["--fault-500", "0.7", "--fault-reset", "0.7"], "add up to more than 1"),
        (["--fault-garbled", "-1"], "x>=0"),
        (["--fault-garbled", "30", "--fault-charset", "20"], "more pages than the 40 articles"),
        (["--slow-seconds", "0"], "x>0"),
    ],
)
def test_replica_command_refuses_bad_faults(monkeypatch, bad: list[str], message: str) -> None:
    monkeypatch.setattr("humas_crawler.replica.serve.serve_forever", lambda *a, **kw: None)
    result = CliRunner().invoke(main, ["replica", "--articles", "40", *bad])
    assert result.exit_code == 2
    assert message in result.output


def test_replica_help_documents_every_fault_flag() -> None:
    result = CliRunner().invoke(main, ["replica", "--help"])
    assert result.exit_code == 0
    for kind in ("500", "503", "429", "reset", "truncate", "slow", "persistent", "garbled"):
        assert f"--fault-{kind} " in result.output
    for flag in ("--fault-charset", "--fault-oversize", "--fault-redirect-loop", "--fault-offsite"):
        assert flag in result.output
    for flag in ("--fault-429-paths", "--fault-503-paths", "--fault-seed", "--fault-log"):
        assert flag in result.output
    for flag in ("--retry-after", "--slow-seconds", "--oversize-bytes", "--persistent-attempts"):
        assert flag in result.output


@pytest.mark.slow
def test_replica_command_serves_faults_and_sums_them_up(tmp_path: Path) -> None:
    log = tmp_path / "faults.jsonl"
    command = [sys.executable, "-m", "humas_crawler", "replica", "--port", "0", "--articles", "9"]
    command += ["--fault-500", "1", "--fault-offsite", "1", "--fault-log", str(log)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(re.search(r":(\d+)/berita$", proc.stdout.readline())[1])
        assert proc.stdout.readline() == (
            f"faults: 500 1, offsite on 1 page, seed 0; ledger at http://127.0.0.1:{port}/__faults__\n"
        )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for expected in (500, 200):
            conn.request("GET", "/berita")
            response = conn.getresponse()
            response.read()
            assert response.status == expected
        conn.request("GET", LEDGER_PATH)
        report = json.loads(conn.getresponse().read())
        conn.close()
        assert report["counts"] == {"500": 1, "offsite": 0}
        assert len(report["paths"]["offsite"]) == 1
        assert json.loads(log.read_text(encoding="utf-8")) == {
            "kind": "500",
            "path": "/berita",
            "attempt": 1,
            "detail": "",
        }
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert out == "faults injected: 500 1, offsite 0\n"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

"""A crawl whose site answers nothing stops within seconds, names the cause, points to the
replica, exits 1 and prints no traceback."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from humas_crawler.crawl.monitor import REPLICA_HINT, UNREACHABLE, Verdict, settle
from humas_crawler.crawl.reachability import describe
from humas_crawler.replica.checks import rows

SITE = "https://www.kaltimprov.go.id/robots.txt"
SUMMARY_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d (run \d+|failed:) ")


def wrapped(outer: type[Exception], inner: Exception) -> Exception:
    """An error as Scrapy 2.19 raises it: its own type, raised from Twisted's."""
    try:
        try:
            raise inner
        except Exception as exc:
            raise outer(str(exc)) from exc
    except Exception as exc:
        return exc


@pytest.mark.parametrize(
    ("exception", "said"),
    [
        (
            wrapped(CannotResolveHostError, net.DNSLookupError("no results")),
            "cannot resolve www.kaltimprov.go.id",
        ),
        (net.DNSLookupError("no results"), "cannot resolve www.kaltimprov.go.id"),
        (
            wrapped(DownloadConnectionRefusedError, net.ConnectionRefusedError()),
            "connection refused by www.kaltimprov.go.id:443",
        ),
        (
            wrapped(DownloadTimeoutError, net.TimeoutError()),
            "no answer from www.kaltimprov.go.id:443 (timed out)",
        ),
        (
            ResponseNeverReceived([Failure(net.ConnectionLost())]),
            "www.kaltimprov.go.id:443 closed the connection before answering",
        ),
    ],
)
def test_the_cause_is_named(exception: Exception, said: str) -> None:
    assert describe(exception, SITE) == said


def test_a_tls_failure_is_named() -> None:
    from OpenSSL import SSL

    tls = ResponseNeverReceived([Failure(SSL.Error([("SSL routines", "", "bad cert")]))])
    assert describe(tls, SITE) == "the TLS handshake with www.kaltimprov.go.id:443 failed"


def test_an_unreachable_run_fails_with_its_cause_and_the_replica_hint() -> None:
    ok = Verdict("ok", ())
    status, problems = settle(
        UNREACHABLE, ok, responses=0, where="https://x", cause="cannot resolve x"
    )
    assert (status, problems) == (
        "failed",
        ["cannot reach https://x: cannot resolve x", REPLICA_HINT],
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_a_crawl_of_a_refusing_host_stops_early_and_says_why(tmp_path) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    cmd = [sys.executable, "-m", "humas_crawler", "crawl", "--db", str(tmp_path / "humas.sqlite")]
    # Retries 10x sooner than by default: the same 4 attempts, in a test's time (the default
    # timing, about 10 s to exit, is measured by hand: docs/operations.md).
    result = subprocess.run(
        [*cmd, "--base-url", base, "--delay", "0", "-s", "HUMAS_RETRY_BACKOFF=0.1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    # The summary is on stdout (failed or not), each line dated: stdout is a pipe here.
    summary = result.stdout.splitlines()
    assert summary and all(SUMMARY_LINE.match(line) for line in summary), summary
    assert f"failed: cannot reach {base}: connection refused by 127.0.0.1" in result.stdout
    assert REPLICA_HINT in result.stdout
    run = rows(tmp_path, "select * from crawl_runs")[0]
    stats = json.loads(run["stats_json"])
    assert run["status"] == "failed" and stats["finish_reason"] == UNREACHABLE
    # Stopped after the first few attempts (robots.txt and its retries), not after retrying
    # every start URL in full: robots.txt was asked for once (plus its retries), no more.
    assert stats["downloader/request_count"] <= 6
    assert stats.get("robotstxt/request_count") == 1

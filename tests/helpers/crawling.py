"""Crawls of the offline replica in subprocesses, as a user runs them, and what they archived."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from humas_crawler.replica.checks import TRUTH_FIELDS, archived
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.runs import crawl_command, sites_crawl_command
from humas_crawler.replica.server import ReplicaServer, Request, Response

ARTICLE_PATHS = ("/berita/", "/detailberita/")


def crawl(server: ReplicaServer, tmp: Path, *args: str, wait: bool = True, delay: str = "0"):
    """`humas-crawler crawl` of the replica into `tmp` (run to its end, or started with
    `wait=False`); retries back off for a second or more by default, too slow for tests."""
    cmd = crawl_command(server.base_url, tmp, "--delay", delay, *args)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if not wait:
        return subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)


def crawl_sites(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """`humas-crawler crawl` into `tmp` of the sites `args` name (`--site`, `--base-url`...)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = sites_crawl_command(tmp, *args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


def reparse(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """`humas-crawler reparse` of the archive a crawl left in `tmp`, in one process."""
    cmd = [sys.executable, "-m", "humas_crawler", "reparse", "--db", str(tmp / "humas.sqlite"),
           "--warc-dir", str(tmp / "warc"), "--workers", "0", *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def assert_matches_truth(tmp: Path, site: ReplicaSite, base_url: str) -> None:
    truth = site.truth(base_url)
    got = archived(tmp)
    assert sorted(got) == sorted(truth)
    for url, expected in truth.items():
        for name in TRUTH_FIELDS:
            assert got[url][name] == expected[name], (url, name)


def is_article(request: Request, response: Response) -> bool:
    """Whether the replica answers an article page (for fault hooks)."""
    return request.path.startswith(ARTICLE_PATHS) and response.status == 200


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    """`warcio check` of a WARC file, as an archivist would run it."""
    cli = shutil.which("warcio") or str(Path(sys.executable).with_name("warcio"))
    return subprocess.run([cli, "check", str(path)], capture_output=True, text=True, check=False)

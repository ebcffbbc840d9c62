"""Kill trials: a crawl or a reparse SIGKILLed mid-way leaves a whole archive; a rerun completes it.

The trials and checks live in humas_crawler.replica (runs, checks, trials), which
bench/kill_trials.py runs many seeded times.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from humas_crawler.replica.checks import check_archive, count, rows
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.runs import crawl_command, group_members, run, wait_for_group
from humas_crawler.replica.server import ReplicaServer
from humas_crawler.replica.trials import copy_archive, crawl_trial, reparse_trial
from tests.helpers.crawling import assert_matches_truth

# End-to-end: crawls and reparses in subprocesses, SIGKILLed and rerun.
pytestmark = pytest.mark.slow

ARTICLES = 60


@pytest.fixture(scope="module")
def replica():
    site = ReplicaSite(articles=ARTICLES, seed=11, per_page=10, pinned=3)
    with ReplicaServer(site) as server:
        yield site, server


@pytest.fixture(scope="module")
def complete(replica, tmp_path_factory) -> Path:
    """An archive of the whole replica, crawled once without a kill."""
    site, server = replica
    work = tmp_path_factory.mktemp("complete")
    assert run(crawl_command(server.base_url, work), work / "crawl.log") == 0
    assert_matches_truth(work, site, server.base_url)
    return work


def articles_at_least(work: Path, n: int):
    return lambda: count(work, "select count(*) from articles") >= n


def captures_at_least(work: Path, n: int):
    return lambda: count(work, "select count(*) from captures") >= n


@pytest.mark.parametrize(
    "moment",
    ["starting", "first responses", "mid-crawl"],
)
def test_killed_crawl_leaves_a_whole_archive_and_a_rerun_completes_it(
    replica, tmp_path, moment
) -> None:
    site, server = replica
    when = {
        "starting": None,  # 0.3 s: the interpreter is still importing
        "first responses": captures_at_least(tmp_path, 1),  # robots.txt, the listing
        "mid-crawl": articles_at_least(tmp_path, ARTICLES // 2),
    }[moment]
    trial = crawl_trial(site, server.base_url, tmp_path, at=0.3 if when is None else 60, when=when)
    assert trial.kill.killed, "the crawl ended before the kill"
    assert trial.problems() == []
    assert trial.at_kill.integrity == "ok"
    assert_matches_truth(tmp_path, site, server.base_url)
    if moment == "mid-crawl":
        assert 0 < trial.at_kill.articles < ARTICLES
        assert trial.killed_run == "interrupted"


def test_crawl_killed_with_a_jobdir_is_completed_by_a_rerun_with_it(tmp_path) -> None:
    # Scrapy appends to the JOBDIR's requests.seen as it goes but saves its queue only on a
    # clean stop: resuming what a kill left filtered out every queued request (0 requests, the
    # run failed and the articles stayed missing until the run after). Enough articles that
    # requests.seen is flushed (every ~100 requests) before the kill.
    site = ReplicaSite(articles=150, seed=3)
    seen = tmp_path / "job" / "requests.seen"
    with ReplicaServer(site) as server:
        trial = crawl_trial(
            site,
            server.base_url,
            tmp_path,
            at=60,
            when=lambda: seen.exists() and seen.stat().st_size > 0,
            jobdir=True,
        )
    assert trial.kill.killed, "the crawl ended before the kill"
    assert trial.problems() == []
    assert "did not stop cleanly" in (tmp_path / "rerun.log").read_text()
    assert not (tmp_path / "job").exists()  # finished: cleared as always


def test_killed_crawl_leaves_no_extraction_worker_behind(replica, tmp_path) -> None:
    # kill -9 of the crawl process alone (an OOM kill, a supervisor that signals one pid): its
    # spawned extraction worker and multiprocessing's resource tracker must not live on.
    _site, server = replica
    cmd = crawl_command(server.base_url, tmp_path, "-s", "HUMAS_EXTRACT_WORKERS=1")
    crawl = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        articles_stored = articles_at_least(tmp_path, 5)
        while not articles_stored():
            assert crawl.poll() is None, "the crawl ended early"
            time.sleep(0.02)
        assert len(group_members(crawl.pid)) >= 2  # the crawl and its worker at least
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait()
        assert wait_for_group(crawl.pid, timeout=5) == []
    finally:
        if group_members(crawl.pid):
            os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait()
    assert check_archive(tmp_path).ok


@pytest.mark.parametrize("share", [0, 0.5])
def test_killed_reparse_leaves_a_whole_archive_and_a_rerun_completes_it(
    replica, complete, tmp_path, share
) -> None:
    site, server = replica
    rewritten = "select count(*) from article_revisions where revision = 2"
    target = max(1, int(share * ARTICLES * 2 / 3))  # two articles in three get a new revision

    def rewriting() -> bool:
        return count(tmp_path, rewritten) >= target

    trial = reparse_trial(site, server.base_url, complete, tmp_path, at=60, when=rewriting)
    assert trial.kill.killed, "the reparse ended before the kill"
    assert trial.problems() == []
    assert count(tmp_path, rewritten) > 0
    assert_matches_truth(tmp_path, site, server.base_url)


def test_checks_tolerate_a_cut_last_record_and_nothing_else(complete, tmp_path) -> None:
    copy_archive(complete, tmp_path)
    [path] = sorted((tmp_path / "warc").glob("*.warc.gz"))
    data = path.read_bytes()
    last = rows(tmp_path, "select * from captures order by id desc limit 1")[0]
    member = data[last["warc_offset"] : last["warc_offset"] + last["warc_length"]]
    # Killed while writing one more record: half of it at the end of the file.
    path.write_bytes(data + member[: len(member) // 2])
    check = check_archive(tmp_path)
    assert check.problems() == []
    assert check.cut_tails == 1
    # ... which no capture row may point at.
    conn = sqlite3.connect(tmp_path / "humas.sqlite")
    with conn:
        conn.execute(
            "insert into captures (url, fetched_at, warc_file, warc_offset, warc_length)"
            " values (?, ?, ?, ?, ?)",
            (last["url"], last["fetched_at"], last["warc_file"], len(data), len(member)),
        )
    conn.close()
    assert any("the cut last record" in p for p in check_archive(tmp_path).warc_problems)
    # Bytes damaged inside a record are never taken for a cut tail.
    damaged = bytearray(data)
    first = rows(tmp_path, "select * from captures order by id limit 1")[0]
    middle = first["warc_offset"] + first["warc_length"] // 2
    damaged[middle : middle + 16] = bytes(16)
    path.write_bytes(bytes(damaged))
    assert any("not gzip data" in p for p in check_archive(tmp_path).warc_problems)


def test_checks_find_a_half_written_article(complete, tmp_path) -> None:
    copy_archive(complete, tmp_path)
    assert check_archive(tmp_path).ok
    conn = sqlite3.connect(tmp_path / "humas.sqlite")
    with conn:  # a new version without its revision row; a capture row missing (no FK check)
        conn.execute("update articles set revision = 2, content_hash = 'sha256:x' where id = 1")
        conn.execute("update articles set capture_id = 999999 where id = 2")
    conn.close()
    check = check_archive(tmp_path)
    assert len(check.half_written) == 2
    assert "revision 2 but 1 revision rows" in check.half_written[0]
    assert "capture 999999 does not exist" in check.half_written[1]
    assert "foreign key" in check.integrity

"""Edits made visible: each kind of edit the replica makes, through `history --json`,
`changes --json` and the Atom feeds (read back with feedparser)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from humas_crawler.replica.model import CATEGORY_LABELS, ReplicaArticle, ReplicaSite
from humas_crawler.replica.server import ReplicaServer
from tests.helpers.crawling import crawl

pytestmark = pytest.mark.slow


def cli(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    db = str(tmp / "humas.sqlite")
    return subprocess.run(
        [sys.executable, "-m", "humas_crawler", *args, "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
    )


def history(tmp: Path, url: str) -> dict:
    result = cli(tmp, "history", url, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def last_diff(tmp: Path, server: ReplicaServer, article: ReplicaArticle) -> dict:
    found = history(tmp, f"{server.base_url}{article.path}")
    assert [r["revision"] for r in found["revisions"]] == [1, 2]
    assert found["revisions"][0]["diff"] is None
    return found["revisions"][-1]


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A replica crawled, six articles edited one way each, crawled again in full."""
    tmp = tmp_path_factory.mktemp("edits")
    site = ReplicaSite(articles=40, seed=21)
    a, b, c, d, e, f = site.newest_first()[4:10]
    first = b.paragraphs[0]
    site.edit_article(
        b.slug, paragraphs=[first + " Anggaran yang disiapkan Rp 5 miliar.", *b.paragraphs[1:]]
    )
    with ReplicaServer(site) as server:
        assert crawl(server, tmp).returncode == 0
        site.edit_article(
            a.slug, paragraphs=[*a.paragraphs, "Kegiatan serupa akan digelar lagi tahun depan."]
        )
        site.edit_article(
            b.slug, paragraphs=[first + " Anggaran yang disiapkan Rp 50 miliar.", *b.paragraphs[1:]]
        )
        site.edit_article(c.slug, title=c.title + " (Ralat)")
        other = next(label for label in CATEGORY_LABELS if label != d.category)
        site.edit_article(d.slug, category=other)
        e_paragraphs = [p.replace(", ", "; ", 1) for p in e.paragraphs]
        assert e_paragraphs != e.paragraphs
        site.edit_article(e.slug, paragraphs=e_paragraphs)
        f_paragraphs = [f.paragraphs[0], f.paragraphs[2], f.paragraphs[1], *f.paragraphs[3:]]
        site.edit_article(f.slug, paragraphs=f_paragraphs)
        result = crawl(server, tmp, "--mode", "full")
        assert result.returncode == 0, result.stderr[-3000:]
        yield tmp, server, site, (a, b, c, d, e, f), other


def test_a_paragraph_added(edited) -> None:
    tmp, server, _, (a, *_), _ = edited
    rev = last_diff(tmp, server, a)
    ops = [s["op"] for s in rev["diff"]["sentences"]]
    assert ops == ["added"] and not rev["trivial"]
    assert rev["diff"]["sentences"][0]["new"] == "Kegiatan serupa akan digelar lagi tahun depan."


def test_a_figure_changed_inside_a_sentence(edited) -> None:
    tmp, server, _, (_, b, *_), _ = edited
    rev = last_diff(tmp, server, b)
    (change,) = rev["diff"]["sentences"]
    assert change["op"] == "edited" and not rev["trivial"]
    assert "Rp 5 miliar" in change["old"] and "Rp 50 miliar" in change["new"]


def test_a_retitle_and_a_recategorization(edited) -> None:
    tmp, server, _, (_, _, c, d, *_), other = edited
    rev = last_diff(tmp, server, c)
    assert rev["diff"]["title"] == [c.title, c.title + " (Ralat)"]
    assert rev["title"] == c.title + " (Ralat)" and not rev["trivial"]
    rev = last_diff(tmp, server, d)
    assert rev["diff"]["category"] == [d.category, other]
    assert rev["category"] == other and not rev["trivial"]


def test_punctuation_only_is_trivial_and_a_move_is_one_change(edited) -> None:
    tmp, server, _, (*_, e, f), _ = edited
    assert last_diff(tmp, server, e)["trivial"]
    rev = last_diff(tmp, server, f)
    assert [s["op"] for s in rev["diff"]["sentences"]] == ["moved"] * len(rev["diff"]["sentences"])
    assert rev["diff"]["sentences"] and not rev["trivial"]


def test_changes_lists_every_edit_newest_first_trivial_ones_on_request(edited) -> None:
    tmp, _, _, articles, _ = edited
    result = cli(tmp, "changes", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    slugs = {r["url"].rsplit("/", 1)[-1] for r in rows}
    e = articles[4]
    assert slugs == {a.slug for a in articles} - {e.slug}
    assert all(
        set(r) == {"url", "revision", "changed_at", "kind", "title", "summary", "trivial"}
        for r in rows
    )
    assert all(r["kind"] == "changed" and r["revision"] == 2 and r["summary"] for r in rows)
    every = cli(tmp, "changes", "--json", "--include-trivial").stdout.splitlines()
    assert len(every) == len(rows) + 1
    csv_out = cli(tmp, "changes", "--csv").stdout.splitlines()
    assert csv_out[0] == "url,revision,changed_at,kind,title,summary,trivial"
    assert len(csv_out) == len(rows) + 1


def test_feeds_are_atom_that_a_feed_reader_reads(edited) -> None:
    tmp, server, site, articles, _ = edited
    changed = feedparser.parse(str(tmp / "feeds" / "changed.atom"))
    assert not changed.bozo, changed.get("bozo_exception")
    assert changed.version == "atom10"
    links = {entry.link for entry in changed.entries}
    assert f"{server.base_url}{articles[1].path}" in links
    figure = next(e for e in changed.entries if e.link.endswith(articles[1].slug))
    assert figure.summary and "<del>" in figure.content[0].value
    new = feedparser.parse(str(tmp / "feeds" / "new.atom"))
    assert not new.bozo and new.version == "atom10"
    assert len(new.entries) == len(site.articles)  # 40 < 50
    assert all(entry.title and entry.link and entry.id for entry in new.entries)

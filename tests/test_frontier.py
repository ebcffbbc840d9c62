"""Incremental decisions: which articles and listing pages a run fetches."""

from __future__ import annotations

from datetime import date

import pytest

from humas_crawler.crawl.frontier import Frontier
from humas_crawler.extract.listing import ListingEntry

TODAY = date(2026, 11, 27)
B = "https://www.kaltimprov.go.id"


def entry(slug: str, *, pinned: bool = False, region: str = "main") -> ListingEntry:
    return ListingEntry(
        f"{B}/berita/{slug}", slug, None, None, pinned, "featured" if pinned else region
    )


def frontier(**kw) -> Frontier:
    known = {f"{B}/berita/old": "2020-01-01", f"{B}/berita/fresh": "2026-11-25"}
    return Frontier(mode=kw.pop("mode", "incremental"), known=known, today=TODAY, **kw)


def test_article_decisions() -> None:
    f = frontier(failed={f"{B}/berita/broken"})
    assert f.article_decision(f"{B}/berita/new") == "new"
    assert f.article_decision(f"{B}/berita/old") == "skip-known"
    assert f.article_decision(f"{B}/berita/fresh") == "revisit"
    assert f.article_decision(f"{B}/berita/broken") == "retry"
    assert frontier(mode="full").article_decision(f"{B}/berita/old") == "full"
    assert frontier(revisit_days=0).article_decision(f"{B}/berita/fresh") == "skip-known"


def test_each_article_is_scheduled_once_also_through_a_redirect_alias() -> None:
    f = frontier(aliases={f"{B}/berita/x": f"{B}/detailberita/x"})
    assert f.take_article(f"{B}/detailberita/x")
    assert not f.take_article(f"{B}/berita/x")
    assert not f.take_article(f"{B}/detailberita/x")
    assert f.decisions == {"new": 1, "skip-scheduled": 2}


def test_known_through_alias() -> None:
    f = frontier(aliases={f"{B}/berita/lama": f"{B}/berita/old"})
    assert f.article_decision(f"{B}/berita/lama") == "skip-known"


def test_max_articles() -> None:
    f = frontier(max_articles=2)
    assert [f.take_article(f"{B}/berita/n{i}") for i in range(4)] == [True, True, False, False]


def test_pagination_stops_after_a_page_with_nothing_unknown() -> None:
    f = frontier()
    earlier: set[str] = set()
    assert f.follow_next_page([entry("new"), entry("old")], earlier)
    assert not f.follow_next_page([entry("old"), entry("fresh")], earlier)


def test_pinned_items_neither_stop_nor_prolong_pagination() -> None:
    f = frontier()
    # An unknown pinned item does not keep pagination going...
    assert not f.follow_next_page([entry("pinned-new", pinned=True), entry("old")], set())
    # ...and a page of known pinned items with one unknown main item continues.
    assert f.follow_next_page([entry("old", pinned=True), entry("new")], set())


def test_items_repeated_from_an_earlier_page_do_not_count() -> None:
    f = frontier()
    earlier: set[str] = set()
    assert f.follow_next_page([entry("new")], earlier)
    assert not f.follow_next_page([entry("new"), entry("old")], earlier)


def test_sidebar_counts_only_when_the_page_has_no_main_list() -> None:
    f = frontier()
    assert not f.follow_next_page([entry("new", region="sidebar"), entry("old")], set())
    assert f.follow_next_page([entry("new", region="sidebar")], set())


@pytest.mark.parametrize("kw", [{"mode": "full"}, {"deep_listings": True}])
def test_full_and_deep_runs_paginate_to_the_end(kw) -> None:
    assert frontier(**kw).follow_next_page([entry("old")], set())


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="mode"):
        frontier(mode="fast")
    with pytest.raises(ValueError, match="revisit_days"):
        frontier(revisit_days=-1)

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


def test_an_article_archived_in_one_form_is_known_in_the_other() -> None:
    f = Frontier(
        mode="incremental",
        known={f"{B}/detailberita/baru": "2020-01-01", f"{B}/berita/lama": "2020-01-01"},
        today=TODAY,
    )
    assert f.article_decision(f"{B}/berita/baru") == "skip-known"
    assert f.article_decision(f"{B}/detailberita/lama") == "skip-known"
    assert f.article_decision(f"{B}/berita/lain") == "new"


def test_one_article_is_scheduled_once_whatever_form_links_it() -> None:
    f = frontier()
    assert f.take_article(f"{B}/berita/x")
    assert not f.take_article(f"{B}/detailberita/x")
    assert not f.take_article(f"{B}/berita/x")
    assert f.decisions == {"new": 1, "skip-scheduled": 2}


def test_a_failure_in_one_form_is_retried_when_linked_in_the_other() -> None:
    f = frontier(failed={f"{B}/berita/broken"})
    assert f.article_decision(f"{B}/detailberita/broken") == "retry"


def test_a_redirect_seen_in_the_run_joins_two_slugs() -> None:
    f = frontier()
    assert f.take_article(f"{B}/berita/judul-lama")
    f.learn_alias(f"{B}/berita/judul-lama", f"{B}/detailberita/judul-baru")
    assert not f.take_article(f"{B}/detailberita/judul-baru")


def test_pagination_is_not_prolonged_by_a_known_article_in_its_other_form() -> None:
    f = Frontier(mode="incremental", known={f"{B}/detailberita/old": "2020-01-01"}, today=TODAY)
    earlier: set[str] = set()
    assert not f.follow_next_page([entry("old")], earlier)  # linked as /berita/old
    new_form = ListingEntry(f"{B}/detailberita/old", "old", None, None, False, "main")
    assert not f.follow_next_page([new_form], set())


def test_category_sweeps_follow_their_schedule() -> None:
    from datetime import UTC, datetime

    from humas_crawler.crawl.frontier import Memory, sweep_due
    from humas_crawler.normalize import Site

    now = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    assert sweep_due(None, 7, now)
    assert not sweep_due("2026-11-27T06:00:01Z", 7, now)
    assert sweep_due("2026-11-26T06:00:00Z", 7, now)
    assert sweep_due("2026-12-03T05:00:00Z", 0, now)
    assert sweep_due("not a time", 7, now)
    last = "2026-12-02T06:00:00Z"
    memory = Memory(known={}, failed=set(), redirects=[], last_category_sweep=last)
    site = Site.from_base_url()
    assert not Frontier.for_run(memory, site, mode="incremental", now=now).category_sweep
    assert Frontier.for_run(memory, site, mode="full", now=now).category_sweep
    sweep_daily = Frontier.for_run(memory, site, mode="incremental", category_sweep_days=1, now=now)
    assert sweep_daily.category_sweep


def test_a_known_article_is_asked_for_at_its_archived_url() -> None:
    f = Frontier(mode="incremental", known={f"{B}/detailberita/x": "2026-11-26"}, today=TODAY)
    assert f.request_url(f"{B}/berita/x") == (f"{B}/detailberita/x", None)


def test_a_new_article_is_asked_for_in_the_current_form_once_the_site_moved() -> None:
    from humas_crawler.crawl.frontier import Memory
    from humas_crawler.normalize import Site

    moved = Memory(
        known={f"{B}/detailberita/a": None},
        failed=set(),
        redirects=[(f"{B}/berita/a", f"{B}/detailberita/a")],
    )
    site = Site.from_base_url()
    f = Frontier.for_run(moved, site, mode="incremental", today=TODAY)
    assert f.request_url(f"{B}/berita/baru") == (f"{B}/detailberita/baru", f"{B}/berita/baru")
    assert f.request_url(f"{B}/detailberita/baru") == (f"{B}/detailberita/baru", None)
    # Guessing stops for the run once it misses more often than not.
    for slug in ("p", "q", "r"):
        f.request_url(f"{B}/berita/{slug}")
        f.guess_missed()
    assert f.request_url(f"{B}/berita/s") == (f"{B}/berita/s", None)
    # No redirect into the current form archived, or a full run: links are asked as given.
    still = Memory(known={}, failed=set(), redirects=[(f"{B}/berita/a", f"{B}/berita/b")])
    assert not Frontier.for_run(still, site, mode="incremental", today=TODAY).current_form
    assert not Frontier.for_run(moved, site, mode="full", today=TODAY).current_form

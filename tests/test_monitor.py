"""Run health verdicts."""

from __future__ import annotations

from humas_crawler.archive.record import ArticleRecord
from humas_crawler.crawl.monitor import Coverage, evaluate, settle

FULL = ArticleRecord(title="t", published_at="p", category="c", body_text="b")


def coverage(n_full: int, n_partial: int = 0, missing: str = "category") -> Coverage:
    cov = Coverage()
    for _ in range(n_full):
        cov.add(FULL)
    for _ in range(n_partial):
        cov.add(FULL.replace(**{missing: None}))
    return cov


def test_good_run_is_ok() -> None:
    assert evaluate(coverage(20), article_pages=20, requests=40, errors=0).status == "ok"


def test_low_coverage_is_degraded_and_names_the_field() -> None:
    verdict = evaluate(coverage(10, 10), article_pages=20, requests=40, errors=0)
    assert verdict.status == "degraded"
    assert verdict.problems == (
        "category found in 10 of 20 articles (50%), below the 80% threshold",
    )


def test_zero_articles_from_fetched_pages_is_always_degraded() -> None:
    verdict = evaluate(Coverage(), article_pages=3, requests=5, errors=0)
    assert verdict.status == "degraded"
    assert "no article extracted from 3" in verdict.problems[0]


def test_small_samples_do_not_alarm_on_coverage() -> None:
    assert evaluate(coverage(1, 2), article_pages=3, requests=5, errors=0).status == "ok"


def test_error_rate() -> None:
    verdict = evaluate(coverage(20), article_pages=20, requests=40, errors=10)
    assert verdict.status == "degraded"
    assert "10 of 40 requests failed (25%)" in verdict.problems[0]


def test_thresholds_are_settings() -> None:
    verdict = evaluate(
        coverage(10, 10), article_pages=20, requests=40, errors=0, thresholds={"category": 0.4}
    )
    assert verdict.status == "ok"


def test_an_interrupted_run_is_never_judged_on_coverage() -> None:
    # Stopped (SIGTERM, Ctrl-C) after 4 requests, before any article page answered.
    verdict = evaluate(Coverage(), article_pages=0, requests=4, errors=0)
    assert settle("shutdown", verdict, responses=4, where="x") == (
        "interrupted",
        ["the crawl was stopped before it finished (shutdown)"],
    )
    # Even when the pages it did fetch gave nothing: that is no sample of the site.
    empty = evaluate(Coverage(), article_pages=3, requests=9, errors=0)
    assert empty.status == "degraded"
    assert settle("shutdown", empty, responses=9, where="x")[0] == "interrupted"
    assert len(settle("shutdown", empty, responses=9, where="x")[1]) == 1


def test_a_finished_run_is_judged_and_one_without_responses_failed() -> None:
    empty = evaluate(Coverage(), article_pages=3, requests=9, errors=0)
    assert settle("finished", empty, responses=9, where="x") == ("degraded", list(empty.problems))
    assert "no article extracted from 3 fetched article pages" in empty.problems[0]
    status, problems = settle("finished", empty, responses=0, where="https://site")
    assert status == "failed" and problems[0] == "no response from https://site"

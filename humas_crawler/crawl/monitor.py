"""Run health: field coverage and error rate against thresholds -> ok or degraded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from humas_crawler.archive.record import ArticleRecord

MONITORED_FIELDS = ("title", "published_at", "category", "body_text")
# Defaults of the HUMAS_MIN_COVERAGE_<FIELD> settings (share of extracted articles that must have
# the field) and of HUMAS_MAX_ERROR_RATE (failed fetches per request).
DEFAULT_THRESHOLDS = {
    "title": 0.95,
    "published_at": 0.90,
    "category": 0.80,
    "body_text": 0.95,
}
DEFAULT_MAX_ERROR_RATE = 0.10
# Below this many extracted articles the coverage alarm stays quiet (too few to judge), except
# for zero articles from fetched article pages, which is always degraded.
DEFAULT_MIN_SAMPLE = 5
# The close reason of a crawl whose site answered nothing (crawl/reachability.py).
UNREACHABLE = "unreachable"
# What to run instead without the network: one line, after the cause of a run that reached
# nothing.
REPLICA_HINT = (
    "to try the crawler offline: humas-crawler replica --port 8123 &"
    " humas-crawler crawl --site kaltimprov --base-url http://127.0.0.1:8123 --db /tmp/demo.sqlite"
)


@dataclass
class Coverage:
    """How many extracted articles had each monitored field."""

    articles: int = 0  # article pages that went through extraction
    extracted: int = 0  # of which yielded an article (a title or a body)
    present: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MONITORED_FIELDS, 0))

    def add(self, record: ArticleRecord | None) -> None:
        """Count one article page: its record, or None when it yielded no article."""
        self.articles += 1
        if record is None:
            return
        if record.title or record.body_text:
            self.extracted += 1
        for name in MONITORED_FIELDS:
            if getattr(record, name):
                self.present[name] += 1

    def ratio(self, name: str) -> float:
        return self.present[name] / self.articles if self.articles else 0.0


@dataclass(frozen=True)
class Verdict:
    status: str  # ok | degraded
    problems: tuple[str, ...]


def evaluate(
    coverage: Coverage,
    *,
    article_pages: int,
    requests: int,
    errors: int,
    thresholds: dict[str, float] | None = None,
    max_error_rate: float = DEFAULT_MAX_ERROR_RATE,
    min_sample: int = DEFAULT_MIN_SAMPLE,
) -> Verdict:
    """Judge a finished run. `article_pages` is how many article pages were fetched."""
    thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    problems: list[str] = []
    pages = coverage.articles or article_pages
    if pages > 0 and coverage.extracted == 0:
        problems.append(
            f"no article extracted from {pages} fetched article pages: the site's markup "
            "has probably changed (see humas_crawler/extract/profile.py)"
        )
    elif coverage.articles >= min_sample:
        for name in MONITORED_FIELDS:
            ratio = coverage.ratio(name)
            if ratio < thresholds[name]:
                problems.append(
                    f"{name} found in {coverage.present[name]} of {coverage.articles} articles "
                    f"({ratio:.0%}), below the {thresholds[name]:.0%} threshold"
                )
    if requests > 0 and errors / requests > max_error_rate:
        problems.append(
            f"{errors} of {requests} requests failed ({errors / requests:.0%}), above the "
            f"{max_error_rate:.0%} error threshold"
        )
    return Verdict("degraded" if problems else "ok", tuple(problems))


def settle(
    reason: str, verdict: Verdict, *, responses: int, where: str, cause: str | None = None
) -> tuple[str, list[str]]:
    """A run's status and problems from the way it ended (`reason`, Scrapy's close reason).

    An interrupted run is never judged on coverage: the pages it fetched before it was stopped
    are no sample of the site's markup. A run that got no response at all failed, with the
    `cause` when one is known (`cannot resolve www.kaltimprov.go.id`) and a pointer to the
    offline replica.
    """
    if reason == UNREACHABLE or (reason == "finished" and responses == 0):
        problem = f"cannot reach {where}: {cause}" if cause else f"no response from {where}"
        return "failed", [problem, REPLICA_HINT]
    if reason != "finished":
        return "interrupted", [f"the crawl was stopped before it finished ({reason})"]
    return verdict.status, list(verdict.problems)

"""What the spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from humas_crawler.archive.record import ArticleRecord


@dataclass
class ArticleItem:
    """One extracted article, with the capture of the response it came from."""

    record: ArticleRecord
    fetched_at: str  # UTC ISO 8601
    capture: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    timestamp_error: str | None = None


@dataclass
class QuarantineItem:
    """A page that could not become an article, with the reason and its capture."""

    url: str
    reason: str
    detail: str
    capture: dict[str, Any] | None = None


@dataclass
class FetchFailedItem:
    """A URL that could not be fetched (network error, 5xx after retries); retried next run."""

    url: str
    error: str


@dataclass
class FetchRecoveredItem:
    """A listing URL that failed in an earlier run and was fetched now."""

    url: str


@dataclass
class RobotsRefusedItem:
    """A URL robots.txt disallows: never fetched, never retried; a failure kept for it from an
    earlier run is dropped."""

    url: str


@dataclass
class RemovedItem:
    """An archived article gone from the site (404, 410, a redirect to a page that is not an
    article): marked removed, its text and captures kept."""

    url: str  # as archived
    detail: str
    capture: dict[str, Any] | None = None

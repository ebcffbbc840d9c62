"""Which pages an incremental crawl fetches: the decisions, kept free of Scrapy and SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from humas_crawler.extract.listing import ListingEntry
from humas_crawler.normalize import Site

MODES = ("incremental", "full")


@dataclass(frozen=True)
class Memory:
    """What the archive knows when a run starts: all the frontier needs of it (read once)."""

    known: dict[str, str | None]  # canonical url -> published_date (YYYY-MM-DD) or None
    failed: set[str]  # URLs whose fetch failed last time: asked for again first
    redirects: list[tuple[str, str]]  # (first URL asked for, final URL) of archived redirects
    resume: bool = False  # the last run was interrupted or failed: paginate listings to the end


@dataclass
class Frontier:
    """Article and listing decisions for one run.

    - `full` mode fetches every article it finds and every listing page.
    - `incremental` mode fetches articles the archive does not have, articles that failed last
      time, and archived articles published within `revisit_days` (fresh edits); it stops
      paginating a listing after the first page that adds no unknown article. Pinned items and
      items already seen on an earlier page of the same listing count neither way.
    - `deep_listings` (after an interrupted run) paginates listings to the end while still
      skipping archived articles, so the holes an interrupted run left are found again.
    """

    mode: str
    known: dict[str, str | None]  # canonical url -> published_date (YYYY-MM-DD) or None
    failed: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)  # redirecting url -> final url
    revisit_days: int = 7
    today: date | None = None
    max_articles: int | None = None
    deep_listings: bool = False
    scheduled: set[str] = field(default_factory=set)
    decisions: Counter[str] = field(default_factory=Counter)

    @classmethod
    def for_run(
        cls,
        memory: Memory,
        site: Site,
        *,
        mode: str,
        revisit_days: int = 7,
        today: date | None = None,
        max_articles: int | None = None,
    ) -> Frontier:
        """The frontier of a run over the archive `memory` describes."""
        aliases = {}
        for first, final in memory.redirects:
            a, b = site.canonicalize(first), site.canonicalize(final)
            if a and b and a != b:
                aliases[a] = b
        return cls(
            mode=mode,
            known=memory.known,
            failed=set(memory.failed),
            aliases=aliases,
            revisit_days=revisit_days,
            today=today,
            max_articles=max_articles,
            deep_listings=memory.resume,
        )

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.revisit_days < 0:
            raise ValueError(f"revisit_days must be 0 or more, not {self.revisit_days}")
        today = self.today or date.today()
        self._revisit_from = (today - timedelta(days=self.revisit_days)).isoformat()

    def resolve(self, url: str) -> str:
        """The URL an archived redirect says this one ends up at."""
        return self.aliases.get(url, url)

    def is_known(self, url: str) -> bool:
        return self.resolve(url) in self.known

    def article_decision(self, url: str) -> str:
        """Why `url` is fetched (`new`, `retry`, `revisit`, `full`) or not (`skip-*`)."""
        final = self.resolve(url)
        if url in self.scheduled or final in self.scheduled:
            return "skip-scheduled"
        if self.max_articles is not None and self.article_requests >= self.max_articles:
            return "skip-max-articles"
        if final in self.failed or url in self.failed:
            return "retry"
        if final not in self.known:
            return "new"
        if self.mode == "full":
            return "full"
        published = self.known[final]
        if published is not None and published >= self._revisit_from:
            return "revisit"
        return "skip-known"

    def take_article(self, url: str) -> bool:
        """Decide on `url`; when it is to be fetched, remember it as scheduled."""
        decision = self.article_decision(url)
        self.decisions[decision] += 1
        if decision.startswith("skip"):
            return False
        self.scheduled.add(url)
        self.scheduled.add(self.resolve(url))
        return True

    @property
    def article_requests(self) -> int:
        return sum(n for d, n in self.decisions.items() if not d.startswith("skip"))

    def follow_next_page(self, entries: Iterable[ListingEntry], earlier: set[str]) -> bool:
        """Whether to fetch the next page of a listing after a page with these entries.

        `earlier` holds the URLs seen on earlier pages of the same listing in this run; the
        page's main entries are added to it.
        """
        if self.mode == "full" or self.deep_listings:
            return True
        entries = list(entries)
        # A listing whose own list was not recognised as such still counts, sidebar and all.
        counted = {"main"} if any(e.region == "main" for e in entries) else {"main", "sidebar"}
        fresh = False
        for entry in entries:
            if entry.pinned or entry.region not in counted or entry.url in earlier:
                continue
            earlier.add(entry.url)
            if not self.is_known(entry.url):
                fresh = True
        return fresh

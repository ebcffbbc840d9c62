"""Which pages an incremental crawl fetches: the decisions, kept free of Scrapy and SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from humas_crawler.defaults import CATEGORY_SWEEP_DAYS
from humas_crawler.extract.listing import ListingEntry
from humas_crawler.normalize import Site

MODES = ("incremental", "full")
# Set to 1 in a run's stats when it reads the category listings (crawl_runs.category_sweep).
CATEGORY_SWEEP_STAT = "humas/category_sweep"


@dataclass(frozen=True)
class Memory:
    """What the archive knows when a run starts: all the frontier needs of it (read once)."""

    known: dict[str, str | None]  # canonical url -> published_date (YYYY-MM-DD) or None
    failed: set[str]  # URLs whose fetch failed last time: asked for again first
    redirects: list[tuple[str, str]]  # (first URL asked for, final URL) of archived redirects
    resume: bool = False  # the last run was interrupted or failed: paginate listings to the end
    last_category_sweep: str | None = None  # UTC start of the last finished run that read them


def _moved(aliases: dict[str, str], site: Site) -> bool:
    """Whether archived redirects show the site serving its articles in the current form: an
    older-form URL redirecting to the current form of the same slug."""
    current = site.article_path_prefixes[-1]
    for first, final in aliases.items():
        slug = site.article_slug(first)
        if slug is not None and final == f"{site.base_url}{current}{slug}" and first != final:
            return True
    return False


def sweep_due(last: str | None, days: int, now: datetime | None = None) -> bool:
    """Whether category listings are to be read: never read yet, or last read `days` ago or
    more (`last`: a UTC timestamp, `2026-12-01T06:00:00Z`). 0 days: every run."""
    if last is None or days <= 0:
        return True
    try:
        when = datetime.fromisoformat(last.replace("Z", "+00:00"))
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (now or datetime.now(UTC)) - when >= timedelta(days=days)


@dataclass
class Frontier:
    """Article and listing decisions for one run.

    An article is known by its slug, whatever form a link gives it: `/berita/<slug>` (the old
    site's form, which redirects) and `/detailberita/<slug>` name one article, and so do the URLs
    an archived (or this run's) redirect joins. Every decision below (known, scheduled, failed,
    pagination) compares these keys, so a link that switches forms never looks new.

    - `full` mode fetches every article it finds and every listing page.
    - `incremental` mode fetches articles the archive does not have, articles that failed last
      time, and archived articles published within `revisit_days` (fresh edits); it stops
      paginating a listing after the first page that adds no unknown article. Pinned items and
      items already seen on an earlier page of the same listing count neither way.
    - `deep_listings` (after an interrupted run) paginates listings to the end while still
      skipping archived articles, so the holes an interrupted run left are found again.
    - `request_url` says what to ask for an article: its archived URL when it is known; for an
      unknown article linked in an older form, the site's current form when the archive holds
      redirects that show the site moved its articles there (`current_form`, incremental runs
      only), so a new article linked as `/berita/<slug>` costs no redirect hop. A guess that
      misses (404) falls back to the link as given; guessing stops for the run when it misses
      more often than not.
    - `category_sweep`: whether the run reads the category listings. Every run reads the main
      listing; an incremental run reads the categories only when the last sweep of them is
      `category_sweep_days` old (`sweep_due`), so its cost follows what changed.
    """

    mode: str
    known: dict[str, str | None]  # canonical url -> published_date (YYYY-MM-DD) or None
    failed: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)  # redirecting url -> final url
    revisit_days: int = 7
    today: date | None = None
    max_articles: int | None = None
    deep_listings: bool = False
    category_sweep: bool = True
    current_form: bool = False
    site: Site = field(default_factory=Site.from_base_url)
    scheduled: set[str] = field(default_factory=set)  # article keys
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
        category_sweep_days: int = CATEGORY_SWEEP_DAYS,
        now: datetime | None = None,
    ) -> Frontier:
        """The frontier of a run over the archive `memory` describes."""
        aliases = {}
        for first, final in memory.redirects:
            a, b = site.canonicalize(first), site.canonicalize(final)
            if a and b and a != b:
                aliases[a] = b
        return cls(
            mode=mode,
            # An archive may hold other sites' articles: this run's site's only.
            known={url: day for url, day in memory.known.items() if site.is_on_site(url)},
            failed=set(memory.failed),
            aliases=aliases,
            revisit_days=revisit_days,
            today=today,
            max_articles=max_articles,
            deep_listings=memory.resume,
            category_sweep=mode == "full"
            or sweep_due(memory.last_category_sweep, category_sweep_days, now),
            current_form=mode == "incremental" and _moved(aliases, site),
            site=site,
        )

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.revisit_days < 0:
            raise ValueError(f"revisit_days must be 0 or more, not {self.revisit_days}")
        today = self.today or date.today()
        self._revisit_from = (today - timedelta(days=self.revisit_days)).isoformat()
        self._known: dict[str, str | None] = {}
        self._archived: dict[str, str] = {}  # key -> the archived URL
        for url, published in self.known.items():
            key = self.key(url)
            # Two archived URLs of one article (both forms, from before keys): the newest date.
            if key not in self._known or (published or "") > (self._known[key] or ""):
                self._known[key] = published
                self._archived[key] = url
        self._failed = {self.key(url) for url in self.failed}
        self._guesses = 0
        self._misses = 0

    def resolve(self, url: str) -> str:
        """The URL a redirect (archived, or seen in this run) says this one ends up at."""
        return self.aliases.get(url, url)

    def key(self, url: str) -> str:
        """What names the article at `url`: its slug (either form), else its URL."""
        final = self.resolve(url)
        return self.site.article_slug(final) or final

    def learn_alias(self, first: str, final: str) -> None:
        """A redirect seen in this run: `first` names the article at `final` from now on (and
        the article at `final`, being fetched, is scheduled under its own key too)."""
        if first == final:
            return
        scheduled = self.key(first) in self.scheduled
        self.aliases[first] = final
        if scheduled:
            self.scheduled.add(self.key(final))

    def is_known(self, url: str) -> bool:
        return self.key(url) in self._known

    def article_decision(self, url: str) -> str:
        """Why `url` is fetched (`new`, `retry`, `revisit`, `full`) or not (`skip-*`)."""
        return self._decision(self.key(url))

    def _decision(self, key: str) -> str:
        if key in self.scheduled:
            return "skip-scheduled"
        if self.max_articles is not None and self.article_requests >= self.max_articles:
            return "skip-max-articles"
        if key in self._failed:
            return "retry"
        if key not in self._known:
            return "new"
        if self.mode == "full":
            return "full"
        published = self._known[key]
        if published is not None and published >= self._revisit_from:
            return "revisit"
        return "skip-known"

    def take_article(self, url: str) -> bool:
        """Decide on `url`; when it is to be fetched, remember it as scheduled."""
        key = self.key(url)
        decision = self._decision(key)
        self.decisions[decision] += 1
        if decision.startswith("skip"):
            return False
        self.scheduled.add(key)
        return True

    def take_changed(self, url: str) -> bool:
        """Schedule an archived article a source says changed since it was fetched (a
        WordPress post's `modified_gmt`), whatever the mode; False if already scheduled."""
        key = self.key(url)
        if key in self.scheduled:
            self.decisions["skip-scheduled"] += 1
            return False
        self.decisions["changed"] += 1
        self.scheduled.add(key)
        return True

    def archived_url(self, url: str) -> str | None:
        """The URL the archive keeps the article at `url` under, if it has it."""
        return self._archived.get(self.key(url))

    def revisits(self) -> list[str]:
        """Archived articles to ask for whether or not a page links them, so a take-down (which
        also takes the article off every listing) is seen: every one in `full` mode, those
        published within `revisit_days` in `incremental` mode. Newest first."""
        if self.mode == "full":
            chosen = list(self._known.items())
        else:
            chosen = [
                (key, published)
                for key, published in self._known.items()
                if published is not None and published >= self._revisit_from
            ]
        chosen.sort(key=lambda item: item[1] or "", reverse=True)
        return [self._archived[key] for key, _ in chosen]

    def request_url(self, url: str) -> tuple[str, str | None]:
        """(URL to ask for the article `url` links, the URL to fall back to if it answers 404)."""
        key = self.key(url)
        archived = self._archived.get(key)
        if archived is not None:
            return archived, None
        if self.current_form:
            guess = self.site.in_current_form(url)
            if guess != url:
                self._guesses += 1
                return guess, url
        return url, None

    def guess_missed(self) -> None:
        """A current-form guess answered 404: after 3 misses, more than half, no more guesses."""
        self._misses += 1
        if self._misses >= 3 and self._misses * 2 > self._guesses:
            self.current_form = False

    @property
    def article_requests(self) -> int:
        return sum(n for d, n in self.decisions.items() if not d.startswith("skip"))

    def follow_next_page(self, entries: Iterable[ListingEntry], earlier: set[str]) -> bool:
        """Whether to fetch the next page of a listing after a page with these entries.

        `earlier` holds the article keys seen on earlier pages of the same listing in this run; the
        page's main entries are added to it.
        """
        if self.mode == "full" or self.deep_listings:
            return True
        entries = list(entries)
        # A listing whose own list was not recognised as such still counts, sidebar and all.
        counted = {"main"} if any(e.region == "main" for e in entries) else {"main", "sidebar"}
        fresh = False
        for entry in entries:
            key = self.key(entry.url)
            if entry.pinned or entry.region not in counted or key in earlier:
                continue
            earlier.add(key)
            if key not in self._known:
                fresh = True
        return fresh

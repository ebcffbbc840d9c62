"""The WordPress replica's generated site: a provincial newsroom on WordPress, in WIB.

Posts are derived from a ReplicaSite (model.py writes the press releases): the same headlines
and paragraphs moved to East Java (place names swapped), a `Surabaya (Selasa, 6/6/2023) -`
dateline, titles dressed with the punctuation WordPress turns into entities, the same wall-clock
times read in the site's zone. wp_render.py renders it, wp_server.py serves it (replica.md).
"""

from __future__ import annotations

import dataclasses
import html
import random
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from humas_crawler.normalize.text import clean_text
from humas_crawler.normalize.zones import zone as find_zone
from humas_crawler.replica.model import DAYS, WITA, ReplicaArticle, ReplicaSite

SITE_NAME = "Jatim Newsroom"
SITE_DESCRIPTION = "Berita dan siaran pers Pemerintah Provinsi Jawa Timur"
FIRST_POST_ID = 5  # 1-4: WordPress's sample post and page, a privacy page, the first upload


@dataclass(frozen=True)
class WpCategory:
    id: int
    name: str  # plain text: "Ekonomi & Pembangunan"
    slug: str
    parent: int = 0
    description: str = ""

    @property
    def name_html(self) -> str:
        """As WordPress stores and serves a term name: `Ekonomi &amp; Pembangunan`."""
        return html.escape(self.name, quote=False)

    @property
    def path(self) -> str:
        return f"/category/{self.slug}/"


# id 1 is WordPress's default category, left empty as most sites leave it.
CATEGORIES = (
    WpCategory(1, "Tak Berkategori", "tak-berkategori"),
    WpCategory(3, "Pemerintahan", "pemerintahan"),
    WpCategory(4, "Kesehatan", "kesehatan"),
    WpCategory(5, "Pendidikan", "pendidikan"),
    WpCategory(7, "Ekonomi & Pembangunan", "ekonomi-pembangunan"),
    WpCategory(8, "Infrastruktur", "infrastruktur"),
    WpCategory(12, "Sosial Budaya", "sosial-budaya"),
    WpCategory(15, "Kebencanaan", "kebencanaan"),
    WpCategory(21, "Pariwisata", "pariwisata", description="Wisata dan ekonomi kreatif"),
)
# The source site's categories -> the primary category here (3, Pemerintahan, for the rest).
_PRIMARY = {
    "Kesehatan": 4,
    "Pendidikan": 5,
    "Pembangunan": 7,
    "Pertanian dan Ketahanan Pangan": 7,
    "Koperasi dan Usaha Kecil dan Menengah": 7,
    "Ibu Kota Negara": 7,
    "Pekerjaan Umum": 8,
    "Perhubungan": 8,
    "Sosial": 12,
    "DWP": 12,
    "Informasi Bencana": 15,
}
_TOURISM = {"Perhubungan", "Koperasi dan Usaha Kecil dan Menengah", "DWP"}  # often also Pariwisata
AUTHORS = {2: "Tim Newsroom", 3: "Redaksi Kominfo", 6: "Humas Pemprov"}

# Kaltim's places and landmarks -> East Java's (replaced longest first).
_PLACE_PAIRS = (
    "Kalimantan Timur=Jawa Timur; Kaltim=Jatim; kaltim=jatim; KALTIM=JATIM; "
    "Samarinda=Surabaya; Balikpapan=Malang; Bontang=Kediri; Tenggarong=Sidoarjo; "
    "Kutai Kartanegara=Sidoarjo; Sangatta=Banyuwangi; Kutai Timur=Banyuwangi; "
    "Sendawar=Jember; Kutai Barat=Jember; Tanjung Redeb=Madiun; Berau=Madiun; "
    "Tana Paser=Bojonegoro; Penajam Paser Utara=Gresik; Penajam=Gresik; Paser=Bojonegoro; "
    "Ujoh Bilang=Pacitan; Mahakam Ulu=Pacitan; Mahakam=Brantas; Karang Mumus=Kalimas; "
    "Pulau Balang=Suramadu; Heart of Borneo=Hayam Wuruk; Ruhui Rahayu=Majapahit; "
    "Pendopo Lamin Etam=Gedung Negara Grahadi; "
    "Gedung Olah Bebaya, Lamin Etam=Gedung Grahadi; Sabah=Johor; ulap doyo=batik tulis; "
    "Ulap Doyo=Batik Tulis; Dayak=Madura; "
    "Maloy Batuta Trans Kalimantan=Java Integrated Industrial and Port Estate; Maloy=JIIPE; "
    "Marangkayu=Bendo; Sungai Kunjang=Purabaya"
)
_PLACES = dict(pair.split("=") for pair in _PLACE_PAIRS.split("; "))
_PLACE_ORDER = sorted(_PLACES, key=len, reverse=True)
_DAY_TEXT = re.compile(r", (?:" + "|".join(DAYS) + r") \(\d{1,2}/\d{1,2}(?:/\d{4})?\)")
_SLOGANS = ("Jatim Cettar", "Jatim Harmoni", "Zero Stunting", "Desa Berdaya", "Jatim Puspa")
_KICKERS = ("Ini Rinciannya", "Begini Tahapannya", "Warga Diminta Proaktif", "Simak Jadwalnya")
_APOSTROPHES = ("Usai Salat Jum'at", "Bersama Forum Da'i", "Saat Safari Jum'at")
# Shortcodes of plugins the site no longer runs: WordPress shows them as text (texturized).
_SHORTCODES = (
    '[envira-gallery id="{n}"]',
    '[su_youtube url="https://youtu.be/{v}"]',
    "[embed]https://www.youtube.com/watch?v={v}[/embed]",
    "[wpdm_package id='{n}']",
    '[gallery ids="{n},{m}"]',
)


def localize(text: str) -> str:
    """The source prose moved to East Java."""
    for place in _PLACE_ORDER:
        if place in text:
            text = text.replace(place, _PLACES[place])
    return text


# ----- WordPress's text rules ------------------------------------------------------------------

_AMP = re.compile(r"&(?!#?\w+;)")
_QUOTE = re.compile(r"[\"']")


def texturize(text: str) -> str:
    """WordPress's wptexturize on plain text (titles, paragraphs, captions, unknown shortcodes):
    `&` -> `&#038;`, ` - ` -> ` &#8211; `, `...` -> `&#8230;`, quotes curled (`&#8220;` `&#8221;`,
    `&#8216;` `&#8217;`), an apostrophe `&#8217;`, an unpaired quote after a digit a prime
    (`id="12"` -> `id=&#8221;12&#8243;`). `<` and `>` are escaped too (no markup in the text)."""
    out = _AMP.sub("&#038;", text).replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("---", "&#8212;").replace(" -- ", " &#8212; ").replace("--", "&#8211;")
    out = out.replace(" - ", " &#8211; ").replace("...", "&#8230;")
    if '"' not in out and "'" not in out:
        return out
    pieces: list[str] = []
    at = 0
    open_quote = {'"': False, "'": False}
    for match in _QUOTE.finditer(out):
        quote, start = match[0], match.start()
        before = out[start - 1] if start else " "
        after = out[start + 1] if start + 1 < len(out) else " "
        double = quote == '"'
        if quote == "'" and before.isalnum() and after.isalnum():
            entity = "&#8217;"  # Jum'at
        elif (before.isspace() or before in '([{"-') and not open_quote[quote]:
            entity = "&#8220;" if double else "&#8216;"
            open_quote[quote] = True
        elif open_quote[quote]:
            entity = "&#8221;" if double else "&#8217;"
            open_quote[quote] = False
        elif before.isdigit():
            entity = "&#8243;" if double else "&#8242;"
        else:
            entity = "&#8221;" if double else "&#8217;"
        pieces += [out[at:start], entity]
        at = match.end()
    return "".join([*pieces, out[at:]])


def plain(html_text: str) -> str:
    """What a reader sees of texturized text: entities decoded, whitespace normalized."""
    return clean_text(html.unescape(html_text))


def wp_slug(title: str) -> str:
    """sanitize_title_with_dashes: lower case, entities and punctuation dropped, dashes."""
    text = re.sub(r"&.+?;", "", title.lower()).replace("–", "-").replace("—", "-")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9 _-]", "", text.replace(".", "-"))
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", text)).strip("-")[:200]


# ----- posts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WpPost:
    """One published post. Text fields hold what the editor typed (ASCII quotes, ` - `, `&`):
    the renderer texturizes it, the truth reads it back the way a reader does (`plain`)."""

    id: int
    slug: str
    raw_title: str
    published: datetime  # aware, the site's zone, to the second
    modified: datetime
    categories: tuple[int, ...]  # the primary first
    paragraphs: tuple[str, ...]  # the body, dateline included
    raw_caption: str | None = None  # the photo's caption, in a <figure> of the content
    caption_after: int = 0  # the figure follows this paragraph (-1: before the first)
    shortcode: str | None = None  # a dead plugin's shortcode, a paragraph of its own
    shortcode_after: int = 0
    author: int = 2
    featured_media: int = 0  # the attachment id (post id - 1), 0 for none

    @property
    def path(self) -> str:
        """The permalink's path: /%year%/%monthnum%/%day%/%postname%/."""
        day = self.published
        return f"/{day.year:04d}/{day.month:02d}/{day.day:02d}/{self.slug}/"

    @property
    def title(self) -> str:
        return plain(texturize(self.raw_title))

    @property
    def body_text(self) -> str:
        return "\n\n".join(plain(texturize(p)) for p in self.paragraphs)

    @property
    def photo_caption(self) -> str | None:
        return plain(texturize(self.raw_caption)) if self.raw_caption else None


def local_iso(when: datetime) -> str:
    """`date`/`modified` of the REST API: the site's wall clock, no offset."""
    return when.replace(tzinfo=None).isoformat()


def gmt_iso(when: datetime) -> str:
    """`date_gmt`/`modified_gmt`: UTC, no offset."""
    return when.astimezone(UTC).replace(tzinfo=None).isoformat()


@dataclass
class _Index:
    newest: list[WpPost]
    by_slug: dict[str, WpPost]
    by_id: dict[int, WpPost]
    rank: dict[int, int]  # post id -> its place in `newest`
    by_category: dict[int, list[WpPost]]  # newest first, primary or not


class WordPressSite:
    """A deterministic WordPress newsroom of `articles` posts from `seed`, in `timezone` (WIB,
    WITA or WIT). `api=False`: the REST API is switched off (404, no discovery link)."""

    def __init__(
        self,
        articles: int = 200,
        seed: int = 0,
        *,
        per_page: int = 10,
        api: bool = True,
        timezone: str = "WIB",
        sitemap_size: int = 2000,
        now: datetime | None = None,
        disallow: tuple[str, ...] = (),
    ) -> None:
        if articles < 0 or per_page < 1 or sitemap_size < 1:
            raise ValueError("articles must be >= 0, per_page and sitemap_size >= 1")
        self.zone = find_zone(timezone)
        self.tz = self.zone.tzinfo
        self.now = (now or datetime.now(self.tz)).astimezone(self.tz).replace(microsecond=0)
        self.seed = seed
        self.per_page = per_page
        self.api = api
        self.sitemap_size = sitemap_size
        self.disallow = tuple(disallow)  # extra Disallow: lines of robots.txt
        self.name, self.description = SITE_NAME, SITE_DESCRIPTION
        self.categories = list(CATEGORIES)
        self.revision = 0  # bumped by every mutation: the server's cache keys on it
        self._lock = threading.RLock()
        self._rng = random.Random(f"wordpress/{seed}")
        self._titles: set[str] = set()
        self._slugs: set[str] = set()
        self._taken_down: dict[str, WpPost] = {}
        self._index_cache: tuple[int, _Index] | None = None
        # The source writes at the same wall clock: its WITA times are read as this zone's.
        source_now = self.now.replace(tzinfo=WITA)
        self._source = ReplicaSite(articles, seed=seed, now=source_now)
        self._posts: list[WpPost] = []
        next_id = FIRST_POST_ID
        for article in self._source.articles:
            published = self._wall_clock(article)
            self._posts.append(self._derive(article, next_id, published, self._modified(published)))
            next_id += self._rng.randint(2, 7)  # revisions and uploads take ids in between
        self._posts.sort(key=lambda p: (p.published, p.id))

    # -- generation

    def _wall_clock(self, article: ReplicaArticle) -> datetime:
        when = article.published.replace(tzinfo=self.tz)
        if not article.time_known:  # the source shows no time before 2017: an office hour
            when += timedelta(seconds=self._rng.randrange(7 * 3600, 17 * 3600))
        return when

    def _modified(self, published: datetime) -> datetime:
        draw = self._rng.random()
        if draw < 0.5:
            return published
        late = draw >= 0.9 and published < self.now - timedelta(days=30)
        span = (self.now - published).total_seconds() if late else 90 * 60
        bumped = published + timedelta(seconds=self._rng.randint(60, max(61, int(span))))
        return min(bumped, max(self.now, published))

    def _derive(
        self, article: ReplicaArticle, id_: int, published: datetime, modified: datetime
    ) -> WpPost:
        rng = self._rng
        lead = article.paragraphs[0]
        opening = article.style.dateline_text
        if opening and lead.startswith(opening + " "):
            lead = lead[len(opening) + 1 :]
        texts = (article.title, article.dateline or "", article.photo_caption or "", lead)
        moved = localize("\0".join((*texts, *article.paragraphs[1:]))).split("\0")
        raw_title, place, caption, lead = moved[:4]
        if place:
            lead = _DAY_TEXT.sub("", lead, count=1)
            day = f"{DAYS[published.weekday()]}, {published.day}/{published.month}/{published.year}"
            lead = f"{place} ({day}) - {lead}"
        paragraphs = [lead, *moved[4:]]
        categories = [_PRIMARY.get(article.category, 3)]
        if rng.random() < 0.08:
            tourism = article.category in _TOURISM and rng.random() < 0.7
            others = [c.id for c in CATEGORIES[1:] if c.id not in (categories[0], 21)]
            categories.append(21 if tourism else rng.choice(others))
        shortcode, after = None, 0
        if rng.random() < 0.06:
            code = rng.choice(_SHORTCODES)
            video = "".join(rng.choices("abcdefghijkLMNOPQRS0123456789_-", k=11))
            shortcode = code.format(n=id_ + rng.randint(1, 9), m=id_ + 10, v=video)
            after = rng.randrange(len(paragraphs))
        featured = bool(caption) or rng.random() < 0.4
        title = self._title(raw_title)
        return WpPost(
            id=id_,
            slug=self._unique_slug(title),
            raw_title=title,
            published=published,
            modified=modified,
            categories=tuple(categories),
            paragraphs=tuple(paragraphs),
            raw_caption=caption or None,
            caption_after=0 if rng.random() < 0.65 else -1,
            shortcode=shortcode,
            shortcode_after=after,
            author=rng.choices(list(AUTHORS), weights=(6, 3, 1))[0],
            featured_media=id_ - 1 if featured else 0,
        )

    def _title(self, title: str) -> str:
        """The headline as an editor typed it: a good share carry quotes, `&`, ` - ` or an
        apostrophe, which WordPress serves as entities."""
        rng = self._rng
        kinds = ("plain", "amp", "quote", "dash", "apos", "single")
        kind = rng.choices(kinds, (38, 12, 14, 14, 11, 11))[0]
        if kind == "amp" and " dan " in title:
            title = title.replace(" dan ", " & ", 1)
        elif kind == "quote":
            title = f'{title} Dukung Program "{rng.choice(_SLOGANS)}"'
        elif kind == "dash":
            title = f"{title} - {rng.choice(_KICKERS)}"
        elif kind == "apos":
            title = f"{title} {rng.choice(_APOSTROPHES)}"
        elif kind == "single":
            title = f"{title} Lewat Gerakan '{rng.choice(_SLOGANS)}'"
        while title in self._titles:  # decorations can meet another post's headline
            title += " (2)"
        self._titles.add(title)
        return title

    def _unique_slug(self, title: str) -> str:
        base = wp_slug(title) or "post"
        slug, n = base, 2
        while slug in self._slugs:
            slug, n = f"{base}-{n}", n + 1
        self._slugs.add(slug)
        return slug

    # -- reading

    def _index(self) -> _Index:
        with self._lock:
            if self._index_cache is not None and self._index_cache[0] == self.revision:
                return self._index_cache[1]
            newest = sorted(self._posts, key=lambda p: (p.published, p.id), reverse=True)
            by_category: dict[int, list[WpPost]] = {c.id: [] for c in self.categories}
            for post in newest:
                for category in post.categories:
                    by_category[category].append(post)
            index = _Index(
                newest,
                {p.slug: p for p in newest},
                {p.id: p for p in newest},
                {p.id: i for i, p in enumerate(newest)},
                by_category,
            )
            self._index_cache = (self.revision, index)
            return index

    @property
    def posts(self) -> list[WpPost]:
        """Every published post, oldest first."""
        return self._index().newest[::-1]

    def __len__(self) -> int:
        return len(self._index().newest)

    def newest_first(self) -> list[WpPost]:
        return list(self._index().newest)

    def by_slug(self, slug: str) -> WpPost | None:
        return self._index().by_slug.get(slug)

    def by_id(self, id_: int) -> WpPost | None:
        return self._index().by_id.get(id_)

    def category(self, id_: int) -> WpCategory | None:
        return next((c for c in self.categories if c.id == id_), None)

    def category_by_slug(self, slug: str) -> WpCategory | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def in_category(self, id_: int) -> list[WpPost]:
        """The category's posts, newest first (a secondary category counts)."""
        return self._index().by_category.get(id_, [])

    def neighbours(self, post: WpPost) -> tuple[WpPost | None, WpPost | None]:
        """(the post before it, the post after it) by date."""
        index = self._index()
        at = index.rank[post.id]
        older = index.newest[at + 1] if at + 1 < len(index.newest) else None
        return older, index.newest[at - 1] if at else None

    def page_count(self, category_id: int | None = None) -> int:
        """Pages of the home listing (or a category's), at least 1."""
        items = self.newest_first() if category_id is None else self.in_category(category_id)
        return max(1, -(-len(items) // self.per_page))

    def listing(self, page: int = 1, category_id: int | None = None) -> list[WpPost]:
        items = self._index().newest if category_id is None else self.in_category(category_id)
        start = (page - 1) * self.per_page
        return items[start : start + self.per_page] if page >= 1 else []

    def taken_down(self, slug: str) -> bool:
        with self._lock:
            return slug in self._taken_down

    def truth(self, base_url: str) -> dict[str, dict]:
        """Permalink -> the record a crawler must store, for every published post."""
        base = base_url.rstrip("/")
        names = {c.id: c.name for c in self.categories}
        records = {}
        for post in self.posts:
            url = base + post.path
            records[url] = {
                "url": url,
                "slug": post.slug,
                "title": post.title,
                "published_at": post.published.isoformat(),
                "published_precision": "second",
                "category": names[post.categories[0]],
                "body_text": post.body_text,
                "photo_caption": post.photo_caption,
                "modified_at": post.modified.isoformat(),
            }
        return records

    # -- mutations

    def add_articles(self, count: int) -> list[WpPost]:
        """`count` new posts, newer than every existing one and not after the real clock (unless
        the newest already is), an hour apart at most."""
        with self._lock:
            newest = max((p.published for p in self._posts), default=self.now - timedelta(days=1))
            span = max((datetime.now(self.tz) - newest).total_seconds(), count + 1.0)
            step = min(span / (count + 1), 3600.0)
            next_id = max((p.id for p in [*self._posts, *self._taken_down.values()]), default=0)
            added = []
            for i, article in enumerate(self._source.add_articles(count)):
                published = newest + timedelta(seconds=max(1, int(step * (i + 1))))
                next_id += self._rng.randint(2, 7)
                added.append(self._derive(article, next_id, published, published))
            self._posts.extend(added)
            self.revision += 1
            return added

    def edit_article(
        self, slug: str, *, title: str | None = None, paragraphs: list[str] | None = None
    ) -> WpPost:
        """Change a post's title or body (as typed; its slug stays): modified moves to the real
        clock, and always later than before."""
        with self._lock:
            at, old = self._find(slug)
            modified = max(datetime.now(self.tz), old.modified + timedelta(seconds=1))
            changes: dict = {"modified": modified.replace(microsecond=0)}
            if title is not None:
                changes["raw_title"] = title
            if paragraphs is not None:
                kept = tuple(p for p in paragraphs if p.strip())
                last = max(len(kept) - 1, 0)
                changes["paragraphs"] = kept
                changes["caption_after"] = min(old.caption_after, last)
                changes["shortcode_after"] = min(old.shortcode_after, last)
            new = dataclasses.replace(old, **changes)
            self._posts[at] = new
            self.revision += 1
            return new

    def take_down(self, slug: str) -> WpPost:
        """Unpublish a post: its permalink and its REST object answer 404, every list drops it."""
        with self._lock:
            at, old = self._find(slug)
            del self._posts[at]
            self._taken_down[slug] = old
            self.revision += 1
            return old

    def restore(self, slug: str) -> WpPost:
        """Publish a taken-down post again, as it was."""
        with self._lock:
            post = self._taken_down.pop(slug)
            self._posts.append(post)
            self.revision += 1
            return post

    def _find(self, slug: str) -> tuple[int, WpPost]:
        for at, post in enumerate(self._posts):
            if post.slug == slug:
                return at, post
        raise KeyError(slug)

"""A Joomla 3 + K2 news portal of a WITA province (after berita.sulbarprov.go.id): K2 items, their
categories, authors and tags, and mutations.

The prose comes from the Kaltim replica by composition: a `ReplicaSite` of the same size and seed
writes the articles (dates, desks, paragraphs, captions, signatures), and each becomes a `K2Item`
with its names moved to West Sulawesi, a Joomla alias and K2 id, a dateline in the portal's own
style (`Mamuju (28/5/2024) -`) and one of the portal's categories. The HTML is
`joomla_render.py`'s, the routes `joomla_server.py`'s.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from humas_crawler.normalize import zones
from humas_crawler.replica.model import DAYS, ReplicaArticle, ReplicaSite

SITE_NAME = "Portal Berita Provinsi Sulawesi Barat"
PROVINCE = "Sulawesi Barat"
# Until this date the template showed only the date of an item (`Selasa, 28 Mei 2018`); the body
# then gives the time (`pukul 11.45 WITA`). From it on: `Selasa, 28 Mei 2024 11:45`.
TIME_SHOWN_FROM = datetime(2019, 1, 1)
# The K2 categories under the menu item "Berita": (label, alias, K2 category id), menu order.
CATEGORIES: tuple[tuple[str, str, int], ...] = (
    ("Pemerintahan", "pemerintahan", 2),
    ("Ekonomi", "ekonomi", 3),
    ("Infrastruktur", "infrastruktur", 4),
    ("Kesehatan", "kesehatan", 5),
    ("Pendidikan", "pendidikan", 6),
    ("Sosial Budaya", "sosial-budaya", 7),
    ("Kebencanaan", "kebencanaan", 8),
)
# The Kaltim replica's desks -> the portal's categories.
_CATEGORY_OF_DESK = {
    "Gubernur Kaltim": "Pemerintahan",
    "Wakil Gubernur Kaltim": "Sosial Budaya",
    "Sekretaris Daerah Provinsi Kalimantan Timur": "Pemerintahan",
    "Pembangunan": "Infrastruktur",
    "Kesehatan": "Kesehatan",
    "Pendidikan": "Pendidikan",
    "Sosial": "Sosial Budaya",
    "Pertanian dan Ketahanan Pangan": "Ekonomi",
    "Informasi dan Komunikasi": "Pemerintahan",
    "Pekerjaan Umum": "Infrastruktur",
    "Perhubungan": "Infrastruktur",
    "Informasi Bencana": "Kebencanaan",
    "Koperasi dan Usaha Kecil dan Menengah": "Ekonomi",
    "Ibu Kota Negara": "Infrastruktur",
    "Pemerintahan": "Pemerintahan",
    "Kesatuan Bangsa dan Politik Dalam Negeri": "Pemerintahan",
    "DWP": "Sosial Budaya",
}
# K2 users who write the items: (user id, alias, name); the items' author links list theirs.
AUTHORS: tuple[tuple[int, str, str], ...] = (
    (62, "humas-sulbar", "Humas Sulbar"),
    (63, "biro-adpim", "Biro Adpim Sulbar"),
    (64, "diskominfo-sulbar", "Diskominfo Sulbar"),
)
_AUTHOR_WEIGHTS = (70, 20, 10)

# Names of the Kaltim prose moved to West Sulawesi; longer keys win (one regex, longest first).
_SULBAR = {
    "Kalimantan Timur": PROVINCE,
    "Kalimantan": "Sulawesi",
    "Kaltim": "Sulbar",
    "kaltim": "sulbar",
    "Samarinda": "Mamuju",
    "Balikpapan": "Polewali",
    "Bontang": "Majene",
    "Tenggarong": "Pasangkayu",
    "Sangatta": "Mamasa",
    "Sendawar": "Tobadak",
    "Tanjung Redeb": "Wonomulyo",
    "Tana Paser": "Tinambung",
    "Penajam Paser Utara": "Mamuju Tengah",
    "Penajam": "Topoyo",
    "Ujoh Bilang": "Sumarorong",
    "Kutai Kartanegara": "Pasangkayu",
    "Kutai Timur": "Mamasa",
    "Kutai Barat": "Mamuju Tengah",
    "Berau": "Polewali Mandar",
    "Paser": "Polewali Mandar",
    "Mahakam Ulu": "Mamasa",
    "Wali Kota Balikpapan": "Bupati Polewali Mandar",
    "Wali Kota Bontang": "Bupati Majene",
    "bupati dan wali kota se-Kaltim": "bupati se-Sulbar",
    "sepuluh kabupaten dan kota": "enam kabupaten",
    "kabupaten dan kota": "kabupaten",
    "kabupaten/kota": "kabupaten",
    "Sungai Mahakam": "Sungai Karama",
    "Tepian Mahakam": "Pantai Manakarra",
    "Mahakam": "Karama",
    "Karang Mumus": "Mamuju",
    "Pulau Balang": "Pulau Karampuang",
    "Sungai Kunjang": "Simbuang",
    "Marangkayu": "Budong-Budong",
    "KEK) Maloy Batuta Trans Kalimantan": "KIB) Belang-Belang",
    "Kawasan Ekonomi Khusus (": "Kawasan Industri (",
    "KEK Maloy": "Kawasan Industri Belang-Belang",
    "ulap doyo": "sekomandi",
    "Ulap Doyo": "Sekomandi",
    "Bupati dan Wali Kota": "Bupati",
    "Dayak": "Mandar",
    "Heart of Borneo": "Pola",
    "Ruhui Rahayu": "Oval",
    "Olah Bebaya": "Mammesa",
    "Lamin Etam": "Rumah Jabatan Gubernur",
    "Samboja-Sepaku": "Mamuju-Pasangkayu",
    "Samboja dan Sepaku": "Mamuju dan Pasangkayu",
}
_SULBAR_RE = re.compile("|".join(re.escape(k) for k in sorted(_SULBAR, key=len, reverse=True)))
# The date the Kaltim lead gives after its venue: `, Selasa (28/5/2024).` or `, Minggu (6/1).`
_LEAD_DAY = re.compile(
    rf", (?P<day>{'|'.join(DAYS)}) \((?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/\d{{4}})?\)\."
)
_CAPTION_CREDIT = re.compile(r"\s*\([^()]*\)\s*$")
_ALIAS_DROP = re.compile(r"[^a-z0-9\s-]")
_ALIAS_SPACE = re.compile(r"[\s-]+")


def sulbar(text: str) -> str:
    """Kaltim prose with its places and names moved to West Sulawesi."""
    return _SULBAR_RE.sub(lambda m: _SULBAR[m[0]], text)


def joomla_alias(title: str) -> str:
    """Joomla's alias of a title (`JFilterOutput::stringURLSafe`): lower case, dashes read as
    spaces, other punctuation dropped, runs of spaces one dash."""
    text = _ALIAS_DROP.sub("", title.lower().replace("-", " "))
    return _ALIAS_SPACE.sub("-", text).strip("-")


def category_alias(label: str) -> str | None:
    return next((alias for name, alias, _ in CATEGORIES if name == label), None)


def category_label(alias: str) -> str | None:
    return next((name for name, a, _ in CATEGORIES if a == alias), None)


@dataclass
class K2Item:
    """One K2 item of the portal, with what the crawler must store for it."""

    id: int  # K2 item id: grows with time, with gaps (deleted drafts)
    alias: str
    title: str
    created: datetime  # aware, in the site's zone, to the second (K2 stores it so)
    time_shown: bool  # the page shows `HH:MM`; else only the date (the body says `pukul ...`)
    category: str  # a label of CATEGORIES
    paragraphs: list[str]  # the body as it must end up in body_text (dateline kept)
    dateline: str | None  # the place of the dateline, title case
    dateline_text: str | None  # the opening as written: `Mamuju (28/5/2024) -`, `MAMUJU -`
    photo_caption: str | None  # the K2 image caption
    author_codes: str | None  # the reporter signature closing the last paragraph
    author: int  # K2 user id (AUTHORS)
    tags: tuple[str, ...]
    hits: int
    image: bool  # a K2 item image (always when there is a caption)
    revision: int = 1
    modified: datetime | None = None  # when an edit last changed it (`Terakhir diubah pada`)
    zone_label: str = "WITA"
    source_id: int = field(default=0, repr=False)  # the ReplicaArticle it was written from

    @property
    def slug(self) -> str:
        """`<id>-<alias>`, the last segment of the SEF URL."""
        return f"{self.id}-{self.alias}"

    @property
    def path(self) -> str:
        return f"/index.php/berita/item/{self.slug}"

    @property
    def non_sef_path(self) -> str:
        return f"/index.php?option=com_k2&view=item&id={self.id}:{self.alias}"

    @property
    def published(self) -> datetime:
        """The publication time as the page shows it: to the minute, or the day's midnight."""
        if self.time_shown:
            return self.created.replace(second=0)
        return self.created.replace(hour=0, minute=0, second=0)

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.created

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def record(self, base_url: str) -> dict[str, str | None]:
        """The fields the crawler must store for this item when the site is at `base_url`."""
        return {
            "url": base_url.rstrip("/") + self.path,
            "slug": self.slug,
            "title": self.title,
            "published_at": self.published.isoformat(),
            "published_precision": "minute" if self.time_shown else "day",
            "category": self.category,
            "dateline": self.dateline,
            "body_text": self.body_text,
            "photo_caption": self.photo_caption,
            "author_codes": self.author_codes,
        }


@dataclass
class _Index:
    newest: list[K2Item]
    by_id: dict[int, K2Item]
    by_alias: dict[str, K2Item]
    by_category: dict[str, list[K2Item]]  # label -> newest first
    rank: dict[int, int]  # item id -> its index in its category's list


class JoomlaSite:
    """A deterministic Joomla/K2 news portal of `articles` items from `seed`.

    Dates, desks and prose are the Kaltim replica's (`ReplicaSite(articles, seed=seed)`): a few
    items within 2 days of `now`, the rest older than 10 days, back to 2013. Items before
    TIME_SHOWN_FROM show only their date (day precision); later ones `HH:MM` (minute precision).
    `timezone` (WIB, WITA, WIT) is the zone of the pages' times and of the records' offsets.
    """

    def __init__(
        self,
        articles: int = 200,
        seed: int = 0,
        *,
        per_page: int = 10,
        timezone: str = "WITA",
        now: datetime | None = None,
        disallow: tuple[str, ...] = (),
    ) -> None:
        if articles < 0 or per_page < 1:
            raise ValueError("articles must be >= 0, per_page >= 1")
        self.zone = zones.zone(timezone)
        self.tz: tzinfo = self.zone.tzinfo
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=self.tz)
        self._base = ReplicaSite(articles, seed=seed, per_page=per_page, pinned=0, now=now)
        # The site's wall clock is the source's, read in this site's zone.
        self.now = self._base.now.replace(tzinfo=self.tz)
        self.seed = seed
        self.per_page = per_page
        self.disallow = tuple(disallow)  # robots.txt lines besides Joomla's own
        self.revision = 0  # bumped by every mutation: caches of rendered pages key on it
        self._lock = threading.RLock()
        self._rng = random.Random(f"joomla/{seed}")
        self._aliases: set[str] = set()
        self._items: list[K2Item] = []
        self._taken_down: dict[str, K2Item] = {}
        self._index_cache: tuple[int, _Index] | None = None
        self._next_id = self._rng.randint(3, 40)
        for article in self._base.articles:
            self._items.append(self._adapt(article))
        # "Pilihan Redaksi": three items an editor pasted as non-SEF links into a custom module.
        window = self.newest_first()[5:30]
        self._pick_ids = [i.id for i in self._rng.sample(window, min(3, len(window)))]

    # -- writing items

    def _adapt(self, article: ReplicaArticle) -> K2Item:
        """A K2 item of this portal from an article of the Kaltim replica."""
        rng = self._rng
        item_id = self._next_id
        self._next_id += 1 + (rng.randint(1, 4) if rng.random() < 0.12 else 0)
        created = self._created(article)
        time_shown = created.replace(tzinfo=None) >= TIME_SHOWN_FROM
        title = sulbar(article.title)
        alias = self._unique_alias(joomla_alias(title))
        paragraphs = [sulbar(p) for p in article.paragraphs]
        place = sulbar(article.dateline) if article.dateline else None
        lead, dateline_text = self._lead(
            paragraphs[0], article.style.dateline_text, place, created, time_shown
        )
        paragraphs[0] = lead
        caption = None
        if article.photo_caption:
            caption = _CAPTION_CREDIT.sub("", sulbar(article.photo_caption))
        category = _CATEGORY_OF_DESK.get(article.category, "Pemerintahan")
        tags = ["Pemprov Sulbar", category]
        if place and place != "Jakarta" and rng.random() < 0.6:
            tags.append(place)
        age_days = max(0.0, (self.now - created).total_seconds() / 86400)
        hits = 25 + int(rng.uniform(15, 60) * age_days**0.5) + rng.randint(0, 40)
        return K2Item(
            id=item_id,
            alias=alias,
            title=title,
            created=created,
            time_shown=time_shown,
            category=category,
            paragraphs=paragraphs,
            dateline=place if dateline_text else None,
            dateline_text=dateline_text,
            photo_caption=caption,
            author_codes=sulbar(article.author_codes) if article.author_codes else None,
            author=rng.choices(AUTHORS, weights=_AUTHOR_WEIGHTS)[0][0],
            tags=tuple(tags),
            hits=hits,
            image=caption is not None or rng.random() < 0.5,
            zone_label=self.zone.label,
            source_id=article.id,
        )

    def _created(self, article: ReplicaArticle) -> datetime:
        """The source's time on the site's wall clock; an unknown (midnight) time gets office
        hours, and a shown time is never midnight (`00:00` would read as no time at all)."""
        created = article.published.replace(tzinfo=self.tz)
        if not article.time_known:
            created = created.replace(
                hour=self._rng.randint(8, 16), minute=self._rng.randrange(60), second=0
            )
        if created.hour == created.minute == 0:
            created = created.replace(minute=1)
        return created

    def _lead(
        self,
        lead: str,
        source_opening: str | None,
        place: str | None,
        created: datetime,
        time_shown: bool,
    ) -> tuple[str, str | None]:
        """The first paragraph in the portal's style, and the dateline opening it (or None).

        Most datelines are `Mamuju (28/5/2024) -` and the sentence keeps only the day name;
        some are `MAMUJU -` with the date in the sentence, a few items have none. The time is
        in the sentence (`pukul 11.45 WITA`) whenever the page shows only the date, and in a
        quarter of the others.
        """
        rng = self._rng
        if source_opening and lead.startswith(sulbar(source_opening) + " "):
            lead = lead[len(sulbar(source_opening)) + 1 :]
        style = rng.choices(("numeric", "upper"), weights=(78, 22))[0] if place else "none"
        date = f"{created.day}/{created.month}/{created.year}"
        day = DAYS[created.weekday()]
        clock = ""
        if not time_shown or rng.random() < 0.25:
            clock = f" pukul {created:%H.%M} {self.zone.label}"
        match = _LEAD_DAY.search(lead)
        if match is not None:
            said = f", {day}{clock}." if style == "numeric" else f", {day} ({date}){clock}."
            lead = lead[: match.start()] + said + lead[match.end() :]
        if style == "numeric":
            opening: str | None = f"{place} ({date}) -"
        elif style == "upper":
            opening = f"{(place or '').upper()} -"
        else:
            opening = None
        return (f"{opening} {lead}" if opening else lead), opening

    def _unique_alias(self, alias: str) -> str:
        unique, n = alias, 2
        while unique in self._aliases:
            unique = f"{alias}-{n}"
            n += 1
        self._aliases.add(unique)
        return unique

    # -- reading

    def _index(self) -> _Index:
        with self._lock:
            if self._index_cache is not None and self._index_cache[0] == self.revision:
                return self._index_cache[1]
            newest = sorted(self._items, key=lambda i: (i.created, i.id), reverse=True)
            by_category: dict[str, list[K2Item]] = {label: [] for label, _, _ in CATEGORIES}
            for item in newest:
                by_category.setdefault(item.category, []).append(item)
            rank = {i.id: n for group in by_category.values() for n, i in enumerate(group)}
            index = _Index(
                newest,
                {i.id: i for i in newest},
                {i.alias: i for i in newest},
                by_category,
                rank,
            )
            self._index_cache = (self.revision, index)
            return index

    @property
    def items(self) -> list[K2Item]:
        """Every item on the site, oldest first."""
        return list(reversed(self._index().newest))

    @property
    def articles(self) -> list[K2Item]:
        """`items`, under the name the fault injector reads (it needs each one's `path`)."""
        return self.items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def newest_first(self) -> list[K2Item]:
        return list(self._index().newest)

    def by_id(self, item_id: int) -> K2Item | None:
        return self._index().by_id.get(item_id)

    def by_alias(self, alias: str) -> K2Item | None:
        """The item of an alias, or of a slug `<id>-<alias>`."""
        index = self._index()
        found = index.by_alias.get(alias)
        if found is None:
            head, _, rest = alias.partition("-")
            found = index.by_id.get(int(head)) if head.isdigit() else None
            if found is not None and found.alias != rest:
                found = None
        return found

    def categories(self) -> dict[str, str]:
        """label -> alias, in menu order."""
        return {label: alias for label, alias, _ in CATEGORIES}

    def category_items(self, alias: str | None = None) -> list[K2Item]:
        """The items of a category listing (every item for None), newest first; KeyError for a
        category the site lacks."""
        index = self._index()
        if alias is None:
            return index.newest
        label = category_label(alias)
        if label is None:
            raise KeyError(alias)
        return index.by_category.get(label, [])

    def author_items(self, user_id: int) -> list[K2Item]:
        return [i for i in self._index().newest if i.author == user_id]

    def tag_items(self, tag: str) -> list[K2Item]:
        return [i for i in self._index().newest if tag in i.tags]

    def tags(self) -> list[str]:
        """Every tag in use, most used first (the tag cloud)."""
        counts: dict[str, int] = {}
        for item in self._index().newest:
            for tag in item.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return sorted(counts, key=lambda t: (-counts[t], t))

    def listing(self, start: int = 0, alias: str | None = None) -> list[K2Item]:
        """The list of `/index.php/berita?start=N` (or of a category): `per_page` items from
        offset `start`, newest first; empty past the end."""
        items = self.category_items(alias)
        start = max(0, start)
        return list(items[start : start + self.per_page])

    def latest(self, count: int = 5) -> list[K2Item]:
        return self._index().newest[:count]

    def popular(self, count: int = 5) -> list[K2Item]:
        """The most read items of the last few months (the "Terpopuler" module)."""
        recent = self._index().newest[: max(count, 60)]
        return sorted(recent, key=lambda i: (-i.hits, -i.id))[:count]

    def picks(self) -> list[K2Item]:
        """The editor's picks (fixed at construction), those still on the site."""
        index = self._index()
        return [index.by_id[i] for i in self._pick_ids if i in index.by_id]

    def related(self, item: K2Item, count: int = 4) -> list[K2Item]:
        """Neighbours in the same category (the "Baca juga" block)."""
        index = self._index()
        group = index.by_category.get(item.category, [])
        at = index.rank.get(item.id, 0)
        others = group[:at] + group[at + 1 :]
        start = min(max(0, at - 2), max(0, len(others) - count))
        return others[start : start + count]

    def neighbours(self, item: K2Item) -> tuple[K2Item | None, K2Item | None]:
        """(older, newer) item of the same category (K2's item navigation)."""
        index = self._index()
        group = index.by_category.get(item.category, [])
        at = index.rank.get(item.id, 0)
        older = group[at + 1] if at + 1 < len(group) else None
        newer = group[at - 1] if at > 0 else None
        return older, newer

    def truth(self, base_url: str) -> dict[str, dict]:
        """SEF URL -> the record the crawler must store, for every item on the site."""
        records = [i.record(base_url) for i in self.items]
        return {str(r["url"]): r for r in records}

    # -- mutations (tests)

    def add_articles(self, count: int) -> list[K2Item]:
        """`count` new items, newer than every existing one and not after the real time."""
        with self._lock:
            added = [self._adapt(a) for a in self._base.add_articles(count)]
            real_now = datetime.now(self.tz).replace(microsecond=0)
            for n, item in enumerate(added):
                # The source caps at the real WITA time; a WIB site's wall clock is an hour
                # behind it.
                if item.created > real_now:
                    item.created = real_now - timedelta(seconds=count - n)
            self._items.extend(added)
            self.revision += 1
            return added

    def edit_article(
        self, alias: str, *, title: str | None = None, paragraphs: list[str] | None = None
    ) -> K2Item:
        """Change an item's content (alias and id stay, as in Joomla): revision + 1, and the
        page shows `Terakhir diubah pada ...`. `alias` may be the slug `<id>-<alias>`."""
        with self._lock:
            at, old = self._find(alias)
            changes: dict = {
                "revision": old.revision + 1,
                "modified": datetime.now(self.tz).replace(microsecond=0),
            }
            if title is not None:
                changes["title"] = title
            if paragraphs is not None:
                changes["paragraphs"] = list(paragraphs)
                opening = old.dateline_text
                keeps = bool(paragraphs) and opening and paragraphs[0].startswith(opening + " ")
                changes["dateline"] = old.dateline if keeps else None
                changes["dateline_text"] = opening if keeps else None
            new = dataclasses.replace(old, **changes)
            self._items[at] = new
            self.revision += 1
            return new

    def take_down(self, alias: str) -> K2Item:
        """Unpublish an item: its page answers 404 (K2's "Item tidak ditemukan") and every list
        drops it. `restore` publishes it again."""
        with self._lock:
            at, old = self._find(alias)
            del self._items[at]
            self._taken_down[old.alias] = old
            self.revision += 1
            return old

    def restore(self, alias: str) -> K2Item:
        with self._lock:
            key = alias if alias in self._taken_down else alias.partition("-")[2]
            item = self._taken_down.pop(key)
            self._items.append(item)
            self.revision += 1
            return item

    def _find(self, alias: str) -> tuple[int, K2Item]:
        item = self.by_alias(alias)
        if item is not None:
            for at, candidate in enumerate(self._items):
                if candidate.id == item.id:
                    return at, candidate
        raise KeyError(alias)

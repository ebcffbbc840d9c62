"""Article page object: one saved article page (URL + HTML) -> one clean record, no Scrapy."""

from __future__ import annotations

import functools
import itertools
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector
from w3lib.url import safe_url_string

from humas_crawler.archive.record import REQUIRED_FIELDS, ArticleRecord, content_hash
from humas_crawler.extract import deep, dom
from humas_crawler.extract.profile import KALTIM, SiteProfile
from humas_crawler.normalize import (
    Category,
    Site,
    Taxonomy,
    Timestamp,
    normalize_category,
    normalize_timestamp,
)
from humas_crawler.normalize.text import Body, clean_text, split_body

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
}
_TITLE_WORDS = {"title", "judul", "headline", "entry", "heading"}
_TITLE_TAGS = frozenset({*dom.HEADINGS, "b", "strong", "font", "td", "div", "span", "a", "p"})
_NAMED = etree.XPath("//*[@class or @id]")
_TEXT_CONTAINS = etree.XPath("//body//text()[contains(., $probe)]/..")
_GENERIC_CRUMBS = {
    "home",
    "beranda",
    "berita",
    "news",
    "index",
    "indeks",
    "kategori",
    "category",
    "artikel",
    "berita terkini",
    "semua berita",
}
_IMAGE_NOISE = (
    "logo",
    "icon",
    "avatar",
    "emoji",
    "spinner",
    "placeholder",
    "blank.",
    "pixel",
    "spacer",
    "share",
    "whatsapp",
    "facebook",
    "twitter",
    "instagram",
    "youtube",
    "print",
    "mail",
    "bullet",
    "gravatar",
)
# Images this small (width or height attribute, in pixels) are icons, not photos.
_ICON_SIZE = 48
# A meta line ("Selasa, 21 Juni 2022 Jam 22:03:32 | Sosial") is short; a paragraph that merely
# mentions a date is not.
_META_LINE_MAX = 200


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFC", clean_text(text)).casefold()


@functools.lru_cache(maxsize=16)
def _folded(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_fold(n) for n in names)


@dataclass
class _Layout:
    """Where the article's parts sit in the tree."""

    body: HtmlElement | None
    title: HtmlElement | None
    region: HtmlElement
    paragraphs: list[HtmlElement]
    excluded: set[HtmlElement]


@dataclass(frozen=True)
class _Stamp:
    raw: str
    element: HtmlElement | None


class ArticlePage:
    """Extract an article's own fields from one page, whatever the template.

    Each field tries the site profile's selectors first, then semantic rules: the element holding
    the longest run of paragraph text is the body; the title is the heading matching the page's
    declared title (or the nearest heading above the body); the timestamp and category are the
    ones nearest that heading inside the article, never those of sidebars, related lists or
    comments.
    """

    def __init__(
        self,
        url: str,
        html: str | bytes | Selector,
        *,
        profile: SiteProfile = KALTIM,
        site: Site | None = None,
        taxonomy: Taxonomy | None = None,
        now: datetime | None = None,
    ) -> None:
        self.url = url
        self.selector = deep.parse_page(html)
        self.root: HtmlElement = self.selector.root
        self.profile = profile
        self.site = site or Site.from_base_url(profile.base_url)
        self.taxonomy = taxonomy
        self.now = now

    # ----- page-level facts -------------------------------------------------------------------

    @cached_property
    def _order(self) -> dict[HtmlElement, int]:
        return dom.document_order(self.root)

    @cached_property
    def _json_ld(self) -> list[dict]:
        return dom.json_ld_objects(self.root)

    @cached_property
    def _json_ld_article(self) -> dict:
        for obj in self._json_ld:
            if dom.json_ld_types(obj) & _ARTICLE_TYPES:
                return obj
        return {}

    @cached_property
    def _metas(self) -> dict[str, str]:
        """`<meta>` values by property, name or itemprop (first one wins)."""
        found: dict[str, str] = {}
        for meta in self.root.iter("meta"):
            content = clean_text(meta.get("content"))
            if not content:
                continue
            for attr in ("property", "name", "itemprop"):
                key = meta.get(attr)
                if key:
                    found.setdefault(key.strip(), content)
        return found

    def _meta(self, *names: str) -> str | None:
        for name in names:
            if name in self._metas:
                return self._metas[name]
        return None

    @cached_property
    def _classes(self) -> frozenset[str]:
        return dom.page_classes(self.root)

    @cached_property
    def _base_href(self) -> str:
        base = self.selector.xpath("//base/@href").get()
        return urljoin(self.url, base.strip()) if base else self.url

    @cached_property
    def _paragraph_sizes(self) -> dict[HtmlElement, int]:
        """Characters of text in each `<p>`, in document order."""
        return {p: len(p.text_content().strip()) for p in self.root.iter("p")}

    @cached_property
    def _noise(self) -> set[HtmlElement]:
        """Blocks that never hold article content: sidebars, share bars, comments, menus."""
        noise: set[HtmlElement] = set()
        for css in self.profile.sidebar:
            noise.update(dom.select(self.root, css, self._classes))
        noise.update(self.root.iter("nav", "footer", "aside", "form"))
        for el in _NAMED(self.root):
            if dom.class_words(el) & self.profile.noise_words:
                noise.add(el)
        # The html/body elements themselves may carry words like "has-sidebar".
        noise.difference_update(self.root.iter("html", "body"))
        # A block that holds most of the page's paragraph text is the article, whatever its
        # class says (WordPress puts "tag-ikn category-x" on the post itself).
        lengths = self._paragraph_sizes
        total = sum(lengths.values())
        if total:
            noise = {el for el in noise if sum(lengths[p] for p in el.iter("p")) < 0.6 * total}
        return noise

    # ----- layout -----------------------------------------------------------------------------

    @cached_property
    def _layout(self) -> _Layout:
        body = self._find_body()
        paragraphs = self._body_paragraphs(body) if body is not None else []
        if paragraphs:
            body_pos = self._order.get(paragraphs[0], 0)
        elif body is not None:
            body_pos = self._order.get(body, 0)
        else:
            body_pos = len(self._order)
        title = self._find_title_element(body_pos)
        if title is not None and body is not None:
            region = self._common_ancestor(title, body)
        elif body is not None:
            article = next((a for a in dom.ancestors(body) if dom.tag(a) == "article"), None)
            parent = body.getparent()
            region = article if article is not None else (parent if parent is not None else body)
        else:
            region = self.root
        keep = set()
        for el in (body, title):
            if el is not None:
                keep.add(el)
                keep.update(dom.ancestors(el))
        excluded = {el for el in self._noise if el not in keep}
        excluded.update(self._link_lists(region, keep))
        return _Layout(body, title, region, paragraphs, excluded)

    def _find_body(self) -> HtmlElement | None:
        for css in self.profile.body:
            for found in dom.select(self.root, css, self._classes):
                if len(dom.text_of(found)) >= 200:
                    return found
        for found in dom.select(self.root, "[itemprop=articleBody]", self._classes):
            if dom.text_of(found):
                return found
        best = self._best_text_block(self._noise)
        if best is None:
            # Everything sat inside blocks with noise-like names; score them too.
            best = self._best_text_block(set())
        return best

    def _best_text_block(self, noise: set[HtmlElement]) -> HtmlElement | None:
        """The element holding the longest run of paragraph text."""
        scores: dict[HtmlElement, int] = {}
        for p, size in self._paragraph_sizes.items():
            if size and not self._link_dense(p, size) and not dom.is_inside(p, noise):
                parent = p.getparent()
                if parent is not None:
                    scores[parent] = scores.get(parent, 0) + size
        for br in self.root.iter("br"):
            # Old layouts: paragraphs as text separated by <br><br> inside one cell.
            el = br.getparent()
            if el is None or el in scores or dom.tag(el) == "p" or dom.is_inside(el, noise):
                continue
            own = len(
                clean_text(
                    (el.text or "")
                    + " ".join(
                        (c.text_content() if dom.tag(c) not in dom.BLOCK_TAGS else "")
                        + (c.tail or "")
                        for c in el
                        if isinstance(c.tag, str)
                    )
                )
            )
            if own and not self._link_dense(el, own):
                scores[el] = own
        if not scores:
            return None
        return max(scores, key=lambda e: (scores[e], -self._order.get(e, 0)))

    @staticmethod
    def _link_dense(el: HtmlElement, size: int) -> bool:
        linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
        return size > 0 and linked / size > 0.6

    def _body_paragraphs(self, body: HtmlElement) -> list[HtmlElement]:
        """The body's paragraph elements from the first one that is article text on.

        A short paragraph holding a timestamp before them is the meta line, not text.
        """
        children = [
            c for c in body if isinstance(c.tag, str) and dom.tag(c) in ("p", "div", "blockquote")
        ]
        for i, child in enumerate(children):
            text = dom.text_of(child)
            if not text:
                continue
            if len(text) <= _META_LINE_MAX and self.profile.timestamp_in_text.search(text):
                continue
            return children[i:]
        return []

    def _title_candidates(self) -> list[str]:
        """Titles the page declares in its head, site-name parts removed, best first."""
        found: list[str] = []
        headline = self._json_ld_article.get("headline") or self._json_ld_article.get("name")
        for value in (
            headline if isinstance(headline, str) else None,
            self._meta("og:title"),
            self._meta("twitter:title"),
            self.selector.xpath("//title/text()").get(),
        ):
            cleaned = self._strip_site_name(value)
            if cleaned and cleaned not in found:
                found.append(cleaned)
        return found

    def _strip_site_name(self, value: str | None) -> str | None:
        text = clean_text(value)
        if not text:
            return None
        names = _folded(self.profile.site_names)
        for sep in (" | ", " - ", " – ", " — ", " :: ", " » "):
            if sep in text:
                parts = [p for p in text.split(sep) if _fold(p) not in names]
                if not parts:
                    return None
                text = sep.join(parts)
        return None if _fold(text) in names else text

    def _is_site_name(self, text: str) -> bool:
        return _fold(text) in _folded(self.profile.site_names)

    def _find_title_element(self, body_pos: int) -> HtmlElement | None:
        """The element showing the title; ``body_pos`` is where the body text starts."""
        for css in self.profile.title:
            for found in dom.select(self.root, css, self._classes):
                if dom.text_of(found):
                    return found
        noise = self._noise

        def usable(el: HtmlElement) -> bool:
            text = dom.text_of(el)
            return bool(text) and not self._is_site_name(text) and not dom.is_inside(el, noise)

        def nearest_before(elements: list[HtmlElement]) -> HtmlElement | None:
            before = [e for e in elements if self._order.get(e, 0) < body_pos and usable(e)]
            if before:
                return max(before, key=lambda e: self._order.get(e, 0))
            after = [e for e in elements if usable(e)]
            return after[0] if after else None

        # 1. The visible element whose text is the title the page declares.
        candidates = self._title_candidates()
        declared = {_fold(t) for t in candidates}
        if declared:
            # Elements whose whole text contains a declared title's first words (libxml2 does
            # this scan in C), then the exact, case- and whitespace-folded comparison.
            rough: set[HtmlElement] = set()
            # The title's longest word rarely appears in other titles (sidebars are full of
            # "Gubernur ..."), so few text nodes qualify.
            probes = {max(t.split(), key=len) for t in candidates if t.split()}
            for probe in probes:
                for parent in _TEXT_CONTAINS(self.root, probe=probe):
                    # The title may be split by inline tags: look a few levels up too.
                    rough.update([parent, *itertools.islice(dom.ancestors(parent), 3)])
            longest = max(len(t) for t in declared) + 20
            matches = [
                el
                for el in rough
                if isinstance(el, HtmlElement)
                and dom.tag(el) in _TITLE_TAGS
                and _fold(dom.text_of(el, longest)) in declared
            ]
            matches.sort(key=lambda e: self._order.get(e, 0))
            # The innermost element carrying the text, heading tags first.
            matches = [m for m in matches if not any(c in matches for c in m.iter() if c is not m)]
            headings = [m for m in matches if dom.tag(m) in dom.HEADINGS]
            found = nearest_before(headings)
            if found is None:
                found = nearest_before(matches)
            if found is not None:
                return found
        # 2. Headings, most important level first, nearest above the body.
        for level in dom.HEADINGS[:4]:
            found = nearest_before(list(self.root.iter(level)))
            if found is not None and (level == "h1" or self._order.get(found, 0) < body_pos):
                return found
        # 3. Elements named like a title ("judul", "post-title").
        named = [
            el
            for el in self.root.iter()
            if isinstance(el.tag, str) and dom.class_words(el) & _TITLE_WORDS
        ]
        return nearest_before(named)

    def _common_ancestor(self, a: HtmlElement, b: HtmlElement) -> HtmlElement:
        chain = [a, *dom.ancestors(a)]
        members = set(chain)
        for el in [b, *dom.ancestors(b)]:
            if el in members:
                return el
        return self.root

    def _link_lists(self, region: HtmlElement, keep: set[HtmlElement]) -> set[HtmlElement]:
        """Blocks inside the article region that list other articles (related, latest, ...)."""
        counts: dict[HtmlElement, set[str]] = {}
        for a in region.iter("a"):
            href = a.get("href")
            if not href:
                continue
            url = self.site.canonicalize(href, base=self._base_href)
            if (
                not url
                or not self.site.is_article_url(url)
                or url == self.site.canonicalize(self.url)
            ):
                continue
            for anc in dom.ancestors(a):
                if anc is region or anc in keep:
                    break
                counts.setdefault(anc, set()).add(url)
        lists = {el for el, urls in counts.items() if len(urls) >= 2}
        return {el for el in lists if el.getparent() not in lists}

    # ----- fields -----------------------------------------------------------------------------

    @cached_property
    def canonical_url(self) -> str | None:
        return self.site.canonicalize(self.url)

    @cached_property
    def slug(self) -> str | None:
        return self.site.article_slug(self.canonical_url) if self.canonical_url else None

    @cached_property
    def title(self) -> str | None:
        layout = self._layout
        if layout.title is not None:
            return dom.text_of(layout.title) or None
        candidates = self._title_candidates()
        return candidates[0] if candidates else None

    @cached_property
    def _stamp(self) -> _Stamp | None:
        for css in self.profile.published:
            for found in dom.select(self.root, css, self._classes):
                stamp = self._stamp_in(found)
                if stamp:
                    return stamp
        layout = self._layout
        candidates = self._visible_stamps()
        title_pos = self._order.get(layout.title, -1) if layout.title is not None else -1
        body_start = self._body_start()
        between = [(p, s) for p, s in candidates if title_pos < p < body_start]
        if between:
            return min(between, key=lambda ps: ps[0])[1]
        before = [(p, s) for p, s in candidates if p < body_start]
        if before:
            return max(before, key=lambda ps: ps[0])[1]
        machine = self._machine_published()
        if machine:
            return _Stamp(machine, None)
        after = [(p, s) for p, s in candidates if p >= body_start]
        if after:
            return min(after, key=lambda ps: ps[0])[1]
        return None

    def _body_start(self) -> int:
        layout = self._layout
        if layout.body is None:
            return len(self._order)
        if layout.paragraphs:
            return self._order.get(layout.paragraphs[0], 0)
        return self._order.get(layout.body, 0)

    def _visible_stamps(self) -> list[tuple[int, _Stamp]]:
        """Timestamps shown in the article region outside the body text, with their positions."""
        layout = self._layout
        skip = set(layout.excluded)
        if layout.body is not None:
            skip.update(layout.paragraphs)
            if not layout.paragraphs:
                skip.add(layout.body)
        found: list[tuple[int, _Stamp]] = []
        for el in dom.iter_pruned(layout.region, skip):
            if dom.tag(el) in dom.SKIP_TAGS:
                continue
            if dom.tag(el) == "time" or el.get("itemprop") == "datePublished":
                stamp = self._stamp_in(el)
                if stamp:
                    found.append((self._order.get(el, 0), stamp))
                    continue
            for text in [el.text, *(c.tail for c in el if isinstance(c.tag, str))]:
                if not text or not any(ch.isdigit() for ch in text):
                    continue
                match = self.profile.timestamp_in_text.search(text)
                if match and dom.text_of(el, _META_LINE_MAX):
                    found.append((self._order.get(el, 0), _Stamp(clean_text(match.group(0)), el)))
                    break
        return found

    def _stamp_in(self, el: HtmlElement) -> _Stamp | None:
        text = dom.text_of(el)
        match = self.profile.timestamp_in_text.search(text) if text else None
        if dom.tag(el) == "time" and text and normalize_timestamp(text, now=self.now).iso:
            return _Stamp(text, el)
        if match:
            return _Stamp(clean_text(match.group(0)), el)
        for attr in ("datetime", "content"):
            value = el.get(attr)
            if value and value.strip():
                return _Stamp(clean_text(value), el)
        return None

    def _machine_published(self) -> str | None:
        value = self._json_ld_article.get("datePublished")
        if isinstance(value, str) and value.strip():
            return clean_text(value)
        return self._meta(
            "article:published_time",
            "datePublished",
            "pubdate",
            "publishdate",
            "DC.date.issued",
            "date",
        )

    @cached_property
    def published_raw(self) -> str | None:
        return self._stamp.raw if self._stamp else None

    @cached_property
    def timestamp(self) -> Timestamp:
        return normalize_timestamp(self.published_raw, now=self.now)

    @cached_property
    def category_raw(self) -> str | None:
        for css in self.profile.category:
            for found in dom.select(self.root, css, self._classes):
                text = dom.text_of(found)
                if text:
                    return text
        return (
            self._category_in_meta_line()
            or self._category_link_near_title()
            or self._category_from_breadcrumb()
            or self._category_declared()
        )

    def _taxonomy(self) -> Taxonomy:
        return self.taxonomy or Taxonomy.default()

    @cached_property
    def _meta_line(self) -> HtmlElement | None:
        """The short block around the article's timestamp ("21 Juni 2022 Jam 22:03:32 | Sosial")."""
        stamp = self._stamp
        if stamp is None or stamp.element is None:
            return None
        layout = self._layout
        title_chain = (
            {layout.title, *dom.ancestors(layout.title)} if layout.title is not None else set()
        )
        line = stamp.element
        for anc in dom.ancestors(stamp.element):
            if anc is layout.region or anc is layout.body or not dom.text_of(anc, _META_LINE_MAX):
                break
            if anc in title_chain:
                break
            line = anc
        return line

    def _category_in_meta_line(self) -> str | None:
        line = self._meta_line
        stamp = self._stamp
        if line is None or stamp is None:
            return None
        for a in line.iter("a"):
            if self.profile.category_href.search(a.get("href") or "") and dom.text_of(a):
                return dom.text_of(a)
        rest = dom.text_of(line).replace(stamp.raw, " ")
        return self._taxonomy().match_in(rest)

    def _category_link_near_title(self) -> str | None:
        layout = self._layout
        skip = set(layout.excluded) | set(layout.paragraphs)
        title_pos = self._order.get(layout.title, 0) if layout.title is not None else 0
        links = [
            a
            for a in layout.region.iter("a")
            if self.profile.category_href.search(a.get("href") or "")
            and dom.text_of(a)
            and not dom.is_inside(a, skip)
        ]
        if not links:
            return None
        nearest = min(links, key=lambda a: abs(self._order.get(a, 0) - title_pos))
        return dom.text_of(nearest)

    def _category_from_breadcrumb(self) -> str | None:
        title = _fold(self.title)
        for crumbs in self._breadcrumbs():
            useful = [c for c in crumbs if _fold(c) not in _GENERIC_CRUMBS and _fold(c) != title]
            useful = [c for c in useful if not self._is_site_name(c)]
            if useful:
                return useful[-1]
        return None

    def _breadcrumbs(self) -> list[list[str]]:
        trails: list[list[str]] = []
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            named = "breadcrumb" in dom.class_words(el) or "breadcrumbs" in dom.class_words(el)
            labelled = "breadcrumb" in (el.get("aria-label") or "").lower()
            typed = "BreadcrumbList" in (el.get("itemtype") or "")
            if not (named or labelled or typed):
                continue
            if self._in_sidebar(el):
                continue
            items = [dom.text_of(li) for li in el.iter("li")] or self._split_crumbs(dom.text_of(el))
            trails.append([i for i in items if i])
        # Plain-text trails of old layouts: "Home » Berita » Sosial".
        for el in self.root.iter("td", "div", "span", "p"):
            text = dom.text_of(el, 150)
            if text and any(s in text for s in ("»", "›", ">")):
                crumbs = self._split_crumbs(text)
                home = bool(crumbs) and _fold(crumbs[0]) in {"home", "beranda", "index", "depan"}
                if home and not self._in_sidebar(el):
                    trails.append(crumbs)
        for obj in self._json_ld:
            if "BreadcrumbList" in dom.json_ld_types(obj):
                items = obj.get("itemListElement") or []
                names = [
                    i.get("name") or (i.get("item") or {}).get("name")
                    for i in items
                    if isinstance(i, dict)
                ]
                trails.append([clean_text(n) for n in names if isinstance(n, str)])
        return trails

    def _in_sidebar(self, el: HtmlElement) -> bool:
        return any(
            dom.tag(a) == "aside" or dom.class_words(a) & self.profile.sidebar_words
            for a in [el, *dom.ancestors(el)]
        )

    @staticmethod
    def _split_crumbs(text: str) -> list[str]:
        for sep in ("»", "›", ">", "/", "|"):
            if sep in text:
                return [clean_text(p) for p in text.split(sep) if clean_text(p)]
        return [text] if text else []

    def _category_declared(self) -> str | None:
        section = self._json_ld_article.get("articleSection")
        if isinstance(section, list):
            section = next((s for s in section if isinstance(s, str) and s.strip()), None)
        if isinstance(section, str) and section.strip():
            return clean_text(section)
        return self._meta("article:section")

    @cached_property
    def category(self) -> Category:
        return normalize_category(self.category_raw, self.taxonomy)

    @cached_property
    def body(self) -> Body:
        layout = self._layout
        if layout.body is None:
            return Body((), None, None, None)
        skip = set(layout.excluded)
        skip.update(el for el in layout.body.iter("figure", "figcaption"))
        if layout.title is not None:
            skip.add(layout.title)
        if self._meta_line is not None:
            skip.add(self._meta_line)
        lines = dom.iter_lines(layout.body, skip=skip)
        drop = [
            self.title or "",
            self.published_raw or "",
            self.category_raw or "",
            *self.profile.site_names,
        ]
        body = split_body(lines, self.profile, drop=drop)
        if body.photo_caption is None:
            caption = self._figcaption()
            if caption:
                body = Body(body.paragraphs, body.dateline, caption, body.author_codes)
        return body

    def _figcaption(self) -> str | None:
        layout = self._layout
        for el in layout.region.iter("figcaption"):
            if not dom.is_inside(el, layout.excluded):
                text = dom.text_of(el)
                if text:
                    return (
                        self.profile.caption.sub(r"\g<text>", text)
                        if self.profile.caption.match(text)
                        else text
                    )
        return None

    @cached_property
    def image_urls(self) -> list[str]:
        layout = self._layout
        urls: list[str] = []
        for img in layout.region.iter("img"):
            if dom.is_inside(img, layout.excluded):
                continue
            src = next(
                (
                    img.get(a).strip()
                    for a in ("data-src", "data-lazy-src", "data-original", "src")
                    if img.get(a) and img.get(a).strip()
                ),
                None,
            )
            if not src or src.startswith("data:"):
                continue
            marker = f"{src} {img.get('class') or ''} {img.get('alt') or ''}".lower()
            if any(word in marker for word in _IMAGE_NOISE) or _is_icon(img):
                continue
            url = safe_url_string(urljoin(self._base_href, src))
            if url not in urls:
                urls.append(url)
        return urls

    @cached_property
    def canonical_link(self) -> str | None:
        href = self.selector.xpath("//link[@rel='canonical']/@href").get()
        return self.site.canonicalize(href.strip(), base=self._base_href) if href else None

    # ----- output -----------------------------------------------------------------------------

    def to_item(self) -> ArticleRecord:
        """The record: the `articles` columns this page fills (see docs/extraction.md)."""
        stamp = self.timestamp
        category = self.category
        body = self.body
        body_text = body.text or None
        return ArticleRecord(
            url=self.canonical_url,
            slug=self.slug,
            title=self.title,
            published_at=stamp.iso,
            published_date=stamp.iso[:10] if stamp.iso else None,
            published_precision=stamp.precision,
            published_raw=self.published_raw,
            category=category.label,
            category_slug=category.slug,
            category_raw=self.category_raw,
            category_known=category.known,
            dateline=body.dateline,
            body_text=body_text,
            photo_caption=body.photo_caption,
            author_codes=body.author_codes,
            image_urls=self.image_urls,
            canonical_link=self.canonical_link,
            content_hash=content_hash(self.title, body_text, self.published_raw, self.category_raw),
        )

    def warnings(self) -> list[str]:
        """One message per field the page did not yield (or yielded unusable)."""
        item = self.to_item()
        messages = [f"no {name} found" for name in REQUIRED_FIELDS if not getattr(item, name)]
        if self.published_raw and not self.timestamp.iso:
            messages.append(
                f"published_raw {self.published_raw!r} is not a valid time: {self.timestamp.error}"
            )
        if self.category_raw and not self.category.known:
            messages.append(f"category {self.category_raw!r} is not in the taxonomy")
        if not item.slug:
            messages.append(f"{self.url} is not an article URL of the site")
        return messages


def _is_icon(img: HtmlElement) -> bool:
    """Small images, or images inside javascript: links (print, e-mail buttons)."""
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= _ICON_SIZE:
            return True
    return any(
        dom.tag(a) == "a" and (a.get("href") or "").strip().lower().startswith("javascript:")
        for a in dom.ancestors(img)
    )

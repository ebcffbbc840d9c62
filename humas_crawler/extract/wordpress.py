"""WordPress REST API answers (`/wp-json/wp/v2/posts`, `/categories`) read into article fields.

Scrapy-free and pure: JSON in, fields out. The crawl still fetches and archives each post's HTML
page (the WARC and replay need the page as published); `apply_post` then lets the API's exact
fields win over what the page's template showed: the title with its entities decoded, the
instant from `date_gmt`, the category's name, and the body without shortcodes or captions.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parsel import Selector

from humas_crawler.archive.record import ArticleRecord, content_hash
from humas_crawler.normalize import Taxonomy, normalize_category
from humas_crawler.normalize.zones import ZONES

API_ROOT = "/wp-json/wp/v2"  # below the site's base URL
# `[gallery ids="1,2"]`, `[/caption]`, `[embed]`: a shortcode a deactivated plugin leaves as text.
_SHORTCODE = re.compile(r"\[/?[a-zA-Z][\w-]*(?:\s[^\]]*)?\]")
# Enclosing shortcodes whose content is no prose: an embedded URL, a caption's image and text.
_ENCLOSING = re.compile(
    r"\[(embed|video|audio|caption|wp_caption|playlist)\b[^\]]*\].*?\[/\1\]", re.DOTALL
)
# Blocks whose text is the body; figures, captions, scripts and embeds are not.
_BLOCKS = "p, h2, h3, h4, h5, h6, li, blockquote > p, pre"
_SKIP = (
    "figure, figcaption, .wp-caption, .wp-caption-text, script, style, iframe, noscript,"
    " .sharedaddy, .jp-relatedposts"
)


class WordPressError(ValueError):
    """An API answer that is not what WordPress sends (not JSON, not a list of posts)."""


@dataclass(frozen=True)
class WpPost:
    """One post as the REST API gives it, read into the archive's terms."""

    id: int
    link: str
    slug: str
    title: str | None
    date_gmt: str | None  # as given (`2023-06-06T02:15:00`, UTC without an offset)
    published_at: str | None  # ISO 8601 in the site's zone
    modified_utc: str | None  # `YYYY-MM-DDTHH:MM:SSZ`: compared with fetch times
    categories: tuple[str, ...]  # names, the primary (first) one first
    body_text: str | None
    photo_caption: str | None


def parse_categories(body: bytes | str) -> dict[int, str]:
    """`/wp-json/wp/v2/categories`: id -> name (entities decoded)."""
    return {
        int(item["id"]): _plain(item.get("name")) or str(item["id"])
        for item in _json_list(body, "categories")
        if isinstance(item, dict) and "id" in item
    }


def parse_posts(body: bytes | str, categories: Mapping[int, str], zone: str) -> list[WpPost]:
    """`/wp-json/wp/v2/posts`: each post, its times in `zone` (WIB, WITA, WIT)."""
    return [parse_post(item, categories, zone) for item in post_items(body)]


def post_items(body: bytes | str) -> list[dict[str, Any]]:
    """The posts of a `/wp-json/wp/v2/posts` answer as they are (JSON objects), not read yet:
    `item["link"]` says which page each is, before reading its content."""
    return [
        item
        for item in _json_list(body, "posts")
        if isinstance(item, dict) and item.get("link") and "id" in item
    ]


def parse_post(item: Mapping[str, Any], categories: Mapping[int, str], zone: str) -> WpPost:
    """One post of `post_items`, its times in `zone`."""
    text, caption = content_text(_rendered(item.get("content")))
    names = tuple(categories.get(number, str(number)) for number in item.get("categories", []))
    return WpPost(
        id=int(item["id"]),
        link=str(item["link"]),
        slug=str(item.get("slug") or ""),
        title=_plain(_rendered(item.get("title"))),
        date_gmt=item.get("date_gmt"),
        published_at=_in_zone(item.get("date_gmt"), zone),
        modified_utc=_utc(item.get("modified_gmt")),
        categories=names,
        body_text=text,
        photo_caption=caption,
    )


def content_text(rendered: str) -> tuple[str | None, str | None]:
    """(body text, photo caption) of a post's rendered content: paragraphs joined by a blank
    line, shortcodes and captions left out; the first caption is the photo caption."""
    if not rendered.strip():
        return None, None
    page = Selector(text=f"<div>{rendered}</div>")
    captions = [
        _plain(" ".join(node.css("::text").getall()))
        for node in page.css("figcaption, .wp-caption-text")
    ]
    for node in page.css(_SKIP):
        element = node.root
        if element.getparent() is not None:
            element.drop_tree()
    paragraphs = []
    for block in page.css(_BLOCKS):
        if block.root.getparent() is None:
            continue
        raw = _ENCLOSING.sub(" ", " ".join(block.css("::text").getall()))
        text = _plain(_SHORTCODE.sub(" ", raw))
        if text and not any(text in earlier for earlier in paragraphs[-1:]):
            paragraphs.append(text)
    caption = next((c for c in captions if c), None)
    return ("\n\n".join(paragraphs) or None), caption


def apply_post(record: ArticleRecord, post: WpPost, taxonomy: Taxonomy) -> ArticleRecord:
    """The page's record with the API's fields where the API has them; the content hash anew."""
    changes: dict[str, Any] = {}
    if post.title:
        changes["title"] = post.title
    if post.published_at:
        changes.update(
            published_at=post.published_at,
            published_at_utc=_utc(post.date_gmt),
            published_date=post.published_at[:10],
            published_precision="second",
            published_raw=f"{post.date_gmt}Z",
        )
    if post.categories:
        category = normalize_category(post.categories[0], taxonomy)
        changes.update(
            category=category.label,
            category_slug=category.slug,
            category_raw=post.categories[0],
            category_known=category.known,
        )
    if post.body_text:
        changes["body_text"] = post.body_text
    if post.photo_caption:
        changes["photo_caption"] = post.photo_caption
    updated = record.replace(**changes)
    return updated.replace(
        content_hash=content_hash(
            updated.title, updated.body_text, updated.published_raw, updated.category_raw
        )
    )


def _json_list(body: bytes | str, what: str) -> list[Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise WordPressError(f"the {what} answer is not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise WordPressError(f"the {what} answer is not a list (a {type(data).__name__})")
    return data


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _plain(text: str | None) -> str | None:
    """Entities decoded (`&#8220;` -> “), tags dropped, whitespace collapsed."""
    if not text:
        return None
    decoded = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(decoded.split()) or None


def _gmt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _in_zone(value: Any, zone: str) -> str | None:
    moment = _gmt(value)
    return moment.astimezone(ZONES[zone].tzinfo).isoformat() if moment else None


def _utc(value: Any) -> str | None:
    moment = _gmt(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None

"""The article's photos: images in the article region that are not icons, logos or buttons."""

from __future__ import annotations

from urllib.parse import urljoin

from lxml.html import HtmlElement
from w3lib.url import safe_url_string

from humas_crawler.extract import dom
from humas_crawler.extract.fields.facts import PageFacts
from humas_crawler.extract.fields.layout import Layout

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
# Lazy-loading scripts keep the real source in one of these; `src` holds a placeholder.
_SOURCE_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "src")


def image_urls(facts: PageFacts, layout: Layout) -> list[str]:
    """Absolute URLs of the article's images, in page order, each once."""
    urls: list[str] = []
    for img in layout.region.iter("img"):
        if dom.is_inside(img, layout.excluded):
            continue
        src = next(
            (img.get(a).strip() for a in _SOURCE_ATTRIBUTES if img.get(a) and img.get(a).strip()),
            None,
        )
        if not src or src.startswith("data:"):
            continue
        marker = f"{src} {img.get('class') or ''} {img.get('alt') or ''}".lower()
        if any(word in marker for word in _IMAGE_NOISE) or _is_icon(img):
            continue
        url = safe_url_string(urljoin(facts.base_href, src))
        if url not in urls:
            urls.append(url)
    return urls


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

"""Photo captions ("/////FOTO : ...", `<figcaption>`) and closing reporter signatures."""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.layout import Layout
from humas_crawler.extract.profile import KALTIM, SiteProfile
from humas_crawler.normalize.text import clean_text


def caption_text(paragraph: str, profile: SiteProfile = KALTIM) -> str | None:
    """The caption after a "/////FOTO :" marker, or None when the paragraph is not a caption."""
    match = profile.caption.match(paragraph)
    return clean_text(match.group("text")) if match else None


def split_signature(paragraph: str, profile: SiteProfile = KALTIM) -> tuple[str, str | None]:
    """Cut a closing reporter signature: ("... Ulu. (her/sul/hmsprov).") -> ("... Ulu.", codes)."""
    match = profile.signature.search(paragraph)
    if not match:
        return paragraph, None
    codes = "/".join(clean_text(part) for part in match.group("codes").split("/"))
    return paragraph[: match.start()].rstrip(), codes


def figcaption(layout: Layout, profile: SiteProfile = KALTIM) -> str | None:
    """The first `<figcaption>` of the article region, else its first element whose class names
    a caption (K2's `itemImageCaption`, WordPress's `wp-caption-text`), without a "Foto:"
    marker."""
    for candidates in (layout.region.iter("figcaption"), _caption_classed(layout.region)):
        for el in candidates:
            if not dom.is_inside(el, layout.excluded):
                text = dom.text_of(el)
                if text:
                    match = profile.caption.match(text)
                    return profile.caption.sub(r"\g<text>", text) if match else text
    return None


def _caption_classed(region: HtmlElement) -> Iterator[HtmlElement]:
    for el in region.iter():
        classes = el.get("class") if isinstance(el.tag, str) else None
        if classes and "caption" in classes.lower() and el.tag != "figcaption":
            yield el

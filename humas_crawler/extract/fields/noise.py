"""Blocks that never hold article content: sidebars, share bars, comments, menus."""

from __future__ import annotations

from lxml.html import HtmlElement

from humas_crawler.extract import dom
from humas_crawler.extract.fields.facts import PageFacts

# A block holding this share of the page's paragraph text is the article, whatever its name.
_ARTICLE_SHARE = 0.6


def find_noise(facts: PageFacts) -> set[HtmlElement]:
    """The profile's sidebars, nav/footer/aside/form, and blocks named with noise words."""
    profile = facts.profile
    noise: set[HtmlElement] = set()
    for css in profile.sidebar:
        noise.update(facts.select(css))
    noise.update(facts.root.iter("nav", "footer", "aside", "form"))
    words = profile.noise_words
    noise.update(el for el, named in facts.index.named if named & words)
    # The html/body elements themselves may carry words like "has-sidebar".
    noise.difference_update(facts.root.iter("html", "body"))
    # WordPress puts "tag-ikn category-x" on the post itself: keep what holds the text.
    lengths = facts.paragraph_sizes
    total = sum(lengths.values())
    if total:
        limit = _ARTICLE_SHARE * total
        noise = {el for el in noise if sum(lengths[p] for p in el.iter("p")) < limit}
    return noise


def in_sidebar(el: HtmlElement, facts: PageFacts) -> bool:
    """Whether `el` sits in an `<aside>` or a block named like a sidebar."""
    words = facts.profile.sidebar_words
    return any(
        dom.tag(a) == "aside" or dom.class_words(a) & words for a in [el, *dom.ancestors(el)]
    )

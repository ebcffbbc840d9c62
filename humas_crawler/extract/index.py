"""One pass over a parsed page: document order, class names, named blocks, and CSS over them.

Page objects ask where elements sit ("before the body?"), which classes the page uses, which
blocks are named like sidebars, and which elements the site profile's CSS selectors match.
libxml2 answers class and attribute tests in XPath at about a microsecond per element, once per
selector; one Python pass over the tree answers all of them for the page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree
from lxml.html import HtmlElement

from humas_crawler.extract import dom

# A compound selector the index answers: an optional tag, then classes and at most one id.
_COMPOUND = re.compile(r"(?P<tag>[A-Za-z][\w-]*)?(?P<rest>(?:[.#][A-Za-z_][\w-]*)*)")
_PIECE = re.compile(r"([.#])([A-Za-z_][\w-]*)")


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    classes: frozenset[str]
    ident: str | None

    @classmethod
    def parse(cls, text: str) -> _Compound | None:
        match = _COMPOUND.fullmatch(text)
        if not match or not text:
            return None
        pieces = _PIECE.findall(match.group("rest") or "")
        idents = [name for kind, name in pieces if kind == "#"]
        if len(idents) > 1:
            return None
        classes = frozenset(name for kind, name in pieces if kind == ".")
        tag = match.group("tag")
        return cls(tag.lower() if tag else None, classes, idents[0] if idents else None)

    def matches(self, el: HtmlElement, tokens: dict[HtmlElement, frozenset[str]]) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.ident is not None and el.get("id") != self.ident:
            return False
        return not self.classes or self.classes <= tokens.get(el, frozenset())


class PageIndex:
    """Document order, class tokens and named blocks of one tree, found in one pass."""

    def __init__(self, root: HtmlElement) -> None:
        self.root = root
        order: dict[HtmlElement, int] = {}
        classed: list[tuple[HtmlElement, str]] = []
        named: list[tuple[HtmlElement, frozenset[str]]] = []
        words_of = dom.words_of
        for i, el in enumerate(root.iter(etree.Element)):
            order[el] = i
            classes = el.get("class")
            ident = el.get("id")
            if classes:
                classed.append((el, classes))
                named.append((el, words_of(classes, ident or "")))
            elif ident:
                named.append((el, words_of("", ident)))
        self.order = order
        self.named = named  # (element, words of its class and id), in document order
        self._classed = classed
        # Every class name the page uses: selectors naming another one match nothing.
        self.classes = frozenset(" ".join(value for _, value in classed).split())

    @cached_property
    def _tokens(self) -> dict[HtmlElement, frozenset[str]]:
        return {el: _split_classes(value) for el, value in self._classed}

    @cached_property
    def _by_class(self) -> dict[str, list[HtmlElement]]:
        by_class: dict[str, list[HtmlElement]] = {}
        for el, names in self._tokens.items():
            for name in names:
                by_class.setdefault(name, []).append(el)
        return by_class

    def select(self, css: str) -> list[HtmlElement]:
        """Elements matching `css`, in document order.

        Descendant selectors of compound parts (`.detail .isi`, `aside`, `div.post h1`) are
        answered from the index, right to left; any other selector goes to lxml.
        """
        parts = _parse_selector(css)
        if parts is None:
            return dom.select(self.root, css, self.classes)
        *context, last = parts
        if any(c not in self.classes for p in parts for c in p.classes):
            return []  # a class the page never uses
        if last.classes:
            first = min(last.classes, key=lambda c: len(self._by_class[c]))
            candidates = self._by_class[first]
        elif last.ident is not None:
            candidates = [el for el, _ in self.named if el.get("id") == last.ident]
        else:
            candidates = list(self.root.iter(last.tag))
        found = []
        for el in candidates:
            if last.matches(el, self._tokens) and self._has_context(el, context):
                found.append(el)
        return found

    def _has_context(self, el: HtmlElement, context: list[_Compound]) -> bool:
        """Whether ancestors of `el` match `context` (outermost first), nearest ones first."""
        pending = len(context)
        anc = el.getparent()
        while pending and anc is not None:
            if context[pending - 1].matches(anc, self._tokens):
                pending -= 1
            anc = anc.getparent()
        return pending == 0


@functools.lru_cache(maxsize=256)
def _parse_selector(css: str) -> list[_Compound] | None:
    """The compound parts of a descendant selector, outermost first; None for other CSS."""
    parts = [_Compound.parse(p) for p in css.split()]
    if not parts or any(p is None for p in parts):
        return None
    return parts


@functools.lru_cache(maxsize=4096)
def _split_classes(value: str) -> frozenset[str]:
    return frozenset(value.split())

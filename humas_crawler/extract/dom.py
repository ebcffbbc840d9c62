"""Template-independent helpers over the lxml tree behind a parsel Selector."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator

from cssselect import HTMLTranslator
from lxml import etree
from lxml.html import HtmlElement

from humas_crawler.normalize.text import clean_text

# Elements whose text is never article text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "svg",
        "form",
        "button",
        "select",
        "textarea",
        "input",
        "nav",
        "footer",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
    }
)
# Elements that end a line of text (a paragraph boundary) when walking inline content.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "hr",
        "address",
        "center",
        "caption",
        "details",
        "summary",
        "fieldset",
        "legend",
        "form",
    }
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Never visible as text, wherever they are.
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "svg", "object", "embed", "canvas"}
)
_WORD_SPLIT = re.compile(r"[\s_\-]+")


def tag(el: HtmlElement) -> str:
    """Lower-case tag name; '' for comments and processing instructions."""
    return el.tag.lower() if isinstance(el.tag, str) else ""


def class_words(el: HtmlElement) -> frozenset[str]:
    """The words of an element's class and id ("post-share_box" -> {"post", "share", "box"})."""
    return words_of(el.get("class") or "", el.get("id") or "")


@functools.lru_cache(maxsize=4096)
def words_of(classes: str, ident: str) -> frozenset[str]:
    """The words of a class and an id attribute value, lower-cased."""
    # Pages repeat the same class strings on many elements: split each string once.
    return frozenset(w for w in _WORD_SPLIT.split(f"{classes} {ident}".lower()) if w)


def ancestors(el: HtmlElement) -> Iterator[HtmlElement]:
    """The element's ancestors, nearest first."""
    parent = el.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def iter_pruned(root: HtmlElement, skip: set[HtmlElement]) -> Iterator[HtmlElement]:
    """Elements under ``root`` in document order, not descending into those in ``skip``."""
    stack = [root]
    while stack:
        el = stack.pop()
        if el in skip or not isinstance(el.tag, str):
            continue
        yield el
        stack.extend(reversed(el))


def is_inside(el: HtmlElement, others: Iterable[HtmlElement]) -> bool:
    """True when ``el`` is one of ``others`` or lies inside one of them."""
    targets = others if isinstance(others, (set, frozenset)) else set(others)
    if not targets:
        return False
    if el in targets:
        return True
    return any(a in targets for a in ancestors(el))


def text_of(el: HtmlElement, limit: int | None = None) -> str:
    """Visible text of an element, whitespace collapsed, scripts and styles left out.

    Inline tags join without a space (``Sama<b>rinda</b>`` is one word); block tags and
    ``<br>`` separate. With ``limit``, texts longer than that give "" (cheaply: the walk stops
    early), for callers that only want short texts such as meta lines.
    """
    if not len(el):
        # Most elements asked (headings, links, meta lines) hold text and no child elements.
        if tag(el) in _INVISIBLE:
            return ""
        text = clean_text(el.text)
        return "" if limit is not None and len(text) > limit else text
    pieces: list[str] = []
    if limit is None:
        for piece in _texts(el):
            pieces.append(piece)
        return clean_text("".join(pieces))
    size = 0
    for piece in _texts(el):
        pieces.append(piece)
        size += len(piece.strip())
        if size > limit:
            return ""
    text = clean_text("".join(pieces))
    return text if len(text) <= limit else ""


def _texts(el: HtmlElement) -> Iterator[str]:
    # A loop over an explicit stack, not recursion: hostile pages nest thousands of levels
    # deep, past Python's recursion limit.
    stack: list[HtmlElement | str] = [el]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        name = tag(item)
        if name in _INVISIBLE:
            continue
        block = name in BLOCK_TAGS or name == "br"
        if block:
            yield " "
        if item.text:
            yield item.text
        if block:
            stack.append(" ")
        for child in reversed(item):
            if child.tail:
                stack.append(child.tail)
            if isinstance(child.tag, str):
                stack.append(child)


def iter_lines(el: HtmlElement, skip: set[HtmlElement] | frozenset = frozenset()) -> Iterator[str]:
    """Lines of text in document order, broken at <br> and at block elements.

    This reads `<p>` paragraphs, `<div>` paragraphs and text separated by `<br><br>` (old
    table layouts) alike. Elements in ``skip`` and non-text elements are left out.
    """
    buf: list[str] = []

    def flush() -> Iterator[str]:
        line = clean_text("".join(buf))
        buf.clear()
        if line:
            yield line

    # An explicit stack (not recursion, see _texts): elements to walk, texts (tails) to add,
    # and None where a block element ends a line.
    stack: list[HtmlElement | str | None] = [el]
    while stack:
        item = stack.pop()
        if item is None:
            yield from flush()
            continue
        if isinstance(item, str):
            buf.append(item)
            continue
        name = tag(item)
        if name in SKIP_TAGS or item in skip:
            continue
        block = name in BLOCK_TAGS
        if block or name == "br":
            yield from flush()
        if name != "br" and name and item.text:
            buf.append(item.text)
        if block:
            stack.append(None)
        for child in reversed(item):
            if child.tail:
                stack.append(child.tail)
            if isinstance(child.tag, str):
                stack.append(child)
    yield from flush()


def json_ld_objects(root: HtmlElement) -> list[dict]:
    """Every JSON-LD object on the page, @graph members flattened; bad JSON is skipped."""
    found: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            # Broken JSON-LD is common on CMS pages; the visible page still has the fields.
            # (Arrays nested thousands deep exhaust the json module's recursion.)
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
            elif isinstance(item, list):
                stack.extend(item)
    return found


def json_ld_types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k for k in kinds if isinstance(k, str)}


_SIMPLE_CSS = re.compile(r"[\w.#-]+")
_ANY_STEP = "descendant-or-self::"


@functools.lru_cache(maxsize=256)
def _compiled_css(css: str) -> etree.XPath:
    """`css` as an XPath; descendant selectors of simple parts ("a b c") are matched from the
    right, as browsers do.

    cssselect writes ".a .b" as "every element with class a, then each of its descendants with
    class b", which tests b's class on every descendant of every a (libxml2's class tests are
    slow). "Elements with class b that have an ancestor with class a" selects the same elements,
    in the same order, testing a only on the few b's.
    """
    parts = css.split()
    translator = HTMLTranslator()
    if len(parts) < 2 or not all(_SIMPLE_CSS.fullmatch(part) for part in parts):
        return etree.XPath(translator.css_to_xpath(css))
    steps = [translator.css_to_xpath(part).removeprefix(_ANY_STEP) for part in parts]
    path = steps[0]
    for step in steps[1:]:
        path = f"{step}[ancestor::{path}]"
    return etree.XPath(_ANY_STEP + path)


_CLASS_IN_CSS = re.compile(r"\.([A-Za-z_][\w-]*)")


def page_classes(root: HtmlElement) -> frozenset[str]:
    """Every class name used on the page."""
    # One XPath call returning the attribute strings (libxml2 walks the tree, not Python).
    return frozenset(" ".join(_CLASS_VALUES(root)).split())


def select(root: HtmlElement, css: str, classes: frozenset[str] | None = None) -> list[HtmlElement]:
    """Elements matching a CSS selector (compiled once per selector: profiles reuse them).

    With the page's ``classes``, a selector naming a class the page does not use is answered
    without evaluating it (most profile guesses match nothing, and XPath class tests are slow).
    """
    if classes is not None and any(c not in classes for c in _CLASS_IN_CSS.findall(css)):
        return []
    return [el for el in _compiled_css(css)(root) if isinstance(el, HtmlElement)]


_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)


@functools.lru_cache(maxsize=64)
def _compiled(path: str) -> etree.XPath:
    return etree.XPath(path, smart_strings=False)


def first_string(root: HtmlElement, path: str) -> str | None:
    """The first string an XPath (`//base/@href`) gives, or None: parsel's `.xpath(path).get()`
    without building a Selector per result."""
    for value in _compiled(path)(root):
        if isinstance(value, str):
            return value
        return etree.tostring(value, encoding="unicode", with_tail=False)
    return None

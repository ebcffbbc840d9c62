"""Pages nested deeper than libxml2 parses: rewritten so that nothing is lost.

libxml2 (lxml, parsel) stops parsing at about 2,048 levels of nesting, even with `huge_tree`:
everything after that point is silently missing from the tree. Browsers do not lose it. A page
whose parse was cut is parsed again from a rewritten copy:

- a run of identical start tags (`<div><div><div>...`, the usual shape of such nesting) is
  one element, closed by the last of its end tags;
- elements still opened deeper than 512 levels are put beside each other instead of inside
  one another, as Chromium does (an element opened at that depth first closes the one
  opened there before it).

Every piece of text is kept, in order; pages that parse whole are never touched.
"""

from __future__ import annotations

import re
import threading

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

# Chromium's limit (kMaximumHTMLParserDOMTreeDepth); far below libxml2's.
MAX_DEPTH = 512
# A parse whose last element sits this deep was most probably cut by libxml2's limit.
_CUT_DEPTH = 1024
# How far up the open elements an end tag looks for its start tag (hostile pages may hold
# thousands of stray end tags; browsers look up the whole stack, which costs O(depth) each).
_MATCH_WINDOW = 64

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Elements whose content is raw text: kept verbatim, whatever their depth.
_RAW = frozenset(
    ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"]
)
# Elements a start tag of the same name closes (`<p>a<p>b`, `<li>a<li>b`).
_SAME_NAME_CLOSES = frozenset(["p", "li", "dt", "dd", "option", "tr", "td", "th"])
# Elements whose end is a line break in the text (a collapsed run keeps its lines apart).
_BLOCK = frozenset({"div", "p", "li", "section", "article", "blockquote", "center", "td", "tr"})
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment (verbatim)
    r"|<[!?][^>]*>?"  # doctype, processing instruction (verbatim)
    r"|<(?P<end>/?)(?P<name>[A-Za-z][^\s/>]*)[^>]*>",  # start or end tag
    re.S,
)


def is_cut(root: HtmlElement) -> bool:
    """True when the parse most probably stopped at libxml2's depth limit.

    A cut parse ends at its deepest point, so the last element in document order (found by
    following last children, O(depth)) sits more than a thousand levels down.
    """
    depth = 0
    el = root
    while len(el):
        el = el[-1]
        depth += 1
        if depth >= _CUT_DEPTH:
            return True
    return False


def parse_page(html: str | bytes | Selector) -> Selector:
    """A page's Selector, parsed whole: what page objects build theirs with."""
    if isinstance(html, Selector):
        # parsel keeps the text it parsed (not public API: without it, no second parse).
        return reparse_if_cut(html, getattr(html, "_text", None))
    if isinstance(html, bytes):
        return reparse_if_cut(Selector(body=html, type="html"), html)
    return reparse_if_cut(html_selector(html), html)


def reparse_if_cut(selector: Selector, text: str | bytes | None) -> Selector:
    """`selector`, or when its parse was cut by the depth limit, one of `text` flattened."""
    if text is None or not is_cut(selector.root):
        return selector
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")  # as parsel reads undeclared bytes
    return html_selector(flatten(text))


_local = threading.local()


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser (a parser serves one thread at a time; each is reused).

    It is parsel's parser (recover, UTF-8, huge_tree) with one difference: every element is an
    `HtmlElement`. lxml.html's own class lookup runs Python code each time lxml hands an element
    to Python, a third of the cost of walking a tree; this lookup stays in C. Only the
    per-tag subclasses lxml.html adds for forms and inputs are lost, and nothing here uses them.
    """
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=HtmlElement))
        _local.parser = parser
    return parser


def html_selector(text: str) -> Selector:
    """A Selector over `text` parsed as parsel would (`Selector(text=..., type="html")`)."""
    body = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = _parser()
    root = etree.fromstring(body, parser=parser)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser)
    return Selector(root=root, type="html")


def flatten(text: str, max_depth: int = MAX_DEPTH) -> str:
    """`text` with runs of identical start tags made one element and the elements opened
    deeper than `max_depth` made siblings (see the module docstring)."""
    return _Flattener(max_depth).run(text)


class _Open:
    """An open element: its name, whether it was opened past the depth limit, and how many
    identical start tags in a row it stands for."""

    __slots__ = ("count", "name", "overflow")

    def __init__(self, name: str, overflow: bool) -> None:
        self.name = name
        self.overflow = overflow
        self.count = 1


class _Flattener:
    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.out: list[str] = []
        self.stack: list[_Open] = []
        # Elements past max_depth closed early (to open their next sibling): the end tags the
        # page wrote for them are dropped, or they would close elements further up.
        self.closed_early: dict[str, int] = {}
        self.last_start: str | None = None  # the previous token, if a start tag
        self.broke = False  # the last thing written is a line break of ours

    def run(self, text: str) -> str:
        position = 0
        while match := _TOKEN.search(text, position):
            between = text[position : match.start()]
            self.out.append(between)
            if between.strip():
                self.last_start = None
                self.broke = False
            position = match.end()
            name = (match.group("name") or "").lower()
            source = match.group(0)
            if not name:
                self.out.append(source)  # comment, doctype: left as they are
                continue
            if match.group("end"):
                self._write(self._end_tag(name, source))
            elif name in _RAW:
                # Kept whole (a leaf), so that a script's text never becomes page text.
                close = re.compile(rf"</{name}\s*>", re.I).search(text, position)
                position = close.end() if close else len(text)
                self._write(source + text[match.end() : position])
            else:
                self._start_tag(name, source)
                continue
            self.last_start = None
        self.out.append(text[position:])
        return "".join(self.out)

    def _write(self, markup: str) -> None:
        if markup:
            self.out.append(markup)
            self.broke = False

    def _start_tag(self, name: str, source: str) -> None:
        stack = self.stack
        top = stack[-1] if stack else None
        if top is not None and top.name == name:
            if name in _SAME_NAME_CLOSES:
                self._close(len(stack) - 1)  # `<p>a<p>b`: the parser closes the first p
            elif source == self.last_start:
                top.count += 1  # `<div><div>`: one element, its last end tag closes it
                return
        if name in _VOID:
            self._write(source)
            self.last_start = None
            return
        if len(stack) >= self.max_depth and stack[-1].overflow:
            closed = stack.pop()
            self._write(f"</{closed.name}>")
            self.closed_early[closed.name] = self.closed_early.get(closed.name, 0) + closed.count
        stack.append(_Open(name, len(stack) >= self.max_depth))
        self._write(source)
        self.last_start = source

    def _end_tag(self, name: str, source: str) -> str:
        stack = self.stack
        if stack and stack[-1].overflow and stack[-1].name == name:
            return self._close(len(stack) - 1, source)
        if self.closed_early.get(name):
            # In the page, this end tag closes the innermost open element of that name: one of
            # those closed early, which were all opened inside the ones still open.
            self.closed_early[name] -= 1
            return ""
        for index in range(len(stack) - 1, max(len(stack) - _MATCH_WINDOW, 0) - 1, -1):
            if stack[index].name == name:
                return self._close(index, source)
        return source  # stray: the parser ignores it as it always did

    def _close(self, index: int, source: str = "") -> str:
        """An end tag (`source`, "" for an implied one) for stack[index]; those above it close
        with it. Returns what to write."""
        del self.stack[index + 1 :]
        element = self.stack[index]
        element.count -= 1
        if not element.count:
            self.stack.pop()
            return source
        # Not the last end tag of a run: it closes nothing, but keeps in separate lines what
        # it separated (`<div><div>a</div>b</div>`).
        if element.name in _BLOCK and not self.broke:
            self.broke = True
            self.out.append("<br>")
        return ""

"""Pages nested deeper than libxml2 parses: flattened past a browser's depth, nothing lost.

libxml2 (lxml, parsel) stops parsing at about 2,048 levels of nesting, even with `huge_tree`:
everything after that point is silently missing from the tree. Browsers do not lose it:
Chromium puts the elements deeper than 512 levels beside each other instead of inside one
another. A page whose parse was cut is parsed again from a copy rewritten the same way (an
element opened at that depth first closes the one opened there before it), so every element
and every piece of text is kept, in order. Pages that parse whole are never touched.
"""

from __future__ import annotations

import re

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


def reparse_if_cut(selector: Selector, text: str | bytes | None) -> Selector:
    """`selector`, or when its parse was cut by the depth limit, one of `text` flattened."""
    if text is None or not is_cut(selector.root):
        return selector
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")  # as parsel reads undeclared bytes
    return Selector(text=flatten(text), type="html")


def flatten(text: str, max_depth: int = MAX_DEPTH) -> str:
    """`text` with elements opened deeper than `max_depth` made siblings, as Chromium does."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, opened past max_depth)
    # Elements past max_depth that were closed early (to open their next sibling): the end
    # tags the page wrote for them are dropped, or they would close elements further up.
    closed_early: dict[str, int] = {}
    position = 0
    while match := _TOKEN.search(text, position):
        out.append(text[position : match.start()])
        position = match.end()
        name = (match.group("name") or "").lower()
        if not name:
            out.append(match.group(0))  # comment, doctype: left as they are
            continue
        if name in _RAW and not match.group("end"):
            # Kept whole (a leaf), so that a script's text never becomes page text.
            close = re.compile(rf"</{name}\s*>", re.I).search(text, position)
            position = close.end() if close else len(text)
            out.append(match.group(0) + text[match.end() : position])
            continue
        if match.group("end"):
            out.append(_end_tag(stack, closed_early, name, match.group(0)))
            continue
        if name in _SAME_NAME_CLOSES and stack and stack[-1][0] == name:
            stack.pop()  # `<p>a<p>b`: the parser closes the first p itself
        if name in _VOID:
            out.append(match.group(0))
            continue
        if len(stack) >= max_depth and stack[-1][1]:
            closed, _ = stack.pop()
            out.append(f"</{closed}>")
            closed_early[closed] = closed_early.get(closed, 0) + 1
        stack.append((name, len(stack) >= max_depth))
        out.append(match.group(0))
    out.append(text[position:])
    return "".join(out)


def _end_tag(
    stack: list[tuple[str, bool]], closed_early: dict[str, int], name: str, source: str
) -> str:
    if stack and stack[-1] == (name, True):
        stack.pop()
        return source
    if closed_early.get(name):
        # In the page, this end tag closes the innermost open element of that name: one of
        # those closed early, which were all opened inside the ones still open.
        closed_early[name] -= 1
        return ""
    for index in range(len(stack) - 1, max(len(stack) - _MATCH_WINDOW, 0) - 1, -1):
        if stack[index][0] == name:
            del stack[index:]
            break
    return source  # matched or stray: the parser reads it as it always did

"""An article's history as one HTML page, the way a journalist reads it: each revision's title
change, the body's words struck through and inserted, removals and returns, and a link to every
capture. Served by the Datasette plugin of `browse` (humas_crawler/datasette/plugins)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from humas_crawler.revisions.diff import diff_revisions
from humas_crawler.revisions.rows import revision_fields

_STYLE = """
body { font-family: Georgia, serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.55; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.url { font-family: monospace; font-size: .85rem; color: #555; word-break: break-all; }
.revision { border-top: 1px solid #ccc; margin-top: 1.5rem; padding-top: .8rem; }
.meta { font-family: sans-serif; font-size: .85rem; color: #555; }
.trivial { color: #777; font-style: italic; }
.event { font-family: sans-serif; margin-top: 1.2rem; padding: .4rem .6rem; background: #fff4e5; }
.removed-banner { background: #fde2e2; padding: .5rem .8rem; font-family: sans-serif; }
del { background: #fde2e2; color: #8a1c1c; text-decoration: line-through; }
ins { background: #e2f5e2; color: #1c5e1c; text-decoration: none; }
"""


def history_html(
    article: Mapping[str, Any],
    revisions: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    *,
    capture_link: Callable[[int], str],
    table_link: str | None = None,
) -> str:
    """The whole page. `capture_link(capture_id)` is where a capture's row is shown."""
    title = article.get("title") or article.get("url") or "(no title)"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="id"><head><meta charset="utf-8">',
        f"<title>History: {escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="url"><a href="{escape(article["url"])}">{escape(article["url"])}</a></p>',
    ]
    if article.get("removed_at"):
        parts.append(
            '<p class="removed-banner">Removed from the site since '
            f"{escape(article['removed_at'])}; the archived text stays.</p>"
        )
    parts.append(f'<p class="meta">{len(revisions)} revision(s)')
    if table_link:
        parts.append(f' · <a href="{escape(table_link)}">article row</a>')
    parts.append("</p>")
    others = sorted(
        (e for e in events if e.get("kind") != "changed"), key=lambda e: (e["at"], e["id"])
    )
    previous: Mapping[str, Any] | None = None
    for row in revisions:
        while others and others[0]["at"] <= row["fetched_at"]:
            parts.append(_event(others.pop(0)))
        parts.append(_revision(previous, row, capture_link))
        previous = row
    parts.extend(_event(event) for event in others)
    parts.append("</body></html>")
    return "\n".join(parts)


def _revision(
    previous: Mapping[str, Any] | None, row: Mapping[str, Any], capture_link: Callable[[int], str]
) -> str:
    capture = row.get("capture_id")
    link = f' · <a href="{escape(capture_link(capture))}">capture {capture}</a>' if capture else ""
    head = (
        f'<section class="revision" id="r{row["revision"]}"><h2>Revision {row["revision"]}</h2>'
        f'<p class="meta">fetched {escape(row["fetched_at"])}{link}</p>'
    )
    fields = revision_fields(row)
    if previous is None:
        body = "".join(
            f"<p>{escape(paragraph)}</p>"
            for paragraph in (fields["body_text"] or "").split("\n\n")
            if paragraph.strip()
        )
        meta = (
            f'<p class="meta">{escape(fields["category"] or "(no category)")} · '
            f"{escape(fields['published_at'] or '(no date)')}</p>"
        )
        return f"{head}<h3>{escape(fields['title'] or '')}</h3>{meta}{body}</section>"
    diff = diff_revisions(revision_fields(previous), fields)
    # to_html() opens with the one-line summary.
    kind = ' class="trivial"' if diff.trivial else ""
    return f"{head}<div{kind}>{diff.to_html()}</div></section>"


def _event(event: Mapping[str, Any]) -> str:
    if event.get("kind") == "removed":
        what = f"Removed from the site: {escape(event.get('detail') or 'gone')}"
    else:
        what = "Back on the site"
    return f'<p class="event">{escape(event["at"])} · {what}</p>'

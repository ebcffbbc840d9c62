"""What changed between two revisions of an article, sentence by sentence.

A press office edits an article in place: a figure corrected, a paragraph added, a name
fixed, quotes made curly. Readers of the history and the feeds want those edits as a reader
would describe them, so the body is compared as a list of sentences (`text.split_sentences`)
and each changed sentence is shown word by word. Edits that change no word, figure or symbol
(`text.is_trivial`) are shown but never make a revision count as a real change.

Alignment is difflib's: `SequenceMatcher` over the two sentence lists (no autojunk, since a
sentence repeated in an article is content, not noise). In a replaced stretch, removed and
added sentences that share at least half their words (`SIMILAR`) are paired, in reading order,
as edits; a sentence removed in one place and added again elsewhere, equal but for trivial
differences, is one move; one added elsewhere with a few words changed (`SIMILAR_ELSEWHERE`) is
an edit where it now stands.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from humas_crawler.revisions.text import comparison_key, is_trivial, split_sentences

# Share of words (difflib ratio over `comparison_key`s) from which a removed and an added
# sentence are one edited sentence rather than a removal and an addition.
SIMILAR = 0.5
# The same for a removed and an added sentence in different places: moved and edited at once.
SIMILAR_ELSEWHERE = 0.8

OPS = ("added", "removed", "edited", "moved")
WORD_OPS = ("equal", "insert", "delete")


@dataclass(frozen=True)
class SentenceChange:
    """One changed sentence. `old` is None for "added", `new` is None for "removed"; a "moved"
    sentence has both (they differ at most trivially). `words` is set for "edited" only: the
    new sentence in runs, `("delete", text)` before `("insert", text)` where they replace."""

    op: str
    old: str | None
    new: str | None
    words: tuple[tuple[str, str], ...] = ()

    @property
    def trivial(self) -> bool:
        """An edit of whitespace, punctuation, case or typographic variants only."""
        return self.op == "edited" and is_trivial(self.old, self.new)


@dataclass(frozen=True)
class RevisionDiff:
    """The difference between two revisions. `title`, `category` and `published_at` are
    `(old, new)` when they differ at all (a trivially retitled article has `title` set and is
    still `trivial`); `sentences` lists the body's changes in reading order.

    `score` is the share of the text rewritten, 0..1: one minus difflib's ratio over the words
    and figures (`comparison_key` tokens) of title and body, where words count as kept when
    they are in an unchanged, moved or trivially edited sentence, or in what an edited sentence
    kept. A move or a recategorization rewrites nothing: they are non-trivial with score 0.

    `body_changed` says whether the stored bodies differ at all, paragraph breaks included,
    which the sentence list does not show."""

    title: tuple[str, str] | None
    category: tuple[str | None, str | None] | None
    published_at: tuple[str | None, str | None] | None
    sentences: tuple[SentenceChange, ...]
    score: float
    trivial: bool
    body_changed: bool = False

    def counts(self) -> dict[str, int]:
        """How many sentences were added, removed, edited and moved (all four keys)."""
        found = dict.fromkeys(OPS, 0)
        for change in self.sentences:
            found[change.op] += 1
        return found

    def to_json(self) -> dict[str, Any]:
        """The diff as JSON-ready data: title, category and published_at as `[old, new]` or
        None, the sentence changes without their word runs, and the score."""
        return {
            "title": list(self.title) if self.title else None,
            "category": list(self.category) if self.category else None,
            "published_at": list(self.published_at) if self.published_at else None,
            "sentences": [
                {"op": change.op, "old": change.old, "new": change.new} for change in self.sentences
            ],
            "score": self.score,
        }

    def summary(self) -> str:
        """One line for a listing or a feed entry's title: what changed, counted."""
        if self.trivial:
            visible = self.title or self.sentences or self.body_changed
            return "punctuation and spacing only" if visible else "no visible change"
        fields = [
            name
            for name, value in (
                ("title", self.title),
                ("category", self.category),
                ("publication date", self.published_at),
            )
            if value
        ]
        parts = []
        if fields:
            parts.append(_join_names(fields) + " changed")
        counted = [(n, op) for op, n in self.counts().items() if n]
        if counted:
            first, *rest = counted
            noun = "sentence" if first[0] == 1 else "sentences"
            words = [f"{first[0]} {noun} {first[1]}", *(f"{n} {op}" for n, op in rest)]
            parts.append(", ".join(words))
        return "; ".join(parts) or "no visible change"

    def to_html(self) -> str:
        """A self-contained HTML fragment for a feed entry: the summary, field changes, then
        each sentence change, words marked with `<del>`/`<ins>`. Every text is escaped; there
        is no script, style or attribute but `class`."""
        out = ['<div class="revision-diff">']
        out.append(f'<p class="revision-summary">{_esc(self.summary())}</p>')
        if self.title:
            runs = _runs_html(word_runs(*self.title))
            out.append(f'<p class="revision-title">Title: {runs}</p>')
        for label, value in (("Category", self.category), ("Published", self.published_at)):
            if value:
                old, new = (_esc(v) if v is not None else "(none)" for v in value)
                out.append(
                    f'<p class="revision-field">{label}: <del>{old}</del> → <ins>{new}</ins></p>'
                )
        if self.sentences:
            out.append('<ul class="revision-sentences">')
            for change in self.sentences:
                out.append(f'<li class="{_esc(change.op)}">{_change_html(change)}</li>')
            out.append("</ul>")
        out.append("</div>")
        return "\n".join(out)

    def to_text(self, color: bool = False) -> str:
        """Lines for a terminal: `+ added`, `- removed`, `~ edited` with `[-old-]{+new+}` word
        marks, `> moved`; field changes first. ANSI colors too when `color`. The summary when
        there is nothing to show line by line. Control characters of the texts (a page's stray
        escape sequence) are shown as U+FFFD, so only our colors reach the terminal."""
        paint = _ansi if color else _plain
        lines = []
        if self.title:
            lines.append("~ title: " + _runs_text(word_runs(*self.title), paint))
        for label, value in (("category", self.category), ("published", self.published_at)):
            if value:
                old, new = (_safe(v) if v is not None else "(none)" for v in value)
                lines.append(f"~ {label}: {paint(old, RED)} -> {paint(new, GREEN)}")
        for change in self.sentences:
            if change.op == "added":
                lines.append(paint(f"+ {_safe(change.new or '')}", GREEN))
            elif change.op == "removed":
                lines.append(paint(f"- {_safe(change.old or '')}", RED))
            elif change.op == "moved":
                lines.append(paint(f"> {_safe(change.new or '')}", CYAN))
            else:
                lines.append("~ " + _runs_text(change.words, paint))
        return "\n".join(lines) if lines else self.summary()


_CONTROL = str.maketrans(
    dict.fromkeys([*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0)], "\ufffd")
)


def _safe(text: str) -> str:
    """`text` with no control character left to drive a terminal (tabs kept)."""
    return text.translate(_CONTROL)


# --- comparing ----------------------------------------------------------------------------------


def diff_revisions(old: Mapping[str, Any], new: Mapping[str, Any]) -> RevisionDiff:
    """Compare two revisions, each a mapping with `title`, `category`, `published_at` and
    `body_text` (any missing or None)."""
    old_title, new_title = old.get("title") or "", new.get("title") or ""
    title = (old_title, new_title) if old_title != new_title else None
    category = _pair_if_changed(old.get("category"), new.get("category"))
    published_at = _pair_if_changed(old.get("published_at"), new.get("published_at"))
    old_body, new_body = old.get("body_text") or "", new.get("body_text") or ""

    a, a_keys = _sentences(old_body)
    b, b_keys = _sentences(new_body)
    changes, kept, trivial_body = _diff_sentences(a, a_keys, b, b_keys)

    old_title_key, new_title_key = comparison_key(old_title), comparison_key(new_title)
    kept += _kept(old_title_key, new_title_key)
    total = len(old_title_key) + len(new_title_key)
    total += sum(map(len, a_keys)) + sum(map(len, b_keys))
    score = min(1.0, max(0.0, 1.0 - 2.0 * kept / total)) if total else 0.0

    trivial = (
        trivial_body
        and category is None
        and published_at is None
        and (title is None or old_title_key == new_title_key)
    )
    return RevisionDiff(
        title=title,
        category=category,
        published_at=published_at,
        sentences=tuple(changes),
        score=score,
        trivial=trivial,
        body_changed=old_body != new_body,
    )


def _pair_if_changed(old: str | None, new: str | None) -> tuple[str | None, str | None] | None:
    return (old, new) if old != new else None


@lru_cache(maxsize=64)
def _sentences(body: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A body's sentences and their comparison keys. Cached: a history diffs each revision
    against the one before and the one after, so every body is read twice."""
    sentences = tuple(split_sentences(body))
    return sentences, tuple(map(_sentence_key, sentences))


@lru_cache(maxsize=4096)
def _sentence_key(sentence: str) -> tuple[str, ...]:
    """Cached too: two revisions share most of their sentences, and a history shares them
    across all its revisions."""
    return comparison_key(sentence)


def _kept(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if a == b:
        return len(a)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _diff_sentences(
    a: tuple[str, ...],
    a_keys: tuple[tuple[str, ...], ...],
    b: tuple[str, ...],
    b_keys: tuple[tuple[str, ...], ...],
) -> tuple[list[SentenceChange], int, bool]:
    """The sentence changes in reading order, the words kept, and whether every change is a
    trivial edit."""
    if a == b:
        return [], sum(map(len, a_keys)), True
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    kept = sum(sum(map(len, a_keys[i1:i2])) for tag, i1, i2, _, _ in opcodes if tag == "equal")
    blocks = [op[1:] for op in opcodes if op[0] != "equal"]
    # New index -> (old index, words kept) of the sentences that left their place.
    relocated = {j: (i, len(b_keys[j])) for j, i in _moves(blocks, a_keys, b_keys).items()}
    moved_from = _olds(relocated)
    edits_in_place = []
    for i1, i2, j1, j2 in blocks:
        rest_a = [i for i in range(i1, i2) if i not in moved_from]
        rest_b = [j for j in range(j1, j2) if j not in relocated]
        edits_in_place.append(_pair_edits(rest_a, rest_b, a_keys, b_keys))
    relocated.update(_edited_elsewhere(blocks, edits_in_place, relocated, a_keys, b_keys))
    relocated_from = _olds(relocated)

    changes: list[SentenceChange] = []
    trivial = True

    def edited(i: int, j: int, matches: int) -> None:
        nonlocal kept, trivial
        changes.append(SentenceChange("edited", a[i], b[j], word_runs(a[i], b[j])))
        kept += matches
        trivial = trivial and a_keys[i] == b_keys[j]

    def removed(start: int, end: int) -> None:
        nonlocal trivial
        for i in range(start, end):
            if i not in relocated_from:
                changes.append(SentenceChange("removed", a[i], None))
                trivial = False

    def added(start: int, end: int) -> None:
        nonlocal kept, trivial
        for j in range(start, end):
            if j not in relocated:
                changes.append(SentenceChange("added", None, b[j]))
                trivial = False
                continue
            i, matches = relocated[j]
            if a_keys[i] == b_keys[j]:
                changes.append(SentenceChange("moved", a[i], b[j]))
                kept += matches
                trivial = False
            else:
                edited(i, j, matches)
                trivial = False

    for (i1, i2, j1, j2), pairs in zip(blocks, edits_in_place, strict=True):
        i_at, j_at = i1, j1
        for i, j, matches in pairs:
            removed(i_at, i)
            added(j_at, j)
            edited(i, j, matches)
            i_at, j_at = i + 1, j + 1
        removed(i_at, i2)
        added(j_at, j2)
    return changes, kept, trivial


def _olds(relocated: dict[int, tuple[int, int]]) -> set[int]:
    return {i for i, _ in relocated.values()}


def _moves(
    blocks: list[tuple[int, int, int, int]],
    a_keys: tuple[tuple[str, ...], ...],
    b_keys: tuple[tuple[str, ...], ...],
) -> dict[int, int]:
    """New index -> old index of the sentences that moved: removed in one changed stretch and
    added, equal up to trivial differences, in another. Within one stretch a trivially equal
    pair is an edit in place, not a move. Sentences of punctuation only never move."""
    added_at: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for block, (_, _, j1, j2) in enumerate(blocks):
        for j in range(j1, j2):
            if b_keys[j]:
                added_at.setdefault(b_keys[j], []).append((block, j))
    moved_to: dict[int, int] = {}
    for block, (i1, i2, _, _) in enumerate(blocks):
        for i in range(i1, i2):
            for other, j in added_at.get(a_keys[i], ()):
                if other != block and j not in moved_to:
                    moved_to[j] = i
                    break
    return moved_to


def _edited_elsewhere(
    blocks: list[tuple[int, int, int, int]],
    edits_in_place: list[list[tuple[int, int, int]]],
    relocated: dict[int, tuple[int, int]],
    a_keys: tuple[tuple[str, ...], ...],
    b_keys: tuple[tuple[str, ...], ...],
) -> dict[int, tuple[int, int]]:
    """New index -> (old index, words kept) of sentences moved and edited at once: removed in
    one changed stretch, added in another, sharing at least `SIMILAR_ELSEWHERE` of their words.
    Shown as an edit where the sentence now stands, rather than as a removal and an addition.
    The bar is higher than within a stretch: press prose repeats its phrases, and a pairing
    across the article is a stronger claim than one in place."""
    taken_a = _olds(relocated) | {i for pairs in edits_in_place for i, _, _ in pairs}
    taken_b = set(relocated) | {j for pairs in edits_in_place for _, j, _ in pairs}
    left_a = [(n, i) for n, (i1, i2, _, _) in enumerate(blocks) for i in range(i1, i2)]
    left_b = [(n, j) for n, (_, _, j1, j2) in enumerate(blocks) for j in range(j1, j2)]
    left_a = [(n, i) for n, i in left_a if i not in taken_a]
    left_b = [(n, j) for n, j in left_b if j not in taken_b]
    found: dict[int, tuple[int, int]] = {}
    for block, i in left_a:
        best: tuple[float, int, int] | None = None
        for other, j in left_b:
            if other == block or j in found:
                continue
            similar = _similarity(a_keys[i], b_keys[j], SIMILAR_ELSEWHERE)
            if similar and (best is None or similar[0] > best[0]):
                best = (similar[0], j, similar[1])
        if best:
            found[best[1]] = (i, best[2])
    return found


def _pair_edits(
    rest_a: list[int],
    rest_b: list[int],
    a_keys: tuple[tuple[str, ...], ...],
    b_keys: tuple[tuple[str, ...], ...],
) -> list[tuple[int, int, int]]:
    """The (old, new, words kept) pairs of a replaced stretch that are one edited sentence:
    similar enough, in reading order (pairs never cross), most similar overall."""
    if not rest_a or not rest_b:
        return []
    n, m = len(rest_a), len(rest_b)
    similar: dict[tuple[int, int], tuple[float, int]] = {}
    for x, i in enumerate(rest_a):
        for y, j in enumerate(rest_b):
            found = _similarity(a_keys[i], b_keys[j])
            if found:
                similar[x, y] = found
    if not similar:
        return []
    # best[x][y]: the best total similarity pairing rest_a[x:] with rest_b[y:].
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            value = max(best[x + 1][y], best[x][y + 1])
            if (x, y) in similar:
                value = max(value, similar[x, y][0] + best[x + 1][y + 1])
            best[x][y] = value
    pairs = []
    x = y = 0
    while x < n and y < m:
        found = similar.get((x, y))
        if found and best[x][y] == found[0] + best[x + 1][y + 1]:
            pairs.append((rest_a[x], rest_b[y], found[1]))
            x, y = x + 1, y + 1
        elif best[x][y] == best[x + 1][y]:
            x += 1
        else:
            y += 1
    return pairs


def _similarity(
    a: tuple[str, ...], b: tuple[str, ...], least: float = SIMILAR
) -> tuple[float, int] | None:
    """(ratio, words kept) when two sentences share at least `least` of their words."""
    if a == b:
        return 1.0, len(a)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < least or matcher.quick_ratio() < least:
        return None
    kept = sum(block.size for block in matcher.get_matching_blocks())
    ratio = 2.0 * kept / (len(a) + len(b))
    return (ratio, kept) if ratio >= least else None


# --- words ------------------------------------------------------------------------------------

# Display tokens: numbers with their separators (`5,2`, `12.500` change as one), words, runs of
# whitespace, and every other character alone, so `Rp 5 miliar` -> `Rp 50 miliar` marks `5`.
_DISPLAY_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\s+|.", re.DOTALL)


def word_runs(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """`new` as ("equal" | "delete" | "insert", text) runs against `old`, in reading order.

    Joining the equal and insert runs gives `new`; joining equal and delete runs gives `old`
    except that equal runs carry `new`'s kind of whitespace. A space between two changed words
    joins them into one change (`[-a b-]{+x y+}`, not `[-a-]{+x+} [-b-]{+y+}`).
    """
    a, b = _DISPLAY_TOKEN.findall(old), _DISPLAY_TOKEN.findall(new)
    a_cmp = [" " if t.isspace() else t for t in a]
    b_cmp = [" " if t.isspace() else t for t in b]
    segments: list[tuple[bool, str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a_cmp, b_cmp, autojunk=False).get_opcodes():
        segments.append((tag != "equal", "".join(a[i1:i2]), "".join(b[j1:j2])))
    merged: list[list[Any]] = []
    for k, (changed, old_text, new_text) in enumerate(segments):
        between_changes = 0 < k < len(segments) - 1 and segments[k - 1][0] and segments[k + 1][0]
        if not changed and between_changes and new_text.isspace():
            changed = True
        if changed and merged and merged[-1][0]:
            merged[-1][1] += old_text
            merged[-1][2] += new_text
        else:
            merged.append([changed, old_text, new_text])
    runs: list[tuple[str, str]] = []
    for changed, old_text, new_text in merged:
        if not changed:
            runs.append(("equal", new_text))
            continue
        if old_text:
            runs.append(("delete", old_text))
        if new_text:
            runs.append(("insert", new_text))
    return tuple(runs)


# --- rendering ----------------------------------------------------------------------------------

RED, GREEN, CYAN = "31", "32", "36"


def _ansi(text: str, code: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m"


def _plain(text: str, code: str) -> str:
    return text


def _runs_text(runs: tuple[tuple[str, str], ...], paint: Any) -> str:
    out = []
    for op, raw in runs:
        text = _safe(raw)
        if op == "delete":
            out.append(paint(f"[-{text}-]", RED))
        elif op == "insert":
            out.append(paint(f"{{+{text}+}}", GREEN))
        else:
            out.append(text)
    return "".join(out)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _runs_html(runs: tuple[tuple[str, str], ...]) -> str:
    out = []
    for op, text in runs:
        if op == "delete":
            out.append(f"<del>{_esc(text)}</del>")
        elif op == "insert":
            out.append(f"<ins>{_esc(text)}</ins>")
        else:
            out.append(_esc(text))
    return "".join(out)


def _change_html(change: SentenceChange) -> str:
    if change.op == "added":
        return f"<ins>{_esc(change.new or '')}</ins>"
    if change.op == "removed":
        return f"<del>{_esc(change.old or '')}</del>"
    if change.op == "moved":
        return f"<em>moved:</em> {_esc(change.new or '')}"
    return _runs_html(change.words)


def _join_names(names: list[str]) -> str:
    """["title"] -> "title"; ["title", "category"] -> "title and category"; three with commas."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]

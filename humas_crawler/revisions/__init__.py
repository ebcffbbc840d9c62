"""What changed between two revisions of an article, and the feeds that announce it.

Pure functions over texts and rows (no SQL, no Scrapy): `text` splits Indonesian press prose into
sentences and tells trivial edits apart, `diff` compares two revisions sentence by sentence.
"""

from __future__ import annotations

from humas_crawler.revisions.diff import RevisionDiff, SentenceChange, diff_revisions, word_runs
from humas_crawler.revisions.text import comparison_key, is_trivial, split_sentences

__all__ = [
    "RevisionDiff",
    "SentenceChange",
    "comparison_key",
    "diff_revisions",
    "is_trivial",
    "split_sentences",
    "word_runs",
]

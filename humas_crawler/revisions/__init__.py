"""What changed between two revisions of an article, and the feeds that announce it.

Pure functions over texts and rows (no SQL, no Scrapy): `text` splits Indonesian press prose into
sentences and tells trivial edits apart, `diff` compares two revisions sentence by sentence.
"""

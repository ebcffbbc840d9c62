"""Sentences of Indonesian press prose, and telling a trivial edit from a real one.

A revision is reported sentence by sentence, so the splitter decides what a reader sees as one
change. No maintained library fits: pysbd has no Indonesian (its 23 languages leave it out, and
its English rules split after `Kec.`, `Kab.`, `Rp.`, `Hj.`, `Jl.`, and inside `S.Pd., M.Si.`),
and sentencex's Indonesian falls back to generic rules that split after the same abbreviations.
Press releases are regular enough for a few rules and an abbreviation list, which are kept here
and tested on the fixtures' bodies.

Splitting is deliberately conservative: when in doubt, two sentences stay one. A sentence too
long only makes a diff coarser; one cut after `Kab.` makes every edit near it look like two.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from humas_crawler.normalize.text import clean_text

# Abbreviations (lowercased, without their final period) after which a sentence never ends,
# because a name, a place or a number always follows them: titles and degrees, ranks, addresses
# and administrative units, `Rp.` and `No.`. Not here: `dkk.`, `dll.`, `dsb.`, `dst.`, `Tbk.`,
# which often close a sentence; after them a sentence ends when a capital letter follows, and
# `dkk. menyatakan` stays one sentence because a lowercase word follows.
_ABBREVIATION_LIST = """
    rp no jl jln gg kp ds rt rw kab kec kel prov kep
    h hj kh dr drs dra drg ir prof ust pdt tgk st tn ny nn sdr sdri bpk yth
    sp pj plt plh ka kol let jend brigjen mayjen letjen irjen kombes akbp kompol akp iptu ipda
    tgl telp tlp hlm vs mis thn th bln
"""
ABBREVIATIONS: frozenset[str] = frozenset(_ABBREVIATION_LIST.split())

_OPENERS = "\"“‘'«„‟([{"
_CLOSERS = "\"”’'»″)]}"
# A candidate end: terminal punctuation, the quotes or brackets closing with it, then space.
# `...` and `…` are not terminal: in quoted speech they mark an omission mid-sentence.
_CANDIDATE = re.compile(r"([.!?]+)([" + re.escape(_CLOSERS) + r"]*)\s+")
# `S.Pd`, `M.Si`, `S.E`, `s.d`, `a.n`, `K.H`, `Ph.D`: short letter groups joined by periods.
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}$")
# A dateline ending with a period (`SAMARINDA.`): capitals only, at a paragraph's start.
_DATELINE = re.compile(r"^[^\W\d_a-z][^a-z]{0,40}$")
# The first character after a candidate end and any opening quotes or brackets.
_FOLLOWING = re.compile("[" + re.escape(_OPENERS) + "]*(.)")


def split_sentences(text: str | None) -> list[str]:
    """The sentences of a stored `body_text`, in reading order, each whitespace-collapsed.

    Paragraphs are separated by blank lines; a lone line break is a break too (a sentence never
    runs across lines in what the extractor stores). Within a paragraph, a sentence ends after
    `.`, `!` or `?` (and any closing quotes or brackets right after it) followed by space and a
    capital letter, a digit, or an opening quote or bracket before one; except after an
    abbreviation of `ABBREVIATIONS`, a single capital initial (`A. Rahman`, `H. Ahmad`), a
    dotted degree (`S.Pd.`, `M.Si.`) or a capitals-only dateline (`SAMARINDA.`). Decimal
    numbers, dates and thousands (`1.250,5`, `21/6`, `12.500`) have no space after their
    periods, so they never end one.
    """
    if not text:
        return []
    sentences: list[str] = []
    for line in text.splitlines():
        paragraph = clean_text(line)
        if paragraph:
            sentences.extend(_split_paragraph(paragraph))
    return sentences


@functools.lru_cache(maxsize=1024)
def _split_paragraph(paragraph: str) -> tuple[str, ...]:
    """Cached: the revisions of an article share most of their paragraphs."""
    found: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(paragraph):
        if _ends_sentence(paragraph, start, match):
            found.append(paragraph[start : match.end()].rstrip())
            start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        found.append(rest)
    return tuple(found)


def _ends_sentence(paragraph: str, start: int, match: re.Match[str]) -> bool:
    if not _starts_sentence(paragraph, match.end()):
        return False
    marks = match.group(1)
    if marks[0] == "." and (len(marks) > 1 or paragraph[match.start() - 1 : match.start()] == "…"):
        return False  # an ellipsis: `...`, `....`, `….`
    if marks != "." or match.group(2):
        # `?`, `!`, `?!`, and a period inside closing quotes (`."`, `.”`) end a sentence.
        return True
    end = match.start()
    # The paragraph is whitespace-collapsed: the word before the period follows a single space.
    word = paragraph[max(start, paragraph.rfind(" ", start, end) + 1) : end].lstrip(_OPENERS)
    if not word:
        return True
    if word.casefold() in ABBREVIATIONS or _DOTTED.match(word):
        return False
    if len(word) == 1 and word.isupper():
        return False
    return not (start == 0 and _DATELINE.match(paragraph, 0, end))


def _starts_sentence(paragraph: str, index: int) -> bool:
    """Whether what follows `index` can open a sentence: a capital, a digit or a `*` note,
    possibly after opening quotes or brackets."""
    following = _FOLLOWING.match(paragraph, index)
    if not following:
        return False
    char = following.group(1)
    return char.isupper() or char.isdigit() or char in "*•"


# --- trivial edits ------------------------------------------------------------------------------

# Typographic variants mapped to their plain forms before comparing. Quotes and dashes are
# punctuation and dropped from the key anyway; the map makes `–5`/`−5` read as a minus sign.
TYPOGRAPHIC: dict[str, str] = {
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‘’‚‛′`", "'"),
    **dict.fromkeys("–—‒―‐‑−", "-"),
}
_TYPOGRAPHIC_TABLE = str.maketrans(TYPOGRAPHIC)
# An apostrophe inside a word (`Jum'at`, `Qur’an`) is dropped: `Jum'at` and `Jumat` are one word.
_APOSTROPHE_IN_WORD = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
# A number keeps its sign and its internal separators, as written: `1.250` and `1250`, `5,2` and
# `5.2`, `06.45` and `06:45` are different keys, since in Indonesian `.` groups thousands and `,`
# is the decimal mark, and a changed figure is never trivial. A dash between two numbers
# (`24-28`) is punctuation, so `24 – 28` and `24-28` compare equal. Besides numbers and words,
# the pattern takes the ASCII symbols and `%`, and every other non-ASCII character that is neither
# letter, digit nor space, which `_counts` then keeps when it is a symbol (`°`, `€`, `±`).
_KEY_TOKEN = re.compile(r"(?:(?<!\w)-)?\d+(?:[.,/:]\d+)*|[^\W\d_]+|[$%+<=>^|~]|[^\w\s\x00-\x7f]")
# Kept although Unicode calls them punctuation: they change what a figure means.
_MEANINGFUL_PUNCTUATION = frozenset("%‰")


def comparison_key(text: str | None) -> tuple[str, ...]:
    """What of `text` counts when telling a trivial edit from a real one: its words (NFKC,
    case-folded, in-word apostrophes dropped), its numbers as written, and its symbols (`%`,
    `$`, `+`, `°`...), in order. Whitespace, quotes, dashes and other punctuation are left out.
    """
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TYPOGRAPHIC_TABLE)
    if "'" in folded:
        folded = _APOSTROPHE_IN_WORD.sub("", folded)
    tokens = _KEY_TOKEN.findall(folded)
    if folded.isascii():
        return tuple(tokens)  # the pattern takes ASCII symbols only, never ASCII punctuation
    return tuple(t for t in tokens if len(t) > 1 or t.isalnum() or _counts(t))


@functools.cache
def _counts(char: str) -> bool:
    """Whether a character that is neither letter nor digit counts in a key: a symbol does."""
    return char in _MEANINGFUL_PUNCTUATION or unicodedata.category(char).startswith("S")


def is_trivial(old: str | None, new: str | None) -> bool:
    """True when `old` and `new` differ only in whitespace, punctuation, letter case, or
    typographic variants of quotes and dashes: their `comparison_key`s are equal.

    A changed word or name is never trivial, nor is a changed figure (`5` -> `50`, `5,2` ->
    `5,3`, `1.250` -> `1250`), nor a word split in two or joined (`di rumah` -> `dirumah`):
    "whitespace" means how much and which kind, not where words break.
    """
    return comparison_key(old) == comparison_key(new)

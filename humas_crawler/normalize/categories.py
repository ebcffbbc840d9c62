"""Map category labels as shown on the site to the canonical labels of a taxonomy file."""

from __future__ import annotations

import functools
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# Researchers point this at their own taxonomy file to add labels without editing the package.
TAXONOMY_ENV = "HUMAS_TAXONOMY"
_ENTRY_KEYS = frozenset({"label", "slug", "aliases"})
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NON_SLUG_RE = re.compile(r"[^a-z0-9]+")
# Bullets, colons and dashes that templates put around a label (`• Sosial`, `Sosial |`).
_LEADING_PUNCTUATION_RE = re.compile(r"^[\W_]+")
_TRAILING_PUNCTUATION_RE = re.compile(r"[\W_]+$")
_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"))
# What templates write before the label itself: `Kategori: Sosial`, `Rubrik - Sosial`.
_LABEL_PREFIX_RE = re.compile(
    r"^(?:kategori|category|categories|rubrik|kanal|topik|topic)\s*[:：|\-–—»›>]\s*", re.I
)
_AMPERSAND_RE = re.compile(r"\s*&\s*")


@dataclass(frozen=True)
class Category:
    """A normalized category: the canonical label if the taxonomy knows it, else the cleaned one."""

    label: str | None
    slug: str | None
    known: bool
    raw: str | None


@dataclass(frozen=True)
class CategoryEntry:
    """One category of a taxonomy: its canonical label, slug and aliases."""

    label: str
    slug: str
    aliases: tuple[str, ...] = ()


def clean_label(text: str) -> str:
    """NFC, whitespace (nbsp included) collapsed, edge punctuation stripped; case kept.

    A bracket that closes (or opens) one kept inside the label stays: `Ibu Kota Nusantara (IKN)`.
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    head = _LEADING_PUNCTUATION_RE.match(text)
    start = head.end() if head else 0
    tail = _TRAILING_PUNCTUATION_RE.search(text, start)
    end = tail.start() if tail else len(text)
    label = text[start:end]
    for opening, closing in _BRACKETS:
        if label.count(opening) > label.count(closing) and closing in text[end:]:
            label += closing
        elif label.count(closing) > label.count(opening) and opening in text[:start]:
            label = opening + label
    return label


def match_key(text: str) -> str:
    """The form labels are compared in: cleaned, casefolded, `&` read as `dan`."""
    text = _AMPERSAND_RE.sub(" dan ", clean_label(text).casefold())
    return " ".join(text.split())


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: `Gubernur Kaltim` -> `gubernur-kaltim`."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    )
    return _NON_SLUG_RE.sub("-", ascii_text).strip("-")


class Taxonomy:
    """Canonical category labels with their aliases, looked up case- and space-insensitively."""

    def __init__(self, entries: Iterable[CategoryEntry], source: str = "<taxonomy>") -> None:
        self.source = source
        self.entries: tuple[CategoryEntry, ...] = tuple(entries)
        self._by_key: dict[str, CategoryEntry] = {}
        self._by_slug: dict[str, CategoryEntry] = {}
        for entry in self.entries:
            self._index(entry)
        # Longest phrase first, so that `Wakil Gubernur Kaltim` wins over `Gubernur Kaltim`.
        phrases = sorted(self._by_key, key=len, reverse=True)
        alternation = "|".join(re.escape(phrase) for phrase in phrases) or r"(?!)"
        self._phrase_re = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")

    def _index(self, entry: CategoryEntry) -> None:
        for name in (entry.label, *entry.aliases):
            key = match_key(name)
            if not key:
                raise ValueError(f"{self.source}: category {entry.label!r} has an empty alias")
            other = self._by_key.get(key)
            if other is entry:
                continue  # an alias that only differs from the label in case or spacing
            if other is not None:
                raise ValueError(
                    f"{self.source}: {name!r} of category {entry.label!r} is already "
                    f"a label or alias of category {other.label!r}"
                )
            self._by_key[key] = entry
        if entry.slug in self._by_slug:
            raise ValueError(
                f"{self.source}: category {entry.label!r} has the slug {entry.slug!r} "
                f"of category {self._by_slug[entry.slug].label!r}"
            )
        self._by_slug[entry.slug] = entry

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Taxonomy:
        """Load a taxonomy TOML file (`[[category]]` tables with `label`, `slug`, `aliases`)."""
        path = Path(path)
        return cls.from_toml(path.read_text(encoding="utf-8"), source=str(path))

    @classmethod
    def from_toml(cls, text: str, source: str = "<taxonomy>") -> Taxonomy:
        """Load taxonomy TOML text; `source` names it in error messages."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{source}: not valid TOML: {exc}") from exc
        tables = data.get("category")
        if not isinstance(tables, list) or not tables:
            raise ValueError(f"{source}: no [[category]] entries")
        return cls(
            (_parse_entry(table, number, source) for number, table in enumerate(tables, 1)),
            source=source,
        )

    @classmethod
    def default(cls) -> Taxonomy:
        """The taxonomy named by $HUMAS_TAXONOMY, else the one shipped in the package (cached)."""
        return _load_default(os.environ.get(TAXONOMY_ENV) or None)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(entry.label for entry in self.entries)

    def lookup(self, text: str) -> CategoryEntry | None:
        """The entry whose label, alias or slug `text` is, ignoring case, spacing and `&`/`dan`."""
        key = match_key(text)
        return self._by_key.get(key) or self._by_slug.get(key)

    def match_in(self, text: str) -> str | None:
        """The canonical label of the longest known label or alias found as a phrase in `text`."""
        key = match_key(text)
        best: str | None = None
        best_entry: CategoryEntry | None = None
        start = 0
        # Search again from each match's next character: matches may overlap.
        while (found := self._phrase_re.search(key, start)) is not None:
            if best is None or len(found[0]) > len(best):
                best, best_entry = found[0], self._by_key[found[0]]
            start = found.start() + 1
        return best_entry.label if best_entry else None

    def __repr__(self) -> str:
        return f"Taxonomy({self.source!r}, {len(self.entries)} categories)"


def _parse_entry(table: object, number: int, source: str) -> CategoryEntry:
    where = f"{source}: [[category]] entry {number}"
    if not isinstance(table, dict):
        raise ValueError(f"{where} is not a table")
    unknown = sorted(set(table) - _ENTRY_KEYS)
    if unknown:
        raise ValueError(f"{where} has unknown keys {unknown} (allowed: {sorted(_ENTRY_KEYS)})")
    label = table.get("label")
    if not isinstance(label, str) or not clean_label(label):
        raise ValueError(f"{where} has no label")
    label = clean_label(label)
    where = f"{where} ({label!r})"
    slug = table.get("slug", slugify(label))
    if not isinstance(slug, str) or not _SLUG_RE.fullmatch(slug):
        raise ValueError(f"{where} has the slug {slug!r}: use lowercase ASCII words and hyphens")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        raise ValueError(f"{where}: aliases must be a list of strings")
    return CategoryEntry(label, slug, tuple(clean_label(alias) for alias in aliases))


@functools.lru_cache(maxsize=4)
def _load_default(path: str | None) -> Taxonomy:
    if path is not None:
        return Taxonomy.from_file(path)
    bundled = resources.files("humas_crawler") / "data" / "categories.toml"
    return Taxonomy.from_toml(bundled.read_text(encoding="utf-8"), source=str(bundled))


def normalize_category(raw: str | None, taxonomy: Taxonomy | None = None) -> Category:
    """Map a label as shown to its canonical label; unknown labels are kept, cleaned."""
    if raw is None:
        return Category(None, None, False, None)
    label = clean_label(raw)
    # `Kategori: Sosial` is the label `Sosial`, whichever part of the page showed it.
    label = clean_label(_LABEL_PREFIX_RE.sub("", label)) or label
    if not label:
        return Category(None, None, False, raw)
    entry = (taxonomy or Taxonomy.default()).lookup(label)
    if entry is not None:
        return Category(entry.label, entry.slug, True, raw)
    # `&` and `dan` give one slug, as they give one match.
    slug = slugify(_AMPERSAND_RE.sub(" dan ", label))
    return Category(label, slug or None, False, raw)

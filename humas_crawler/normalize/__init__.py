"""Normalization of what pages show: timestamps, category labels and URLs."""

from __future__ import annotations

from humas_crawler.normalize.categories import Category, Taxonomy, normalize_category, slugify
from humas_crawler.normalize.timestamps import Timestamp, normalize_timestamp
from humas_crawler.normalize.urls import DEFAULT_BASE_URL, Site, canonicalize_url

__all__ = [
    "DEFAULT_BASE_URL",
    "Category",
    "Site",
    "Taxonomy",
    "Timestamp",
    "canonicalize_url",
    "normalize_category",
    "normalize_timestamp",
    "slugify",
]

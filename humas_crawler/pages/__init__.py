"""Scrapy-free extraction: page objects over parsel, tested on saved HTML."""

from humas_crawler.pages.article import ArticlePage
from humas_crawler.pages.listing import ListingEntry, ListingPage

__all__ = ["ArticlePage", "ListingEntry", "ListingPage"]

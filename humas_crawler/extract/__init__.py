"""Scrapy-free extraction: page objects over parsel, tested on saved HTML."""

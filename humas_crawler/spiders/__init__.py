"""Spiders: thin, extraction comes from humas_crawler.pages."""

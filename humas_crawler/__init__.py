"""humas-crawler: an archival crawler for Indonesian provincial government news."""

__version__ = "0.1.0"

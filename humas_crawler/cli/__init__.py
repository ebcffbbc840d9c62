"""The command line (click): thin commands over the library; `main` is the group."""

from humas_crawler.cli.app import main

__all__ = ["main"]

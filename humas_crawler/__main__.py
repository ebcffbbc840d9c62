"""Entry point for ``python -m humas_crawler``."""

from humas_crawler.cli import main

if __name__ == "__main__":
    main()

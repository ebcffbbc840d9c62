"""Options, checks and error handling shared by the commands."""

from __future__ import annotations

import difflib
import errno
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from humas_crawler.archive.errors import (
    FTSQueryError,
    StoreError,
    describe_sqlite_error,
    is_user_facing,
)
from humas_crawler.archive.ftsquery import EmptyQueryError, literal_query
from humas_crawler.archive.lock import LockError, LockHeld
from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.store import Store
from humas_crawler.defaults import EXIT_LOCKED, default_db_path
from humas_crawler.normalize import Site, Taxonomy
from humas_crawler.normalize.categories import match_key

F = TypeVar("F", bound=Callable[..., Any])

_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

# OS errors that come from the user's files and surroundings, not from a bug: told in one line.
_USER_ERRNOS = frozenset(
    {
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.ENOENT,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.EEXIST,
        errno.EIO,
        errno.ENAMETOOLONG,
        errno.ELOOP,
        errno.EMFILE,
        errno.ENFILE,
        errno.EFBIG,
    }
)


class LockedError(click.ClickException):
    """Another crawl or reparse holds the archive: exit 2, as `crawl` always did."""

    exit_code = EXIT_LOCKED


def site_from(base_url: str) -> Site:
    """The site at `base_url`, or a click error naming --base-url."""
    try:
        return Site.from_base_url(base_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from exc


def db_option(function: F) -> F:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default_db_path,
        show_default="data/humas.sqlite or $HUMAS_DB",
        help="The SQLite archive.",
    )(function)


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if not _DAY_RE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date: expected YYYY-MM-DD, e.g. 2022-06-21"
        ) from None


def filter_options(function: F) -> F:
    """--since, --until, --category and --site (repeatable) and --include-duplicates."""
    for option in reversed(
        (
            click.option(
                "--since",
                callback=parse_day,
                metavar="YYYY-MM-DD",
                help="Published on or after this day (the site's calendar).",
            ),
            click.option(
                "--until",
                callback=parse_day,
                metavar="YYYY-MM-DD",
                help="Published on or before this day (the site's calendar).",
            ),
            click.option(
                "--category",
                "categories",
                multiple=True,
                metavar="LABEL_OR_SLUG",
                help="Only this category (label, alias or slug, any case); repeat for several.",
            ),
            site_filter_option,
            click.option(
                "--include-duplicates",
                is_flag=True,
                help="Keep articles whose content is archived under another URL too.",
            ),
        )
    ):
        function = option(function)
    return function


# C0 and C1 control characters and DEL, but tab and line feed. A terminal acts on some of
# them (ESC opens an escape sequence that can clear the screen or rewrite what is shown, CR
# overwrites the line), and the site's text is not to be trusted with a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def color_wanted() -> bool:
    """Colours on a terminal (unless $NO_COLOR is set), plain text anywhere else."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def printable(text: str) -> str:
    """`text` for a terminal: control characters shown as `\\x1b`-style escapes, all else
    (zero-width and right-to-left characters included) as it is. Only for output meant
    for people: --json output and exports carry the text exactly."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def one_line(message: object) -> str:
    """A message on one line (SQLite and lock files may hold line breaks)."""
    return " ".join(str(message).split())


@contextmanager
def archive_errors() -> Iterator[None]:
    """What the user has to fix, as one-line click errors (exit 1, or 2 for a held lock).

    The archive missing, corrupt, read-only, busy or of another schema version (StoreError,
    or a user-facing sqlite3 error that escaped the store), a held or impossible crawl lock,
    and OS errors about the user's files (permissions, disk full, missing directories).
    Every command runs inside it (cli.main); commands may also use it around their own work.
    """
    try:
        yield
    except click.ClickException:
        raise
    except LockHeld as exc:
        raise LockedError(one_line(exc)) from exc
    except (StoreError, LockError) as exc:
        raise click.ClickException(one_line(exc)) from exc
    except sqlite3.DatabaseError as exc:
        if not is_user_facing(exc):
            raise  # integrity and programming errors are bugs: keep the traceback
        raise click.ClickException(describe_sqlite_error(None, exc)) from exc
    except OSError as exc:
        if exc.errno not in _USER_ERRNOS:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(one_line(f"{where}{exc.strerror or exc}")) from exc


def open_archive(db: Path) -> Store:
    """The archive, read-only: nothing is created, migrated or written."""
    with archive_errors():
        return Store.open(db, create=False, readonly=True)


def fts_query(text: str, *, raw: bool) -> str:
    """The FTS5 query for what the user typed (literal words unless `raw`)."""
    if raw:
        if not text.strip():
            raise click.BadParameter("the query is empty", param_hint="QUERY")
        return text
    try:
        return literal_query(text)
    except EmptyQueryError as exc:
        raise click.BadParameter(str(exc), param_hint="QUERY") from exc


def query_error(exc: FTSQueryError, *, raw: bool) -> click.ClickException:
    hint = (
        "FTS5 query syntax: https://www.sqlite.org/fts5.html#full_text_query_syntax"
        " (leave out --fts to search the words as typed)"
        if raw
        else "this is a bug: without --fts every query should be valid"
    )
    return click.ClickException(f"{exc}; {hint}")


def article_filter(
    store: Store,
    *,
    since: str | None,
    until: str | None,
    categories: Iterable[str],
    include_duplicates: bool,
    fts: str | None = None,
    sites: Iterable[str] = (),
) -> ArticleFilter:
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}: nothing can match")
    return ArticleFilter(
        since=since,
        until=until,
        category_slugs=resolve_categories(store, categories),
        fts_query=fts,
        include_duplicates=include_duplicates,
        sites=resolve_sites(store, sites),
    )


site_filter_option = click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="Only this site's articles (its registry name, as in `stats`); repeat for several.",
)


def resolve_sites(store: Store, names: Iterable[str]) -> tuple[str, ...]:
    """The site names given, each one the archive holds; a click error naming those it has."""
    names = tuple(dict.fromkeys(name.strip() for name in names))
    if not names:
        return ()
    held = store.articles.sites()
    if not held:
        raise click.UsageError(
            "--site: this archive predates sites (schema version 7); open it for writing once"
            " (a crawl) to migrate it"
        )
    unknown = [name for name in names if name not in held]
    if unknown:
        raise click.BadParameter(
            f"no articles of {', '.join(map(repr, unknown))} in this archive; it holds: "
            + ", ".join(held),
            param_hint="--site",
        )
    return names


def resolve_categories(
    store: Store, names: Iterable[str], taxonomy: Taxonomy | None = None
) -> tuple[str, ...]:
    """The slugs of the categories `names` give (label, alias or slug; any case or spacing).

    Known: the taxonomy's categories, the archive's `categories` table, and (only when a name
    is not found there) every category the archive's articles carry. An unknown name is a
    click error listing the close matches.
    """
    names = list(names)
    if not names:
        return ()
    index = _CategoryIndex()
    for entry in (taxonomy or Taxonomy.default()).entries:
        index.add(entry.label, entry.slug, entry.aliases)
    with archive_errors():
        for row in store.categories.rows():
            index.add(row["label"], row["slug"], row["aliases"])
        slugs = []
        scanned = False
        for name in names:
            slug = index.find(name)
            if slug is None and not scanned:
                for row in store.articles.category_labels():
                    index.add(row["category"], row["category_slug"], ())
                scanned = True
                slug = index.find(name)
            if slug is None:
                raise click.BadParameter(index.unknown_message(name), param_hint="--category")
            if slug not in slugs:
                slugs.append(slug)
    return tuple(slugs)


class _CategoryIndex:
    """Category names (labels, aliases, slugs) by match key, for lookup and suggestions."""

    def __init__(self) -> None:
        self.slug_by_key: dict[str, str] = {}
        self.label_by_slug: dict[str, str] = {}

    def add(self, label: str | None, slug: str | None, aliases: Iterable[str]) -> None:
        if not slug:
            return
        self.label_by_slug.setdefault(slug, label or slug)
        for name in (slug, label, *aliases):
            if name and match_key(name):
                self.slug_by_key.setdefault(match_key(name), slug)

    def find(self, name: str) -> str | None:
        return self.slug_by_key.get(match_key(name)) if match_key(name) else None

    def unknown_message(self, name: str) -> str:
        keys = difflib.get_close_matches(match_key(name), self.slug_by_key, n=8, cutoff=0.6)
        slugs = list(dict.fromkeys(self.slug_by_key[key] for key in keys))[:5]
        close = ", ".join(f"{self.label_by_slug[slug]} ({slug})" for slug in slugs)
        suggestion = f"close matches: {close}" if close else "no close match"
        return (
            f"unknown category {name!r}; {suggestion}."
            " `humas-crawler stats` lists the archive's categories"
        )


def sites_option(function: F) -> F:
    """--sites FILE (or $HUMAS_SITES): a user site registry over the shipped one (docs/sites.md)."""
    return click.option(
        "--sites",
        "sites_file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="HUMAS_SITES",
        show_envvar=True,
        metavar="FILE",
        help="A user site registry (TOML, [[site]] tables) over the shipped one.",
    )(function)

"""`humas-crawler export`: stream articles out as CSV (spreadsheet-safe), JSON Lines (ours or
news-please's shape) or Parquet, or package their captures as a WACZ."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from humas_crawler.archive.errors import FTSQueryError
from humas_crawler.archive.wacz import WACZ_VERSIONS
from humas_crawler.cli import csvsafe, newsplease
from humas_crawler.cli.options import (
    archive_errors,
    article_filter,
    db_option,
    filter_options,
    fts_query,
    open_archive,
    query_error,
)
from humas_crawler.cli.parquet import write_parquet
from humas_crawler.cli.replacing import replacing
from humas_crawler.cli.wacz import write_wacz
from humas_crawler.defaults import EXIT_BROKEN_PIPE, warc_dir_for

# What a reader of the news wants first; `--columns all` gives every column of `articles`.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "url",
    "published_at",
    "published_date",
    # `day` when the page showed no time: published_at then reads T00:00:00 without meaning it.
    "published_precision",
    "category",
    "title",
    "dateline",
    "body_text",
    "author_codes",
    "photo_caption",
    "image_urls",
    "published_raw",
    "revision",
    "last_changed_at",
    "id",
)
# Columns holding JSON text: JSON Lines carries them as JSON values, not strings.
JSON_COLUMNS = frozenset({"image_urls"})
# Below this many rows an export is over before a progress bar means anything.
PROGRESS_MIN_ROWS = 2_000
_PROGRESS_STEP = 500
_BUFFER_BYTES = 1 << 20


@click.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet", "wacz"]),
    required=True,
    help="csv: one row per article, spreadsheet-safe; jsonl: one JSON object per line;"
    " parquet: typed columns for pandas, DuckDB, polars (needs --output and the parquet extra);"
    " wacz: the articles' captures, for pywb and ReplayWeb.page (needs --output).",
)
@click.option(
    "--schema",
    type=click.Choice(["humas", "news-please"]),
    default="humas",
    show_default=True,
    help="jsonl: the archive's columns, or news-please's record (title, maintext,"
    " date_publish, ...; docs/export.md).",
)
@click.option(
    "--output",
    "-o",
    default="-",
    show_default=True,
    metavar="FILE|-",
    help="Write here (replaced when complete); - is standard output.",
)
@filter_options
@click.option(
    "--search", metavar="QUERY", help="Only articles matching these words (full-text index)."
)
@click.option("--fts", is_flag=True, help="Read --search as raw FTS5 syntax (AND, OR, NEAR...).")
@click.option(
    "--columns",
    metavar="COL,COL,...|all",
    help="Columns to write, in this order (default: a reader's subset; see docs/export.md).",
)
@click.option(
    "--raw", is_flag=True, help="CSV: write values untouched (no apostrophe before = + - @)."
)
@click.option("--excel", is_flag=True, help="CSV: UTF-8 with BOM and CRLF line ends (for Excel).")
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="WACZ: where the WARC files are.  [default: a `warc` directory beside the database]",
)
@click.option(
    "--skip-missing",
    is_flag=True,
    help="WACZ: leave out the records of WARC files that are missing (listed), not an error.",
)
@click.option(
    "--wacz-version",
    type=click.Choice(WACZ_VERSIONS),
    default="1.1.1",
    show_default=True,
    help="WACZ: the format version. 1.1.1 passes `wacz validate`; 1.2.0 follows the newer"
    " spec (profile wacz, a home page), which `wacz validate` does not know yet.",
)
def export(
    db: Path,
    fmt: str,
    schema: str,
    output: str,
    since: str | None,
    until: str | None,
    categories: tuple[str, ...],
    sites: tuple[str, ...],
    include_duplicates: bool,
    search: str | None,
    fts: bool,
    columns: str | None,
    raw: bool,
    excel: bool,
    warc_dir: Path | None,
    skip_missing: bool,
    wacz_version: str,
) -> None:
    """Stream articles out as CSV, JSON Lines or Parquet (oldest first, undated ones last), or
    package their captures as a WACZ.

    Duplicates (the same content under another URL) are left out unless
    --include-duplicates. In CSV, a text cell starting with = + - @, a tab or a line break
    gets a leading apostrophe so that no spreadsheet runs it as a formula (--raw turns
    this off); JSON Lines is never altered.

    \b
    Examples:
        humas-crawler export --format csv --output berita.csv --since 2024-01-01
        humas-crawler export --format csv --excel --category Kesehatan -o kesehatan.csv
        humas-crawler export --format jsonl --search "banjir samarinda" | head
        humas-crawler export --format csv --columns url,published_date,title -o judul.csv
        humas-crawler export --format parquet -o berita.parquet --columns all
        humas-crawler export --format jsonl --schema news-please -o berita.jsonl
        humas-crawler export --format wacz -o berita.wacz --since 2024-01-01
    """
    if excel and fmt != "csv":
        raise click.UsageError("--excel applies to --format csv only")
    if schema != "humas" and fmt != "jsonl":
        raise click.UsageError(f"--schema {schema} applies to --format jsonl only")
    if schema == "news-please" and columns is not None:
        raise click.UsageError("--columns does not apply to --schema news-please (its fields)")
    if fmt in ("parquet", "wacz") and output == "-":
        raise click.UsageError(f"--format {fmt} writes a file: give --output FILE.{fmt}")
    if (warc_dir is not None or skip_missing or wacz_version != "1.1.1") and fmt != "wacz":
        raise click.UsageError(
            "--warc-dir, --skip-missing and --wacz-version apply to --format wacz only"
        )
    if fts and search is None:
        raise click.UsageError("--fts reads the --search query: give --search too")
    query = fts_query(search, raw=fts) if search is not None else None
    target = _check_output(output)
    with open_archive(db) as store:
        if schema == "news-please":
            chosen = list(newsplease.SOURCE_COLUMNS)
        else:
            chosen = _choose_columns(columns, store.articles.columns())
        where = article_filter(
            store,
            since=since,
            until=until,
            categories=categories,
            include_duplicates=include_duplicates,
            sites=sites,
            fts=query,
        )
        if fmt == "wacz":
            assert target is not None
            with archive_errors():
                articles, records, missing = write_wacz(
                    store,
                    where,
                    warc_dir or warc_dir_for(db),
                    target,
                    skip_missing=skip_missing,
                    title=f"humas-crawler archive: {db.name}",
                    version=wacz_version,
                )
            for name in missing:
                click.echo(f"left out (missing): {name}", err=True)
            click.echo(
                f"exported {articles} articles ({records} WARC records) to {target}", err=True
            )
            return
        with archive_errors():
            try:
                total = store.articles.count(where) if _want_progress(target) else None
                rows = store.articles.export(
                    chosen,
                    where,
                    formula_triggers=csvsafe.FORMULA_TRIGGERS if fmt == "csv" and not raw else (),
                )
            except FTSQueryError as exc:
                raise query_error(exc, raw=fts) from exc
            encoding = csvsafe.encoding_for(excel) if fmt == "csv" else "utf-8"
            counted = _Counter(rows)
            stream_rows: Iterable[tuple[Any, ...]] = counted
            if fmt == "parquet":
                assert target is not None
                with closing(rows), _progress(total) as bar:
                    if bar is not None:
                        stream_rows = _advancing(counted, bar)
                    write_parquet(target, chosen, stream_rows)
            else:
                with (
                    closing(rows),
                    _open_output(target, encoding) as stream,
                    _progress(total) as bar,
                ):
                    if bar is not None:
                        stream_rows = _advancing(counted, bar)
                    if fmt == "csv":
                        _write_csv(stream, chosen, stream_rows, excel=excel)
                    elif schema == "news-please":
                        newsplease.write_jsonl(stream, chosen, stream_rows)
                    else:
                        _write_jsonl(stream, chosen, stream_rows)
    if counted.count == 0:
        # Never silent: a filter that matches nothing is said so (the output is still valid: a
        # CSV with its header only, an empty JSON Lines file).
        click.echo(
            "0 articles matched" + (f"; {target} holds no rows" if target is not None else ""),
            err=True,
        )
    elif target is not None:
        click.echo(f"exported {counted.count} articles to {target}", err=True)


def _choose_columns(option: str | None, available: list[str]) -> list[str]:
    if option is None:
        return [column for column in DEFAULT_COLUMNS if column in available]
    if option.strip().lower() == "all":
        return list(available)
    chosen = [name.strip() for name in option.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown or not chosen:
        what = f"unknown column(s) {', '.join(unknown)}" if unknown else "no column given"
        raise click.BadParameter(
            f"{what}; the columns are: {', '.join(available)} (or: all)",
            param_hint="--columns",
        )
    repeated = sorted({name for name in chosen if chosen.count(name) > 1})
    if repeated:
        raise click.BadParameter(
            f"column(s) given twice: {', '.join(repeated)}", param_hint="--columns"
        )
    return chosen


def _check_output(output: str) -> Path | None:
    """The file to write (None: standard output), checked before any work is done."""
    if output == "-":
        return None
    path = Path(output)
    if path.is_dir():
        raise click.BadParameter(f"{path} is a directory", param_hint="--output")
    if not path.parent.is_dir():
        raise click.BadParameter(f"no directory {path.parent}", param_hint="--output")
    return path


def _want_progress(target: Path | None) -> bool:
    """A bar only when the rows go to a file and someone watches stderr."""
    return target is not None and _stderr_is_terminal()


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def _open_output(target: Path | None, encoding: str) -> Iterator[TextIO]:
    if target is None:
        binary = sys.stdout.buffer
        stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
        try:
            yield stream
            stream.flush()
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as other Unix tools do.
            _discard_stdout(binary)
            raise SystemExit(EXIT_BROKEN_PIPE) from None
        finally:
            stream.detach()  # leave the process's stdout open
        return
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/null, a FIFO): write straight into it.
        try:
            with open(
                target, "w", encoding=encoding, newline="", buffering=_BUFFER_BYTES
            ) as stream:
                yield stream
        except OSError as exc:
            raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from exc
        return
    with (
        replacing(target) as partial,
        open(partial, "w", encoding=encoding, newline="", buffering=_BUFFER_BYTES) as stream,
    ):
        yield stream


def _discard_stdout(binary: Any) -> None:
    """Point stdout at /dev/null so that the flushes still due on exit cannot fail again."""
    try:
        descriptor = binary.fileno()
    except (AttributeError, io.UnsupportedOperation, ValueError):
        return  # not a real file (a test runner's buffer)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


@contextmanager
def _progress(total: int | None) -> Iterator[Any]:
    if total is None or total < PROGRESS_MIN_ROWS:
        yield None
        return
    with click.progressbar(length=total, label="exporting", file=sys.stderr) as bar:
        yield bar


class _Counter:
    """Pass rows through, counting them."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for row in self.rows:
            self.count += 1
            yield row


def _advancing(rows: Iterable[tuple[Any, ...]], bar: Any) -> Iterator[tuple[Any, ...]]:
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == _PROGRESS_STEP:
            bar.update(pending)
            pending = 0
    bar.update(pending)


def _write_csv(
    stream: TextIO, columns: list[str], rows: Iterable[tuple[Any, ...]], *, excel: bool
) -> None:
    writer = csvsafe.writer(stream, excel=excel)
    writer.writerow(columns)
    writer.writerows(rows)


def _write_jsonl(stream: TextIO, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    decode = [index for index, column in enumerate(columns) if column in JSON_COLUMNS]
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        for index in decode:
            record[columns[index]] = _json_value(row[index])
        stream.write(json.dumps(record, ensure_ascii=False))
        stream.write("\n")


def _json_value(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON after all: carried as the string it is

"""`humas-crawler sites list` and `sites probe`: the site registry, and drafting its entries."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import click

from humas_crawler.cli.options import one_line, printable, sites_option
from humas_crawler.crawl.probe import ProbeError, probe_entry
from humas_crawler.normalize import zones
from humas_crawler.normalize.registry import (
    BUILTIN,
    Registry,
    RegistryError,
    SiteEntry,
    builtin_entries,
    host_keys,
    load_registry,
    parse_sites,
    province_name,
)

_COLUMNS = ("name", "cms", "zone", "province", "base_url")


def load_sites(sites_file: Path | None) -> Registry:
    """The registry (shipped, with `sites_file` over it), or a one-line click error."""
    try:
        return load_registry(sites_file)
    except RegistryError as exc:
        raise click.ClickException(one_line(exc)) from exc


@click.group()
def sites() -> None:
    """The site registry: which provincial news sites the crawler knows (docs/sites.md).

    The package ships one; --sites FILE or $HUMAS_SITES adds a user registry over it (an entry
    of the same name replaces the shipped one).

    \b
    Examples:
        humas-crawler sites list
        humas-crawler sites probe https://ppid.jatimprov.go.id --province "Jawa Timur"
    """


@sites.command("list")
@sites_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of the entries.")
def list_sites(sites_file: Path | None, as_json: bool) -> None:
    """List the registry's sites: name, CMS, zone, province and base URL. Entries from a user
    registry are marked `*`; a zone marked `?` was assumed (no timezone or province given).

    \b
    Examples:
        humas-crawler sites list
        humas-crawler sites list --sites my-sites.toml --json | jq '.[].name'
    """
    registry = load_sites(sites_file)
    if as_json:
        entries = [entry.to_dict() for entry in registry]
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    shipped = {entry.name for entry in builtin_entries()}
    rows = [_COLUMNS]
    for entry in registry:
        mark = "" if entry.origin == BUILTIN else "*"
        rows.append(
            (
                entry.name + mark,
                entry.cms,
                entry.timezone + ("?" if entry.zone_assumed else ""),
                entry.province or "-",
                entry.base_url,
            )
        )
    widths = [max(len(printable(row[i])) for row in rows) for i in range(len(_COLUMNS))]
    for row in rows:
        cells = [printable(cell).ljust(width) for cell, width in zip(row, widths, strict=True)]
        click.echo("  ".join(cells).rstrip())
    for origin in dict.fromkeys(entry.origin for entry in registry if entry.origin != BUILTIN):
        names = [entry.name for entry in registry if entry.origin == origin]
        replaced = [name for name in names if name in shipped]
        line = f"* from {origin}"
        if replaced:
            line += f" (replacing the shipped {', '.join(replaced)})"
        click.echo(printable(line))
    if any(entry.zone_assumed for entry in registry):
        click.echo("? zone assumed: the entry gives neither timezone nor province")


def _province(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    name = province_name(value)
    if name is None:
        raise click.BadParameter(
            f"{value!r} is not one of Indonesia's 38 provinces"
            " (e.g. 'Kalimantan Timur', 'Jawa Barat', or short: 'Kaltim')"
        )
    return name


def _zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return zones.zone(value).label
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or out of range
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{value!r} is not an http(s) URL, e.g. https://example.go.id")
    return value.strip()


@sites.command()
@click.argument("url", callback=_url)
@click.option(
    "--province", callback=_province, help="The site's province (sets its zone), e.g. 'Bali'."
)
@click.option(
    "--timezone",
    callback=_zone,
    metavar="TZ",
    help="The zone of the site's times: WIB, WITA, WIT, an IANA name or an offset (+08:00).",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Append the entry to this registry file (created if missing).",
)
@sites_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=15,
    show_default=True,
    help="Seconds to wait for each answer.",
)
def probe(
    url: str,
    province: str | None,
    timezone: str | None,
    save: Path | None,
    sites_file: Path | None,
    timeout: float,
) -> None:
    """Look at a site (its page at URL, /robots.txt, /wp-json/: at most three requests) and
    print a [[site]] entry for it: the CMS (WordPress, Joomla or custom) with the evidence
    (on stderr), the listing routes and article paths its links suggest. Without --timezone
    or --province the zone is WIB, assumed (and said), but for hosts under kaltimprov.go.id.

    \b
    Examples:
        humas-crawler sites probe https://ppid.jatimprov.go.id --province "Jawa Timur"
        humas-crawler sites probe https://diskominfos.baliprov.go.id --timezone WITA \\
            --save my-sites.toml
    """
    registry = load_sites(sites_file)
    try:
        entry, lines = probe_entry(url, province, timezone, timeout=timeout)
    except ProbeError as exc:
        message = one_line(exc)
        if not message.startswith("cannot reach"):
            message = f"cannot probe {url}: {message}"
        raise click.ClickException(message) from exc
    known = registry.for_url(entry.base_url) or registry.for_url(url)
    if known is not None:
        where = "shipped" if known.origin == BUILTIN else known.origin
        lines.append(f"already in the registry as {known.name!r} ({where})")
    for line in lines:
        click.echo(printable(line), err=True)
    text = entry.to_toml()
    if save is not None:
        _append(save, entry, text)  # refused: an error, and nothing on stdout
    click.echo(text, nl=False)
    if save is not None:
        click.echo(f"appended site {entry.name!r} to {save}", err=True)


def _append(path: Path, entry: SiteEntry, text: str) -> None:
    """Append `text` (the table of `entry`) to the registry file `path`, unless the file
    already has that name or one of its hosts, or would then fail to load."""
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"not saved: cannot read {path}: {exc}") from exc
    try:
        current = parse_sites(existing, str(path))
    except RegistryError as exc:
        raise click.ClickException(f"not saved: {one_line(exc)}") from exc
    claimed = set(host_keys(entry))
    for other in current:
        if other.name == entry.name:
            raise click.ClickException(f"not saved: {path} already has a site named {entry.name!r}")
        common = sorted(str(key) for key in claimed & set(host_keys(other)))
        if common:
            raise click.ClickException(
                f"not saved: {path} already has the host {common[0]} (site {other.name!r})"
            )
    separator = "" if not existing.strip() else ("\n" if existing.endswith("\n") else "\n\n")
    combined = existing + separator + text
    try:
        Registry.merged(builtin_entries(), parse_sites(combined, str(path)))
    except RegistryError as exc:
        raise click.ClickException(f"not saved: {path} would not load: {one_line(exc)}") from exc
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(separator + text)
    except OSError as exc:
        reason = exc.strerror or exc
        raise click.ClickException(f"not saved: cannot write {path}: {reason}") from exc

"""Which sites a crawl reads: `--site NAME`, `--all-sites`, `--base-url URL`, or Kaltim.

- `--site NAME` (repeatable) and `--all-sites` take registry entries (the shipped registry, with
  `--sites FILE` or `$HUMAS_SITES` over it). With one `--site` and a `--base-url`, that site is
  crawled at that URL: a replica or a mirror, read with the entry's zone, CMS and routes.
- `--base-url URL` alone: the registry entry whose host it is, else the site is probed (CMS from
  its API link, generator tag, feeds; crawl/probe.py) and crawled as found. A site that cannot
  be probed is crawled as a custom CMS, so that the run itself fails and is recorded as failed.
- Nothing: the first entry, kaltimprov.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import click

from humas_crawler.crawl.probe import ProbeError, probe_entry
from humas_crawler.normalize.registry import (
    Registry,
    RegistryError,
    SiteEntry,
    base_url_of,
    name_for_host,
    resolve_zone,
)


@dataclass(frozen=True)
class Choice:
    """A site to crawl: its entry (the base URL it is crawled at included) and what was said
    about how it was found."""

    entry: SiteEntry
    notes: tuple[str, ...] = ()


def choose_sites(
    registry: Registry,
    *,
    names: tuple[str, ...],
    all_sites: bool,
    base_url: str | None,
    zone: str | None,
    cms: str | None,
) -> list[Choice]:
    """The sites of a crawl; click errors for a wrong combination or an unknown name."""
    if all_sites and names:
        raise click.UsageError("give --site NAME or --all-sites, not both")
    if (all_sites or len(names) > 1) and base_url is not None:
        raise click.UsageError("--base-url names one site's address: give at most one --site")
    if all_sites:
        choices = [Choice(entry) for entry in registry]
    elif names:
        choices = []
        for name in dict.fromkeys(names):
            try:
                entry = registry.by_name(name)
            except (KeyError, RegistryError) as exc:
                raise click.BadParameter(_message(exc), param_hint="--site") from None
            if base_url is not None:
                entry = replace(entry, base_url=_base(base_url))
            choices.append(Choice(entry))
    elif base_url is not None:
        found = registry.for_url(base_url)
        if found is not None:
            choices = [Choice(replace(found, base_url=_base(base_url)))]
        elif cms is not None:
            choices = [_unprobed(base_url, cms, zone, "--cms given: not probed")]
        else:
            choices = [_probed(base_url, zone)]
    else:
        choices = [Choice(next(iter(registry)))]
    return [_with_overrides(choice, zone, cms) for choice in choices]


def _probed(base_url: str, zone: str | None) -> Choice:
    try:
        entry, lines = probe_entry(base_url, timezone=zone)
    except ProbeError as exc:
        # The crawl then fails the way an unreachable site does: recorded, summarized.
        return _unprobed(base_url, "custom", zone, f"not probed: {exc}")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from exc
    return Choice(replace(entry, base_url=_base(base_url)), tuple(lines))


def _unprobed(base_url: str, cms: str, zone: str | None, why: str) -> Choice:
    base = _base(base_url)
    label, assumed = resolve_zone(zone, None, [base.split("://", 1)[1].split(":")[0]])
    notes = [why]
    if assumed:
        notes.append(f"no --timezone: assumed {label}")
    entry = SiteEntry(
        name=name_for_host(base.split("://", 1)[1]),
        base_url=base,
        timezone=label,
        cms=cms,
        zone_assumed=assumed,
        origin="command line",
    )
    return Choice(entry, tuple(notes))


def _with_overrides(choice: Choice, zone: str | None, cms: str | None) -> Choice:
    changes: dict[str, object] = {}
    if zone is not None and zone != choice.entry.timezone:
        changes.update(timezone=zone, zone_assumed=False)
    if cms is not None and cms != choice.entry.cms:
        changes["cms"] = cms
    return replace(choice, entry=replace(choice.entry, **changes)) if changes else choice


def _base(url: str) -> str:
    try:
        return base_url_of(url)
    except (ValueError, RegistryError) as exc:
        raise click.BadParameter(_message(exc), param_hint="--base-url") from exc


def _message(exc: BaseException) -> str:
    return str(exc.args[0]) if exc.args else str(exc)

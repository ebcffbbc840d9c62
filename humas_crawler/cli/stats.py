"""`humas-crawler stats`: what the archive holds, per category and month, and how runs went."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from humas_crawler.archive.queries import ArticleFilter
from humas_crawler.archive.schema import RUN_COUNTS
from humas_crawler.archive.store import Store
from humas_crawler.cli.options import (
    archive_errors,
    db_option,
    open_archive,
    printable,
    resolve_sites,
    site_filter_option,
)

NO_CATEGORY = "(no category)"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RUN_FIELDS = ("id", "site", "started_at", "finished_at", "mode", "status", *RUN_COUNTS, "message")


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (machine-readable).")
@site_filter_option
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.png",
    help="Also draw articles per month, stacked by the top categories (needs matplotlib).",
)
@click.option(
    "--top",
    type=click.IntRange(1, 20),
    default=8,
    show_default=True,
    help="Categories drawn separately in --plot; the others are stacked as one.",
)
@click.option(
    "--runs",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="How many of the last crawl runs to list.",
)
def stats(
    db: Path, as_json: bool, plot: Path | None, top: int, runs: int, sites: tuple[str, ...]
) -> None:
    """Totals, articles per site, per category and per month, unknown categories, quarantine,
    last runs. With --site, the figures of those sites only (runs and quarantine included).

    Per category and per month every article is counted once (duplicates, the same content
    under another URL, are left out); the totals say how many duplicates there are.

    \b
    Examples:
        humas-crawler stats
        humas-crawler stats --json | jq .categories
        humas-crawler stats --plot articles-per-month.png --top 6
        humas-crawler stats --site kaltimprov --json
    """
    if plot is not None:
        from humas_crawler.cli import stats_plot

        try:
            stats_plot.check_target(plot)
        except stats_plot.PlotError as exc:
            raise click.ClickException(str(exc)) from exc
    with open_archive(db) as store:
        summary = summarize(store, runs=runs, sites=resolve_sites(store, sites))
    summary["archive"] = str(db)
    if plot is not None:
        try:
            stats_plot.draw(summary["by_month_and_category"], plot, top=top)
        except stats_plot.PlotError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        click.echo(render(summary))
    if plot is not None:
        click.echo(f"plot written to {plot}", err=True)


def summarize(store: Store, *, runs: int = 5, sites: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every figure `stats` shows, as one JSON-ready dict; `sites` narrows it to those."""
    with archive_errors():
        breakdown = store.articles.breakdown(ArticleFilter(include_duplicates=True, sites=sites))
        counts = store.counts()
        reasons = store.quarantine.reasons()
        last_runs = store.runs.last(runs if not sites else runs * 20) if runs else []
        per_site = [row for row in store.articles.per_site() if not sites or row["site"] in sites]
    if sites:
        last_runs = [run for run in last_runs if run.get("site") in sites][:runs]
    categories: dict[str | None, dict[str, Any]] = {}
    months: dict[str, int] = defaultdict(int)
    by_month_and_category: dict[tuple[str, str], int] = defaultdict(int)
    totals = dict.fromkeys(("articles", "duplicates", "undated", "without_category", "changed"), 0)
    dates: list[str] = []
    for row in breakdown:
        once = row["articles"] - row["duplicates"]
        totals["articles"] += row["articles"]
        totals["duplicates"] += row["duplicates"]
        totals["changed"] += row["changed"] or 0
        dates += [d for d in (row["first_date"], row["last_date"]) if d]
        slug = row["category_slug"]
        entry = categories.setdefault(
            slug,
            {
                "category": row["category"] if slug else NO_CATEGORY,
                "category_slug": slug,
                "known": bool(row["category_known"]) if slug else None,
                "articles": 0,
            },
        )
        entry["articles"] += once
        if slug is None:
            totals["without_category"] += once
        if row["month"] is None:
            totals["undated"] += once
        else:
            months[row["month"]] += once
            if once:
                by_month_and_category[(row["month"], entry["category"])] += once
    counted_once = totals["articles"] - totals["duplicates"]
    ranked = sorted(
        (c for c in categories.values() if c["articles"]),
        key=lambda c: (-c["articles"], c["category"].casefold()),
    )
    for entry in ranked:
        entry["share"] = round(entry["articles"] / counted_once, 4) if counted_once else 0.0
    return {
        "totals": {
            **totals,
            "counted_once": counted_once,
            "first_published": min(dates) if dates else None,
            "last_published": max(dates) if dates else None,
            "revisions": counts.get("article_revisions", 0),
            "captures": counts.get("captures", 0),
            "crawl_runs": counts.get("crawl_runs", 0),
            "quarantined": counts.get("quarantine", 0),
            "fetch_failures": counts.get("fetch_failures", 0),
            "categories": sum(1 for c in ranked if c["category_slug"]),
            "unknown_categories": sum(1 for c in ranked if c["known"] is False),
        },
        "sites": per_site,
        "categories": ranked,
        "months": [{"month": m, "articles": months.get(m, 0)} for m in _month_range(months)],
        "unknown_categories": [
            {k: c[k] for k in ("category", "category_slug", "articles")}
            for c in ranked
            if c["known"] is False
        ],
        "quarantine": reasons,
        "runs": [{field: run.get(field) for field in RUN_FIELDS} for run in last_runs],
        "by_month_and_category": [
            {"month": month, "category": category, "articles": n}
            for (month, category), n in sorted(by_month_and_category.items())
        ],
    }


def _month_range(months: dict[str, int]) -> list[str]:
    """Every month from the first to the last one with articles (gaps shown as 0)."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def render(summary: dict[str, Any]) -> str:
    """The summary as text for a terminal."""
    t = summary["totals"]
    lines = [f"Archive {summary.get('archive', '')}".rstrip()]
    lines.append(
        f"  articles         {t['articles']:,} ({t['counted_once']:,} counted once,"
        f" {t['duplicates']:,} duplicates)"
    )
    if t["first_published"]:
        lines.append(f"  published        {t['first_published']} to {t['last_published']}")
    lines.append(f"  without a date   {t['undated']:,}")
    lines.append(f"  without category {t['without_category']:,}")
    lines.append(
        f"  changed after publication {t['changed']:,} ({t['revisions']:,} revisions in all)"
    )
    lines.append(
        f"  captures {t['captures']:,}, crawl runs {t['crawl_runs']:,}, quarantined"
        f" {t['quarantined']:,}, fetch failures waiting {t['fetch_failures']:,}"
    )

    if summary.get("sites"):
        lines += ["", "Articles per site"]
        width = max(len(row["site"] or "") for row in summary["sites"])
        for row in summary["sites"]:
            span = f"{row['first_date']} to {row['last_date']}" if row["first_date"] else "undated"
            last = (
                f", last run {row['last_run_status']} {row['last_run_at']}"
                if row["last_run_status"]
                else ""
            )
            lines.append(
                f"  {printable(row['site'] or ''):<{width}}  {row['articles']:>8,}"
                f"  ({row['duplicates']:,} duplicates)  {span}{last}"
            )

    lines += ["", "Articles per category (counted once)"]
    width = max((len(c["category"]) for c in summary["categories"]), default=10)
    for c in summary["categories"]:
        flag = "  (unknown to the taxonomy)" if c["known"] is False else ""
        label = printable(c["category"])
        lines.append(f"  {label:<{width}}  {c['articles']:>8,}  {c['share']:>6.1%}{flag}")
    if not summary["categories"]:
        lines.append("  (none)")

    lines += ["", "Articles per month (counted once)"]
    lines += _month_grid(summary["months"])

    lines += ["", "Unknown categories (not in the taxonomy)"]
    for c in summary["unknown_categories"]:
        lines.append(
            f"  {printable(c['category'])} ({printable(c['category_slug'])}):"
            f" {c['articles']:,} articles"
        )
    if not summary["unknown_categories"]:
        lines.append("  (none)")

    lines += ["", "Quarantine (per reason)"]
    for q in summary["quarantine"]:
        lines.append(
            f"  {printable(q['reason']):<24} {q['rows']:>7,}  last {q['last_at']}"
            f" (run {q['last_run_id']})"
        )
    if not summary["quarantine"]:
        lines.append("  (none)")

    lines += ["", "Last crawl runs"]
    for r in summary["runs"]:
        lines.append(
            f"  #{r['id']:<5} {r['started_at']}  {r['status']:<11} {r['mode'] or '':<11}"
            f" {r['requests'] or 0:>6} requests, {r['articles_new'] or 0} new,"
            f" {r['articles_changed'] or 0} changed, {r['articles_unchanged'] or 0} unchanged,"
            f" {r['errors'] or 0} errors,"
            f" {r['quarantined'] or 0} quarantined"
            + (f", {r['robots_refused']} refused by robots.txt" if r["robots_refused"] else "")
        )
        if r["message"] and r["status"] != "ok":
            lines.append(f"         {printable(r['message'])}")
    if not summary["runs"]:
        lines.append("  (none)")
    return "\n".join(lines)


def _month_grid(months: list[dict[str, Any]]) -> list[str]:
    """One line per year, one column per month, and the year's total."""
    if not months:
        return ["  (no dated articles)"]
    years: dict[str, list[int | None]] = {}
    for m in months:
        years.setdefault(m["month"][:4], [None] * 12)[int(m["month"][5:7]) - 1] = m["articles"]
    cell = max(5, max(len(f"{m['articles']:,}") for m in months) + 1)
    lines = ["  year " + "".join(f"{name:>{cell}}" for name in MONTH_NAMES) + "    total"]
    for year, counts in years.items():
        cells = "".join(f"{'' if n is None else f'{n:,}':>{cell}}" for n in counts)
        lines.append(f"  {year} {cells}  {sum(n or 0 for n in counts):>7,}")
    return lines

"""The chart of `humas-crawler stats --plot`: articles per month, stacked by category."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

OTHER = "Lainnya (other categories)"
INSTALL_HINT = "pip install 'humas-crawler[plot]' (or: pip install matplotlib)"


class PlotError(Exception):
    """The chart cannot be drawn (matplotlib missing, unsupported format, unwritable file)."""


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise PlotError(f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}") from exc
    return Figure


def check_target(path: Path) -> None:
    """Fail early, before reading the archive: matplotlib, the format, the directory."""
    figure = _figure_class()()
    formats = figure.canvas.get_supported_filetypes()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in formats:
        raise PlotError(
            f"--plot {path}: unknown image format {path.suffix or '(none)'!r};"
            f" use one of {', '.join('.' + f for f in sorted(formats))}"
        )
    if not path.parent.is_dir():
        raise PlotError(f"--plot {path}: no directory {path.parent}")


def draw(rows: Iterable[dict[str, Any]], path: Path, *, top: int = 8) -> None:
    """Stacked bars, one per month from the first to the last, the `top` categories by
    articles drawn separately and the rest as one; `rows` hold month, category, articles."""
    figure_class = _figure_class()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_category: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["month"]][row["category"]] += row["articles"]
        per_category[row["category"]] += row["articles"]
    ranked = sorted(per_category, key=lambda c: (-per_category[c], c))
    shown = ranked[:top]
    groups = shown + ([OTHER] if len(ranked) > top else [])
    months = _months_between(counts)

    figure = figure_class(figsize=(min(24, max(9, len(months) * 0.07)), 5.5), layout="tight")
    axes = figure.subplots()
    positions = list(range(len(months)))
    bottoms = [0] * len(months)
    colors = _colors(len(shown)) + (["#c8c8c8"] if OTHER in groups else [])
    for group, color in zip(groups, colors, strict=True):
        heights = [
            sum(n for c, n in counts[m].items() if c not in shown)
            if group == OTHER
            else counts[m].get(group, 0)
            for m in months
        ]
        axes.bar(positions, heights, width=0.9, bottom=bottoms, label=group, color=color)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    if months:
        # One tick per year (its January, or the first month shown).
        ticks = [i for i, m in enumerate(months) if m.endswith("-01") or i == 0]
        axes.set_xticks(ticks, [months[i][:4] for i in ticks])
        axes.set_xlim(-1, len(months))
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    else:
        axes.text(0.5, 0.5, "no dated articles", ha="center", va="center")
    axes.set_ylabel("articles per month (counted once)")
    axes.set_title("humas-crawler archive: articles per month by category")
    axes.spines[["top", "right"]].set_visible(False)
    try:
        figure.savefig(path, dpi=120)
    except (OSError, ValueError) as exc:
        raise PlotError(f"cannot write the plot to {path}: {exc}") from exc


def _months_between(counts: dict[str, Any]) -> list[str]:
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _colors(n: int) -> list[Any]:
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    # Up to 9 categories in distinct colours (tab10 without its grey); "other" in light grey.
    distinct = [palette(i) for i in range(10) if i != 7]
    if n > len(distinct):
        palette = colormaps["tab20"]
        distinct = [palette(i) for i in range(20) if i not in (14, 15)]
    return [distinct[i % len(distinct)] for i in range(n)]

"""The package's layers import one way: cli -> crawl -> extract / archive -> revisions ->
normalize.

Read from the source with `ast` (imports inside functions and TYPE_CHECKING blocks count too):
a module may import its own layer and the layers below it, never one above.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

PACKAGE = ROOT / "humas_crawler"

# What each layer may import besides itself. `defaults` (every default and exit code) and the
# package's `__version__` sit under everything. `extract` builds the archive's record type and
# nothing else of `archive`. The replica (a test and demo site) runs the crawler only in
# subprocesses, and reads what a crawl left with the archive's own readers.
ALLOWED: dict[str, set[str]] = {
    "defaults": set(),
    "normalize": {"defaults"},
    # What changed between two revisions of an article (sentences, words, trivial edits), and
    # the Atom feeds of new and changed articles: pure functions over texts and rows, no SQL.
    "revisions": {"normalize", "defaults"},
    "archive": {"normalize", "defaults", "revisions"},
    "extract": {"normalize", "defaults", "archive.record"},
    "crawl": {"extract", "archive", "normalize", "defaults", "revisions"},
    "replica": {"archive", "normalize", "defaults"},
    "cli": {"crawl", "extract", "archive", "normalize", "defaults", "replica", "revisions"},
    # The Datasette plugin `browse` loads (--plugins-dir): pages over the read-only Store.
    "datasette": {"archive", "revisions", "normalize", "defaults"},
}


def layer_of(module: str) -> str:
    """`humas_crawler.crawl.spider` -> `crawl`; `humas_crawler` itself -> `""`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from humas_crawler.archive import record` imports the module archive.record.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("humas_crawler.")}


def allowed(layer: str, target: str) -> bool:
    inner = target.removeprefix("humas_crawler.")
    target_layer = layer_of(target)
    if target_layer in ("", layer) or inner == "__version__":
        return True
    return any(inner == rule or inner.startswith(rule + ".") for rule in ALLOWED[layer])


MODULES = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if path.parent != PACKAGE or path.stem not in ("__init__", "__main__")
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_its_layer_and_the_layers_below(path: Path) -> None:
    module = ".".join(("humas_crawler", *path.relative_to(PACKAGE).with_suffix("").parts))
    layer = layer_of(module)
    assert layer in ALLOWED, f"{module} sits in no known layer: add it to ALLOWED"
    wrong = sorted(
        target
        for target in imported_modules(path)
        if not allowed(layer, target) and not _names_a_symbol(target)
    )
    assert not wrong, f"{module} ({layer}) imports {wrong}"


def _names_a_symbol(target: str) -> bool:
    """`from humas_crawler.normalize import Site` adds `humas_crawler.normalize.Site`: a name in
    a module, not a module, when no such file or package exists."""
    relative = Path(*target.split(".")[1:])
    parent = PACKAGE / relative.parent
    return not (
        (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative).is_dir()
    ) and (parent.with_suffix(".py").exists() or parent.is_dir())


def test_every_top_level_module_is_a_layer_or_the_entry_points() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    # `datasette` holds the metadata and the plugin Datasette loads: data, not a package.
    assert top - {"__init__", "__main__"} == set(ALLOWED) - {"datasette"}


def test_the_command_line_loads_scrapy_only_to_crawl() -> None:
    # export, search, stats... start without Scrapy and Twisted (export's memory is ~25 MB less).
    code = (
        "import sys, humas_crawler.cli;"
        "print(sorted(m for m in ('scrapy', 'twisted') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_command_line_starts_without_pandas_and_numpy() -> None:
    # sqlite-utils would import both when installed (about 0.8 s and 80 MB per command,
    # archive/__init__.py); they still import, and work, when a user asks for them.
    code = (
        "import sys, humas_crawler.cli;"
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules));"
        "import pandas; print(pandas.DataFrame({'a': [1, 2]})['a'].sum())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "3"]

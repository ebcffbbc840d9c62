"""A CDXJ index of the archive's WARC files, beside them: pywb serves the directory in place."""

from __future__ import annotations

import os
from pathlib import Path

from humas_crawler.archive.warc import WARC_SUFFIX

INDEX_NAME = "index.cdxj"


def write_index(warc_dir: Path) -> tuple[Path, int]:
    """Write (or rewrite) `<warc_dir>/index.cdxj` from every WARC file there, sorted, with
    file names relative to the directory; (its path, its lines). Written through a partial
    file renamed when complete: a reader (pywb) never sees half an index."""
    from cdxj_indexer.main import write_cdx_index

    files = sorted(str(path) for path in Path(warc_dir).glob(f"*{WARC_SUFFIX}"))
    target = Path(warc_dir) / INDEX_NAME
    partial = Path(warc_dir) / f".{INDEX_NAME}.part"
    try:
        if files:
            opts = {"sort": True, "post_append": True, "dir_root": str(warc_dir)}
            write_cdx_index(str(partial), files, opts)
        else:
            partial.write_text("")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    with open(target, "rb") as fh:
        lines = sum(1 for _ in fh)
    return target, lines

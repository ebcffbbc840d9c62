"""Files written whole or not at all: beside the target, renamed onto it when complete."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A partial path beside `target` (`.NAME.part`) to write; renamed onto `target` when the
    block completes, removed when it fails. An interrupted or failed export never leaves a
    truncated file under the name asked for. An OSError is a click error naming `target`."""
    partial = target.with_name(f".{target.name}.part")
    try:
        yield partial
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

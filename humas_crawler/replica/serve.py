"""`humas-crawler replica`: serve a replica, with or without faults, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path

from humas_crawler.replica.faults import LEDGER_PATH, FaultInjector, FaultPlan
from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import ReplicaServer


def serve_forever(
    port: int,
    articles: int,
    *,
    seed: int = 0,
    sitemap: bool = False,
    link_forms: str = "stable",
    disallow: tuple[str, ...] = (),
    host: str = "127.0.0.1",
    faults: FaultPlan | None = None,
    fault_log: Path | None = None,
) -> None:
    """Serve a replica of `articles` articles until Ctrl-C (the `humas-crawler replica` command).

    With an active `faults` plan (or a `fault_log`), a FaultInjector answers: its ledger is served
    at /__faults__, written to `fault_log` (JSON lines) and summed up on stdout on exit.
    """
    site = ReplicaSite(
        articles, seed=seed, sitemap=sitemap, link_forms=link_forms, disallow=disallow
    )
    injector = None
    if (faults is not None and faults.active) or fault_log is not None:
        injector = FaultInjector(faults or FaultPlan(), site, log=fault_log)
    server = ReplicaServer(site, host=host, port=port, faults=injector)
    serve_until_stopped(
        server,
        injector,
        lambda url: f"replica of kaltimprov.go.id with {len(site)} articles at {url}/berita",
    )


def serve_until_stopped(
    server: ReplicaServer, injector: FaultInjector | None, announce: Callable[[str], str]
) -> None:
    """Start `server`, say where (`announce(base_url)`) and what faults it injects, and serve
    until Ctrl-C or SIGTERM; then stop it and sum up the faults injected. Every replica's
    command (`--cms kaltim|wordpress|joomla`) runs this."""
    stop = threading.Event()
    # Explicit handlers: a process started in the background by a shell inherits an ignored
    # SIGINT, and Python then never raises KeyboardInterrupt. Set before the URL is printed:
    # whoever reads it may signal at once.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server.start()
    print(announce(server.base_url), flush=True)
    if injector is not None:
        print(
            f"faults: {injector.plan.describe()}; ledger at {server.base_url}{LEDGER_PATH}",
            flush=True,
        )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        if injector is not None:
            injector.close()
            print(f"faults injected: {injector.summary()}", flush=True)

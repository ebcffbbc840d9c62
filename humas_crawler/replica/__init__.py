"""An offline replica of kaltimprov.go.id on loopback, for tests, demos and benchmarks."""

from __future__ import annotations

from humas_crawler.replica.model import WITA, ReplicaArticle, ReplicaSite
from humas_crawler.replica.serve import serve_forever
from humas_crawler.replica.server import (
    Faults,
    ReplicaServer,
    Request,
    RequestLog,
    Response,
)

__all__ = [
    "WITA",
    "Faults",
    "ReplicaArticle",
    "ReplicaServer",
    "ReplicaSite",
    "Request",
    "RequestLog",
    "Response",
    "serve_forever",
]

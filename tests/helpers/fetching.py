"""One raw HTTP request to a replica server (any of the three CMSs), its answer read whole."""

from __future__ import annotations

import http.client
import json
from typing import Any

from parsel import Selector

from humas_crawler.replica.server import ReplicaServer


class Fetched:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def page(self) -> Selector:
        return Selector(text=self.text)


def fetch(server: ReplicaServer, path: str, method: str = "GET", **headers: str) -> Fetched:
    """`path` asked of `server` as is (no redirect followed, no canonicalization)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        return Fetched(conn.getresponse())
    finally:
        conn.close()

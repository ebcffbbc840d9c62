"""Fault injection for the replica: reproducible failures per (path, attempt), and their ledger."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import random
import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from humas_crawler.replica.model import ReplicaSite
from humas_crawler.replica.server import Faults, Request, Response, Wire

# Drawn per (path, attempt) at a rate, on the first `transient_attempts` attempts at a path only:
# a crawler that retries gets the page.
TRANSIENT = ("500", "503", "429", "reset", "truncate", "slow")
# Properties of chosen article pages, on every attempt.
PERMANENT = ("garbled", "charset", "oversize", "redirect-loop", "offsite")
# `persistent`: chosen article pages answer 500 on their first `persistent_attempts` attempts.
KINDS = (*TRANSIENT, "persistent", *PERMANENT)
# The charset pages cycle through these, in the order the pages were chosen.
CHARSET_VARIANTS = ("cp1252-as-utf-8", "utf-8-as-cp1252", "cp1252-undeclared")
# The ledger as JSON. No page links here, and robots.txt disallows it while faults are on.
LEDGER_PATH = "/__faults__"
# Bytes of the head sent before a reset: none, or the status line and part of a header.
RESET_AFTER = (0, 20)


@dataclass(frozen=True)
class FaultPlan:
    """What to inject: the same plan on the same site fails the same requests, attempt for attempt.

    `rates` maps transient kinds to a chance per request; `paths` maps any kind to a number of
    article pages chosen (deterministically, from `seed`) to carry it. A transient kind pinned on
    pages hits their first `transient_attempts` attempts; `persistent` their first
    `persistent_attempts`; a permanent kind every attempt.
    """

    seed: int = 0
    rates: Mapping[str, float] = field(default_factory=dict)
    paths: Mapping[str, int] = field(default_factory=dict)
    transient_attempts: int = 1
    # Set to the crawler's attempts per URL in one run (this project: RETRY_TIMES 3 + 1), so that
    # the page is lost by that run and served to the next one.
    persistent_attempts: int = 4
    retry_after: int = 1  # seconds, in the Retry-After of 429s and 503s
    slow_seconds: float = 3.0
    oversize_bytes: int = 25 * 1024 * 1024  # above the crawler's DOWNLOAD_MAXSIZE (20 MB)
    loop_hops: int = 2  # distinct URLs in a redirect loop: 2 is A -> B -> A; 21 outlasts Scrapy
    offsite_host: str = "evil.example"
    robots: bool = False  # robots.txt takes transient faults too

    def __post_init__(self) -> None:
        unknown = (set(self.rates) - set(TRANSIENT)) | (set(self.paths) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        if not all(0 <= rate <= 1 for rate in self.rates.values()):
            raise ValueError("fault rates must lie between 0 and 1")
        if sum(self.rates.values()) > 1:
            raise ValueError("fault rates add up to more than 1")
        if not all(isinstance(n, int) and n >= 0 for n in self.paths.values()):
            raise ValueError("fault path counts must be whole numbers, 0 or more")
        if min(self.transient_attempts, self.persistent_attempts, self.loop_hops) < 1:
            raise ValueError("attempt counts and loop_hops must be 1 or more")
        if self.retry_after < 0 or self.slow_seconds <= 0 or self.oversize_bytes < 1:
            raise ValueError("retry_after, slow_seconds and oversize_bytes must be positive")
        # Kept in KINDS order, zeros dropped: iteration order is part of the determinism.
        object.__setattr__(self, "rates", {k: self.rates[k] for k in KINDS if self.rates.get(k)})
        object.__setattr__(self, "paths", {k: self.paths[k] for k in KINDS if self.paths.get(k)})

    @classmethod
    def from_cli(cls, **flags: Any) -> FaultPlan:
        """A plan from the `replica` command's parameters: `fault_500=0.08` (a transient kind's
        rate), `fault_429_paths=3` (its count of pages), `fault_garbled=2` (a page kind's count),
        `fault_seed`, `fault_robots`, and the other fields by name."""
        rates = {k: flags.pop(_flag(k), 0.0) for k in TRANSIENT}
        paths = {k: flags.pop(_flag(k) + "_paths", 0) for k in TRANSIENT}
        paths |= {k: flags.pop(_flag(k), 0) for k in ("persistent", *PERMANENT)}
        seed = flags.pop("fault_seed", 0)
        robots = flags.pop("fault_robots", False)
        return cls(seed=seed, rates=rates, paths=paths, robots=robots, **flags)

    @property
    def active(self) -> bool:
        return bool(self.rates or self.paths)

    def describe(self) -> str:
        """One line: `500 8%, reset 3%, garbled on 2 pages, seed 0`."""
        parts = [f"{kind} {rate:.4g}" for kind, rate in self.rates.items()]
        parts += [f"{kind} on {n} page{'s' * (n > 1)}" for kind, n in self.paths.items()]
        return ", ".join([*parts, f"seed {self.seed}"]) if parts else "none"

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "rates": dict(self.rates), "paths": dict(self.paths)}


@dataclass(frozen=True)
class Injection:
    """One injected fault, as the ledger keeps it."""

    kind: str
    path: str  # as `path_key` spells it
    attempt: int  # requests for that path so far, this one included
    detail: str = ""  # e.g. "1234 of 40321 bytes", "cp1252-as-utf-8", the Location


def path_key(raw_path: str) -> str:
    """The page a request asks for, as attempts are counted: trailing slash, tracking parameters
    and fragments dropped, `?page=N` kept."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path)
    if path != "/":
        path = path.rstrip("/")
    query = parse_qs(parts.query)
    page = query.get("page", ["1"])[-1]
    # Joomla's offsets (`?start=20`) name pages too.
    start = (query.get("start") or query.get("limitstart") or ["0"])[-1]
    if start != "0":
        return f"{path}?start={start}"
    return path if page == "1" else f"{path}?page={page}"


def choose_paths(plan: FaultPlan, article_paths: list[str]) -> dict[str, tuple[str, ...]]:
    """The article pages that carry each kind of `plan.paths`: disjoint, ranked by a hash of
    (seed, kind, path), so one kind's choice does not move when another kind's count changes."""
    taken: set[str] = set()
    chosen: dict[str, tuple[str, ...]] = {}
    for kind, count in plan.paths.items():
        free = [p for p in article_paths if p not in taken]
        if len(free) < count:
            raise ValueError(
                f"{count} pages asked for {kind} faults, only {len(free)} of"
                f" {len(article_paths)} articles left"
            )
        free.sort(key=lambda p: _digest(plan.seed, "choose", kind, p))
        chosen[kind] = tuple(free[:count])
        taken.update(chosen[kind])
    return chosen


class FaultInjector(Faults):
    """Injects a plan's faults into a ReplicaServer (`faults=`) and keeps the ledger.

    Attempts are counted per `path_key`. Pages are chosen from the site's articles at construction;
    articles added later take transient faults only.
    """

    def __init__(self, plan: FaultPlan, site: ReplicaSite, *, log: Path | None = None) -> None:
        self.plan = plan
        self.paths = choose_paths(plan, [a.path for a in site.articles])
        self.charset_variants = {
            path: CHARSET_VARIANTS[i % len(CHARSET_VARIANTS)]
            for i, path in enumerate(self.paths.get("charset", ()))
        }
        self._pinned = {path: kind for kind, paths in self.paths.items() for path in paths}
        self._attempts: dict[str, int] = {}
        self._ledger: list[Injection] = []
        self._lock = threading.Lock()
        self._pending = threading.local()  # the fault `after` applies, per handler thread
        self._log = log.open("w", encoding="utf-8") if log is not None else None

    # -- the ledger

    @property
    def ledger(self) -> list[Injection]:
        with self._lock:
            return list(self._ledger)

    def counts(self) -> dict[str, int]:
        """Injections per kind, every kind of the plan included (0 if it never fired)."""
        with self._lock:
            fired = Counter(i.kind for i in self._ledger)
        planned = set(self.plan.rates) | set(self.plan.paths) | set(fired)
        return {kind: fired[kind] for kind in KINDS if kind in planned}

    def attempts(self, raw_path: str) -> int:
        with self._lock:
            return self._attempts.get(path_key(raw_path), 0)

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{kind} {n}" for kind, n in counts.items()) if counts else "none"

    def report(self) -> dict[str, Any]:
        """What /__faults__ serves: the plan, the chosen pages, the counts so far."""
        counts = self.counts()
        return {
            "plan": self.plan.to_json(),
            "paths": {kind: list(paths) for kind, paths in self.paths.items()},
            "charset_variants": self.charset_variants,
            "counts": counts,
            "injected": sum(counts.values()),
        }

    def close(self) -> None:
        with self._lock:
            if self._log is not None:
                self._log.close()
                self._log = None

    def _record(self, kind: str, path: str, attempt: int, detail: str = "") -> None:
        entry = Injection(kind, path, attempt, detail)
        with self._lock:
            self._ledger.append(entry)
            if self._log is not None:
                self._log.write(json.dumps(dataclasses.asdict(entry), ensure_ascii=False) + "\n")
                self._log.flush()  # read by other processes while the replica runs

    # -- choosing

    def decide(self, path: str, attempt: int) -> str | None:
        """The fault for `attempt` at `path` (a `path_key`), or None; a pure function of both."""
        plan = self.plan
        kind = self._pinned.get(path)
        if kind in PERMANENT:
            return kind
        if kind == "persistent" and attempt <= plan.persistent_attempts:
            return kind
        if attempt > plan.transient_attempts:
            return None
        if kind is not None and kind != "persistent":
            return kind
        draw = _unit(plan.seed, "rate", path, attempt)
        for kind, rate in plan.rates.items():
            if draw < rate:
                return kind
            draw -= rate
        return None

    # -- the hook

    def before(self, request: Request) -> Response | None:
        self._pending.fault = None
        if urlsplit(request.path).path == LEDGER_PATH:
            body = json.dumps(self.report(), ensure_ascii=False, indent=2).encode("utf-8")
            return Response(200, body, "application/json; charset=utf-8")
        path = path_key(request.path)
        if path == "/robots.txt" and not self.plan.robots:
            return None
        with self._lock:
            attempt = self._attempts.get(path, 0) + 1
            self._attempts[path] = attempt
        kind = self.decide(path, attempt)
        if kind is None:
            return None
        answer = self._answer(kind, request, path)
        if answer is None:
            self._pending.fault = (kind, path, attempt)
            return None
        location = dict(answer.headers).get("Location", "")
        origin = f"http://{request.headers.get('Host')}"
        self._record(kind, path, attempt, location.removeprefix(origin))
        return answer

    def after(self, request: Request, response: Response) -> Response:
        fault = getattr(self._pending, "fault", None)
        if fault is None:
            if request.path == "/robots.txt" and response.status == 200:
                body = response.body.replace(
                    b"User-agent: *\n", f"User-agent: *\nDisallow: {LEDGER_PATH}\n".encode(), 1
                )
                return dataclasses.replace(response, body=body)
            return response
        self._pending.fault = None
        kind, path, attempt = fault
        altered, detail = self._alter(kind, path, attempt, response)
        self._record(kind, path, attempt, detail)
        return altered

    # -- the faults

    def _answer(self, kind: str, request: Request, path: str) -> Response | None:
        """A response instead of the site's, or None for a kind that alters the site's."""
        plan = self.plan
        if kind in ("500", "persistent"):
            return _error(500, "Internal Server Error")
        if kind in ("429", "503"):
            status = int(kind)
            reason = "Too Many Requests" if status == 429 else "Service Unavailable"
            return _error(status, reason, ("Retry-After", str(plan.retry_after)))
        host = request.headers.get("Host")
        origin = f"http://{host}" if host else ""
        if kind == "redirect-loop":
            hop = parse_qs(urlsplit(request.path).query).get("hop", ["0"])[-1]
            following = (int(hop) + 1 if hop.isdigit() else 1) % plan.loop_hops
            location = origin + path + (f"?hop={following}" if following else "")
            return _error(302, "Found", ("Location", location))
        if kind == "offsite":
            location = f"http://{plan.offsite_host}{path}"
            return _error(301, "Moved Permanently", ("Location", location))
        return None

    def _alter(
        self, kind: str, path: str, attempt: int, response: Response
    ) -> tuple[Response, str]:
        plan = self.plan
        body = response.body
        if kind == "reset":
            after = RESET_AFTER[_digest(plan.seed, "reset", path, attempt) % len(RESET_AFTER)]
            return dataclasses.replace(response, wire=Wire(reset_after=after)), f"after {after} B"
        if kind == "truncate":
            share = 0.1 + 0.8 * _unit(plan.seed, "truncate", path, attempt)
            sent = min(int(len(body) * share), max(len(body) - 1, 0))
            wire = Wire(body_bytes=sent)
            return dataclasses.replace(response, wire=wire), f"{sent} of {len(body)} bytes"
        if kind == "slow":
            wire = Wire(delay=plan.slow_seconds)
            return dataclasses.replace(response, wire=wire), f"{plan.slow_seconds:g} s"
        if kind == "garbled":
            return dataclasses.replace(response, body=garble(body, f"{plan.seed}:{path}")), ""
        if kind == "charset":
            variant = self.charset_variants[path]
            body, content_type = miscode(body, variant)
            return dataclasses.replace(response, body=body, content_type=content_type), variant
        if kind == "oversize":
            body = pad(body, plan.oversize_bytes)
            return dataclasses.replace(response, body=body), f"{len(body)} bytes"
        raise AssertionError(f"no alteration for fault kind {kind!r}")


def _error(status: int, reason: str, *headers: tuple[str, str]) -> Response:
    html = f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>"
    html += f"<body><h1>{reason}</h1></body></html>\n"
    return Response(status, html.encode("utf-8"), headers=headers)


# ----- page faults: pure functions of the page's bytes ----------------------------------------

_OPTIONAL_END_TAGS = re.compile(rb"</(?:p|li)>")
_TAG_WITH_ATTRIBUTES = re.compile(rb"<[a-zA-Z][a-zA-Z0-9]* (?=[a-z-]+=)")
_BODY_TAG = re.compile(rb"<body[^>]*>")
_FOOTER = re.compile(rb'<footer|<div class="footer"')
_JUNK = (b"\x00", b"\xff\xfe", b"\xc3\x28", b"\x80\x81", b"\x1b[0m", b'"', b"\xef\xbf")
_META_CHARSET = re.compile(rb'<meta charset="utf-8">\s*', re.IGNORECASE)


def garble(html: bytes, seed: str) -> bytes:
    """Break a page the way bad servers and editors do, leaving its text where it was.

    Every `</p>` and `</li>` is dropped; every fifth start tag with attributes gets junk bytes
    (NUL, invalid UTF-8, an escape sequence, a stray quote) among its attributes; a line of random
    bytes >= 0x80 opens the body; the document ends mid-tag inside the footer, with no `</body>`
    or `</html>`. The title, date and article paragraphs keep their text and their tags.
    """
    rng = random.Random(seed)
    out = html
    footer = _FOOTER.search(out)
    if footer is not None:
        link = out.find(b"<a ", footer.end())
        out = out[: link + 5] if link >= 0 else out[: footer.end()]
    out = _OPTIONAL_END_TAGS.sub(b"", out)
    tags = itertools.count()

    def junk(match: re.Match[bytes]) -> bytes:
        return match[0] + rng.choice(_JUNK) + b" " if next(tags) % 5 == 0 else match[0]

    out = _TAG_WITH_ATTRIBUTES.sub(junk, out)
    body = _BODY_TAG.search(out)
    if body is not None:
        noise = bytes(rng.randrange(0x80, 0x100) for _ in range(24))
        out = out[: body.end()] + b"\n" + noise + b"\n" + out[body.end() :]
    return out


def miscode(html: bytes, variant: str) -> tuple[bytes, str]:
    """(body, Content-Type) of a UTF-8 page whose bytes and declared charset disagree.

    `cp1252-as-utf-8`: windows-1252 bytes, declared UTF-8 by the header and `<meta charset>`;
    `utf-8-as-cp1252`: the UTF-8 bytes, declared windows-1252 by both; `cp1252-undeclared`:
    windows-1252 bytes, no charset in the header, no `<meta charset>`. The replica's non-ASCII
    characters (quotes, dashes) all exist in windows-1252, so every variant can be read back.
    """
    text = html.decode("utf-8")
    if variant == "cp1252-as-utf-8":
        return text.encode("cp1252", "xmlcharrefreplace"), "text/html; charset=utf-8"
    if variant == "utf-8-as-cp1252":
        body = _META_CHARSET.sub(b'<meta charset="windows-1252">\n', html, count=1)
        return body, "text/html; charset=windows-1252"
    if variant == "cp1252-undeclared":
        body = _META_CHARSET.sub(b"", html, count=1).decode("utf-8")
        return body.encode("cp1252", "xmlcharrefreplace"), "text/html"
    raise ValueError(f"unknown charset variant {variant!r}")


def pad(html: bytes, size: int) -> bytes:
    """The page grown to `size` bytes by a comment before `</body>` (unchanged if larger)."""
    filler = size - len(html) - len(b"<!--  -->\n")
    if filler <= 0:
        return html
    at = html.rfind(b"</body>")
    at = len(html) if at < 0 else at
    return html[:at] + b"<!-- " + b"x" * filler + b" -->\n" + html[at:]


# ----- determinism ---------------------------------------------------------------------------


def _flag(kind: str) -> str:
    return "fault_" + kind.replace("-", "_")


def _digest(*parts: object) -> int:
    data = "\0".join(str(part) for part in parts).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`."""
    return _digest(*parts) / 2**64

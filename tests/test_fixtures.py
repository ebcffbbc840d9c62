"""Every fixture case, every field: one test per (case, field), so a broken field fails by name."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from typing import Any

import pytest

from humas_crawler.archive.record import RECORD_FIELDS, content_hash
from humas_crawler.extract.fixtures import Case, discover, guess_kind, page_site
from humas_crawler.normalize import Site
from tests.helpers.paths import FIXTURES

CASES = discover(FIXTURES)
LISTING_FIELDS = ("entries", "next_page_url", "page_urls")


@cache
def extracted(case: Case) -> dict[str, Any]:
    return case.extract()


def _params():
    for case in CASES:
        fields = RECORD_FIELDS if case.kind == "article" else LISTING_FIELDS
        for field in fields:
            yield pytest.param(case, field, id=f"{case.kind}/{case.name}/{field}")


@pytest.mark.parametrize(("case", "field"), list(_params()))
def test_field(case: Case, field: str) -> None:
    got = extracted(case)[field]
    want = case.expected[field]
    if field == "entries":
        # Compare entry by entry so the failure names the first link that differs.
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            assert g == w, f"entry {i} ({w.get('url')})"
        assert len(got) == len(want), [e["url"] for e in got]
    elif field == "body_text" and got and want:
        assert got.split("\n\n") == want.split("\n\n")
    else:
        assert got == want


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "article"], ids=lambda c: c.name)
def test_expected_record_is_complete_and_consistent(case: Case) -> None:
    expected = case.expected
    assert set(expected) == set(RECORD_FIELDS)
    assert expected["content_hash"] == content_hash(
        expected["title"],
        expected["body_text"],
        expected["published_raw"],
        expected["category_raw"],
    )
    # Stored as fixtures must be: sorted keys, non-ASCII kept.
    text = (case.path / "expected.json").read_text(encoding="utf-8")
    assert text == json.dumps(expected, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def test_fixture_set_covers_several_templates() -> None:
    article_templates = {c.meta.get("template") for c in CASES if c.kind == "article"}
    assert len(article_templates) >= 3, article_templates
    listing_urls = [c.meta["url"] for c in CASES if c.kind == "listing"]
    assert any("?page=" in u for u in listing_urls)
    assert any("/page/" in u for u in listing_urls)


def test_fixture_files_are_self_consistent() -> None:
    """Expected values occur in their own page (fixtures/check_fixtures.py checks independently)."""
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "check_fixtures.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_page_site_and_guess_kind_do_not_depend_on_the_host() -> None:
    assert page_site("http://kaltimprov.go.id/berita/x") == Site.from_base_url()
    assert page_site("http://127.0.0.1:8123/berita/x").base_url == "http://127.0.0.1:8123"
    assert page_site("http://127.0.0.1:8123/x", "http://localhost:8123").host == "localhost:8123"
    for host in ("https://www.kaltimprov.go.id", "http://127.0.0.1:8123", "http://[::1]:8"):
        assert guess_kind(f"{host}/berita/a-b") == "article"
        assert guess_kind(f"{host}/detailberita/a-b?utm_source=x") == "article"
        for listing in ("/berita", "/berita/page/2", "/kategori/sosial", "/"):
            assert guess_kind(host + listing) == "listing"

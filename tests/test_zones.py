"""Indonesia's three zones: labels, offsets, provinces, UTC."""

from __future__ import annotations

import collections

import pytest

from humas_crawler.normalize import zones


@pytest.mark.parametrize(
    ("given", "label"),
    [
        ("WIB", "WIB"),
        ("wita", "WITA"),
        (" Wit ", "WIT"),
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("asia/makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("+07:00", "WIB"),
        ("+8", "WITA"),
        ("UTC+09:00", "WIT"),
    ],
)
def test_a_zone_by_label_iana_name_or_offset(given: str, label: str) -> None:
    assert zones.zone(given).label == label


@pytest.mark.parametrize("given", ["+05:30", "-07:00", "Asia/Tokyo", "CET", "", "+0"])
def test_anything_else_is_refused_with_the_three_labels(given: str) -> None:
    with pytest.raises(ValueError, match="WIB, WITA or WIT"):
        zones.zone(given)


def test_offsets_and_tzinfo() -> None:
    assert [z.offset for z in zones.ZONES.values()] == ["+07:00", "+08:00", "+09:00"]
    assert zones.WIT.tzinfo.utcoffset(None).total_seconds() == 9 * 3600


def test_38_provinces_18_wib_12_wita_8_wit() -> None:
    assert len(zones.PROVINCE_ZONES) == 38
    assert collections.Counter(zones.PROVINCE_ZONES.values()) == {"WIB": 18, "WITA": 12, "WIT": 8}


@pytest.mark.parametrize(
    ("province", "label"),
    [
        ("Kalimantan Timur", "WITA"),
        ("Kaltim", "WITA"),
        ("Provinsi Jawa Timur", "WIB"),
        ("DI Yogyakarta", "WIB"),
        ("Kalimantan Barat", "WIB"),  # Asia/Pontianak
        ("Papua Pegunungan", "WIT"),
        ("Sulbar", "WITA"),
    ],
)
def test_province_zone(province: str, label: str) -> None:
    found = zones.province_zone(province)
    assert found is not None and found.label == label


def test_an_unknown_province_has_no_zone() -> None:
    assert zones.province_zone("Atlantis") is None


def test_to_utc() -> None:
    assert zones.to_utc("2024-01-02T10:00:00+07:00") == "2024-01-02T03:00:00Z"
    assert zones.to_utc("2024-01-02T00:00:00+09:00") == "2024-01-01T15:00:00Z"
    assert zones.to_utc(None) is None
    assert zones.to_utc("2024-01-02T10:00:00") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Senin 10.00 WITA, Selasa 09.30 WITA", ("WITA", 2)),
        ("10.00 WIT | 11.00 WIT | 12.00 WIT | Jakarta 08.00 WIB", ("WIT", 3)),
        ("10.00 WITA, 09.00 WIB", None),  # one each: a national event, not the site's zone
        ("sekali 10.00 WIB", None),
        ("WITAL, AWIB, wita", None),  # not labels
    ],
)
def test_the_zone_a_page_prints(text: str, found: tuple | None) -> None:
    got = zones.zone_in_text(text)
    assert (got[0].label, got[1]) == found if found else got is None


@pytest.mark.parametrize(
    ("name", "province"),
    [
        ("Dinas Kominfo Provinsi Papua Barat Daya", "papua barat daya"),
        ("Humas Prov. Jatim | Beranda", "jawa timur"),
        ("Pemprov Kaltim", "kalimantan timur"),
        ("PROVINSI BALI - Berita", "bali"),
        ("Berita Terkini Jawa Timur", None),  # a province named, not as the site's own
        ("Provinsi Atlantis", None),
    ],
)
def test_the_province_a_site_is_named_after(name: str, province: str | None) -> None:
    assert zones.province_in_name(name) == province

"""Tests for humas_crawler.normalize.timestamps."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humas_crawler.normalize import Timestamp, normalize_timestamp
from humas_crawler.normalize import timestamps as timestamps_module

WITA = timezone(timedelta(hours=8))
REAL_TIMESTAMPS = Path(__file__).parent / "data" / "real_timestamps.txt"
# Written out rather than imported: expected values must not come from the code under test.
BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def _real_timestamps() -> list[str]:
    lines = REAL_TIMESTAMPS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def test_real_timestamps_file_is_complete() -> None:
    lines = _real_timestamps()
    assert len(lines) == len(set(lines)) >= 60
    assert "21 Juni 2022 Jam 22:03:32" in lines


@pytest.mark.parametrize("raw", _real_timestamps())
def test_real_site_timestamp(raw: str) -> None:
    match = re.fullmatch(r"(\d{2}) (\w+) (\d{4}) Jam (\d{2}):(\d{2}):(\d{2})", raw)
    assert match, raw
    day, month_name, year, hour, minute, second = match.groups()
    expected = datetime(
        int(year),
        BULAN.index(month_name) + 1,
        int(day),
        int(hour),
        int(minute),
        int(second),
        tzinfo=WITA,
    )
    result = normalize_timestamp(raw)
    assert result.iso == expected.isoformat()
    assert result.precision == ("day" if (hour, minute, second) == ("00", "00", "00") else "second")
    assert result.date == expected.date().isoformat()
    assert result.raw == raw
    assert result.error is None


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("21 Juni 2022 Jam 22:03:32", "2022-06-21T22:03:32+08:00", "second"),
        ("19 Januari 2015 Jam 00:00:00", "2015-01-19T00:00:00+08:00", "day"),
        ("19 Januari 2015 Jam 00:00", "2015-01-19T00:00:00+08:00", "day"),
        ("21 Juni 2022", "2022-06-21T00:00:00+08:00", "day"),
        ("1 Juni 2022", "2022-06-01T00:00:00+08:00", "day"),
        ("Selasa, 30 Desember 2025 | 14:20 WITA", "2025-12-30T14:20:00+08:00", "minute"),
        ("Jumat, 22 September 2017, pukul 06.45 WIB", "2017-09-22T07:45:00+08:00", "minute"),
        ("Jum'at, 22 September 2017 Pukul 06.45 WITA", "2017-09-22T06:45:00+08:00", "minute"),
        ("Ahad 3 Maret 2019", "2019-03-03T00:00:00+08:00", "day"),
        ("Minggu, 3 Maret 2019 - 10:15", "2019-03-03T10:15:00+08:00", "minute"),
        ("Kamis 8 Februari 2018 / 09.05.07", "2018-02-08T09:05:07+08:00", "second"),
        ("12 Feb 2022 17:50", "2022-02-12T17:50:00+08:00", "minute"),
        ("12 Peb 2022, 17:50:01", "2022-02-12T17:50:01+08:00", "second"),
        ("5 Agt 2019 jam 08:00", "2019-08-05T08:00:00+08:00", "minute"),
        ("5 Ags 2019", "2019-08-05T00:00:00+08:00", "day"),
        ("5 Agu 2019", "2019-08-05T00:00:00+08:00", "day"),
        ("5 Sept 2019", "2019-09-05T00:00:00+08:00", "day"),
        ("5 Okt 2019", "2019-10-05T00:00:00+08:00", "day"),
        ("5 Nop 2019", "2019-11-05T00:00:00+08:00", "day"),
        ("5 Des 2019", "2019-12-05T00:00:00+08:00", "day"),
        ("5 Mar 2019", "2019-03-05T00:00:00+08:00", "day"),
        ("5 Mei 2019", "2019-05-05T00:00:00+08:00", "day"),
        ("5 Jul 2019", "2019-07-05T00:00:00+08:00", "day"),
        ("21 JUNI 2022 JAM 22:03:32", "2022-06-21T22:03:32+08:00", "second"),
        ("selasa, 21 juni 2022 pukul 22.03", "2022-06-21T22:03:00+08:00", "minute"),
        ("21 June 2022 22:03", "2022-06-21T22:03:00+08:00", "minute"),
        ("Tuesday, 21 June 2022", "2022-06-21T00:00:00+08:00", "day"),
        ("21 October 2022 10:00:05 WITA", "2022-10-21T10:00:05+08:00", "second"),
        ("\u00a0 21\u00a0Juni   2022  Jam\u00a022:03:32 \n", "2022-06-21T22:03:32+08:00", "second"),
        ("21/06/2022 22:03", "2022-06-21T22:03:00+08:00", "minute"),
        ("21/06/2022", "2022-06-21T00:00:00+08:00", "day"),
        ("21-06-2022 22:03:32", "2022-06-21T22:03:32+08:00", "second"),
        ("3/2/2022", "2022-02-03T00:00:00+08:00", "day"),
        ("2022-06-21", "2022-06-21T00:00:00+08:00", "day"),
        ("2022-06-21T22:03:32+08:00", "2022-06-21T22:03:32+08:00", "second"),
        ("2022-06-21T14:03:32Z", "2022-06-21T22:03:32+08:00", "second"),
        ("2022-06-21T14:03:32.123456+00:00", "2022-06-21T22:03:32+08:00", "second"),
        ("2022-06-21T22:03:32+0800", "2022-06-21T22:03:32+08:00", "second"),
        ("2022-06-21T21:03:32+07:00", "2022-06-21T22:03:32+08:00", "second"),
        ("2022-06-21 22:03:32", "2022-06-21T22:03:32+08:00", "second"),
        ("2022-06-21T22:03", "2022-06-21T22:03:00+08:00", "minute"),
        ("2022-06-21T00:00:00+08:00", "2022-06-21T00:00:00+08:00", "day"),
    ],
)
def test_variants(raw: str, iso: str, precision: str) -> None:
    result = normalize_timestamp(raw)
    assert (result.iso, result.precision, result.error) == (iso, precision, None)
    assert result.raw == raw


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("30 Desember 2025 14:20 WIB", "2025-12-30T15:20:00+08:00"),
        ("30 Desember 2025 14:20 WIT", "2025-12-30T13:20:00+08:00"),
        ("30 Desember 2025 14:20 wita", "2025-12-30T14:20:00+08:00"),
        # Shifts across midnight, month and year.
        ("31 Desember 2025 23:30 WIB", "2026-01-01T00:30:00+08:00"),
        ("1 Januari 2022 00:30:15 WIT", "2021-12-31T23:30:15+08:00"),
        ("28 Februari 2024 pukul 23.10 WIB", "2024-02-29T00:10:00+08:00"),
        ("2022-06-21T23:30:00+07:00", "2022-06-22T00:30:00+08:00"),
        ("2022-06-21T16:30:00Z", "2022-06-22T00:30:00+08:00"),
    ],
)
def test_zone_conversion(raw: str, iso: str) -> None:
    result = normalize_timestamp(raw)
    assert result.iso == iso
    assert result.date == iso[:10]


def test_placeholder_midnight_keeps_the_shown_date() -> None:
    # `00:00` means "time unknown" whatever the zone, so the shown date is kept.
    result = normalize_timestamp("1 Januari 2022 00:00 WIT")
    assert (result.iso, result.precision) == ("2022-01-01T00:00:00+08:00", "day")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("31 Februari 2022", "day 31"),
        ("30 Februari 2020 Jam 10:00:00", "day 30"),
        ("29 Februari 2023", "day 29"),
        ("31 April 2022 Jam 10:00:00", "day 31"),
        ("0 Juni 2022", "day 0"),
        ("21 Juni 2022 Jam 25:61:00", "time 25:61:00"),
        ("21 Juni 2022 Jam 24:00", "time 24:00"),
        ("21 Juni 2022 Jam 10:00:60", "time 10:00:60"),
        ("21/13/2022", "month 13"),
        ("2022-13-01", "month 13"),
        ("2022-02-30T10:00:00", "day 30"),
        ("21 Juni 1899 Jam 10:00:00", "year 1899"),
        ("21 Juni 2101", "year 2101"),
        ("2022-06-21T10:00:00+25:00", "UTC offset"),
    ],
)
def test_impossible_values(raw: str, reason: str) -> None:
    result = normalize_timestamp(raw)
    assert (result.iso, result.precision, result.raw) == (None, None, raw)
    assert result.error is not None
    assert reason in result.error
    assert result.date is None


@pytest.mark.parametrize(
    "raw",
    [
        "lorem ipsum",
        "Sosial",
        "Gubernur Kaltim",
        "Juni",
        "Juni 2022",  # no day: it would be made up
        "Rabu (26/6)",  # no year
        "Jam 22:03:32",
        "21 Foo 2022",
        "99999999999999999999 Juni 2022",
        "9999999999 hari lalu",
        "x" * 5000,
    ],
)
def test_garbage(raw: str) -> None:
    result = normalize_timestamp(raw)
    assert result.iso is None
    assert result.precision is None
    assert result.error


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0\n"])
def test_empty(raw: str | None) -> None:
    assert normalize_timestamp(raw) == Timestamp(None, None, raw, None)


def test_non_string_does_not_raise() -> None:
    result = normalize_timestamp(20220621)  # type: ignore[arg-type]
    assert result.iso is None
    assert result.error


NOW = datetime(2024, 1, 10, 4, 0, 37, tzinfo=UTC)  # 12:00:37 WITA


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("2 jam yang lalu", "2024-01-10T10:00:00+08:00", "minute"),
        ("5 menit lalu", "2024-01-10T11:55:00+08:00", "minute"),
        ("10 detik yang lalu", "2024-01-10T12:00:27+08:00", "second"),
        ("kemarin", "2024-01-09T00:00:00+08:00", "day"),
        ("3 hari lalu", "2024-01-07T00:00:00+08:00", "day"),
        ("hari ini", "2024-01-10T00:00:00+08:00", "day"),
        ("yesterday", "2024-01-09T00:00:00+08:00", "day"),
    ],
)
def test_relative_dates_count_from_now(raw: str, iso: str, precision: str) -> None:
    result = normalize_timestamp(raw, now=NOW)
    assert (result.iso, result.precision) == (iso, precision)


def test_naive_now_is_wita() -> None:
    result = normalize_timestamp("kemarin", now=datetime(2024, 1, 10, 0, 30))
    assert result.iso == "2024-01-09T00:00:00+08:00"


def test_now_does_not_change_absolute_dates() -> None:
    assert normalize_timestamp("21 Juni 2022 Jam 22:03:32", now=NOW).iso == (
        "2022-06-21T22:03:32+08:00"
    )


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("June 21, 2022 10:30 pm", "2022-06-21T22:30:00+08:00", "minute"),
        ("21 Juni, 2022", "2022-06-21T00:00:00+08:00", "day"),
        ("21.06.2022", "2022-06-21T00:00:00+08:00", "day"),
    ],
)
def test_fallback_forms(raw: str, iso: str, precision: str) -> None:
    result = normalize_timestamp(raw)
    assert (result.iso, result.precision) == (iso, precision)


def test_date_property() -> None:
    assert normalize_timestamp("21 Juni 2022 Jam 22:03:32").date == "2022-06-21"
    assert Timestamp(None, None, None).date is None


@given(st.text())
def test_never_raises(raw: str) -> None:
    result = normalize_timestamp(raw)
    assert isinstance(result, Timestamp)
    _check_iso(result)


# Digits, month names, zone names and separators, so dateparser gets near-dates to chew on.
_NEAR_DATES = st.lists(
    st.sampled_from(
        [
            *("1", "21", "99", "2022", "1999", "99999999", "Juni", "Feb", "jam", "lalu", "WIB"),
            *("pukul", "kemarin", ":", ".", "/", "-", ",", " ", "+08:00", "T", "Z", "pm", "hari"),
        ]
    ),
    max_size=12,
).map("".join)


@given(_NEAR_DATES, st.datetimes(timezones=st.sampled_from([UTC, WITA])))
def test_never_raises_on_near_dates(raw: str, now: datetime) -> None:
    result = normalize_timestamp(raw, now=now)
    assert isinstance(result, Timestamp)
    _check_iso(result)


def _check_iso(result: Timestamp) -> None:
    if result.iso is None:
        assert result.precision is None
    else:
        assert result.iso.endswith("+08:00")
        assert datetime.fromisoformat(result.iso).utcoffset() == timedelta(hours=8)
        assert result.precision in ("second", "minute", "day")
        assert result.error is None


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59)))
def test_site_form_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=WITA)
    raw = f"{moment.day:02d} {BULAN[moment.month - 1]} {moment.year} Jam {moment:%H:%M:%S}"
    result = normalize_timestamp(raw)
    assert result.iso == moment.isoformat()
    assert datetime.fromisoformat(result.iso) == moment
    midnight = moment.hour == moment.minute == moment.second == 0
    assert result.precision == ("day" if midnight else "second")


@given(
    st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2100, 12, 30)),
    st.sampled_from([("WIB", 1), ("WITA", 0), ("WIT", -1)]),
)
def test_zoned_site_form_converts(moment: datetime, zone: tuple[str, int]) -> None:
    name, shift_hours = zone
    moment = moment.replace(second=0, microsecond=0)
    if moment.hour == moment.minute == 0:
        moment += timedelta(minutes=1)  # 00:00 is the "unknown time" placeholder
    raw = f"{moment.day} {BULAN[moment.month - 1]} {moment.year}, pukul {moment:%H.%M} {name}"
    expected = (moment + timedelta(hours=shift_hours)).replace(tzinfo=WITA)
    result = normalize_timestamp(raw)
    assert (result.iso, result.precision) == (expected.isoformat(), "minute")


@given(
    st.sampled_from(["kemarin", "2 jam yang lalu", "3 hari lalu", "10 tahun lalu", "yesterday"]),
    st.datetimes(
        timezones=st.sampled_from(
            [
                None,
                UTC,
                WITA,
                timezone(timedelta(hours=-12)),
                timezone(timedelta(hours=14)),
            ]
        )
    ),
)
def test_relative_dates_never_raise_whatever_now(raw: str, now: datetime) -> None:
    _check_iso(normalize_timestamp(raw, now=now))


def test_now_at_the_edge_of_datetime() -> None:
    result = normalize_timestamp("2 hari lalu", now=datetime.max.replace(tzinfo=UTC))
    assert result.iso is None
    assert result.error


@pytest.mark.parametrize(
    ("raw", "iso", "precision"),
    [
        ("12 Agst 2023 10:00", "2023-08-12T10:00:00+08:00", "minute"),
        ("12 Agu 2023", "2023-08-12T00:00:00+08:00", "day"),
        ("12 Ags. 2023", "2023-08-12T00:00:00+08:00", "day"),
        ("5 Sept 2023", "2023-09-05T00:00:00+08:00", "day"),
        ("5 Okt 2023", "2023-10-05T00:00:00+08:00", "day"),
        ("5 Nop 2023", "2023-11-05T00:00:00+08:00", "day"),
        ("5 Des 2023", "2023-12-05T00:00:00+08:00", "day"),
        ("Senin, 3 Juli 2023 pukul 11.45 WITA", "2023-07-03T11:45:00+08:00", "minute"),
        ("3 Juli 2023 pk. 11.45", "2023-07-03T11:45:00+08:00", "minute"),
        ("3 Juli 2023, pk 11.45 WITA", "2023-07-03T11:45:00+08:00", "minute"),
        ("3 Juli 2023 14:00 Waktu Indonesia Tengah", "2023-07-03T14:00:00+08:00", "minute"),
        ("3 Juli 2023 14:00 Waktu Indonesia Barat", "2023-07-03T15:00:00+08:00", "minute"),
        ("3 Juli 2023 14:00 waktu indonesia timur", "2023-07-03T13:00:00+08:00", "minute"),
        ("(3/8/20)", "2020-08-03T00:00:00+08:00", "day"),
        ("3/8/20 14:05", "2020-08-03T14:05:00+08:00", "minute"),
        ("Jum'at, 7 Juli 2023", "2023-07-07T00:00:00+08:00", "day"),
        ("Jum’at, 7 Juli 2023", "2023-07-07T00:00:00+08:00", "day"),
    ],
)
def test_government_site_forms_take_the_fast_path(
    raw: str, iso: str, precision: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forms other provinces' sites use: read by the fast path, never handed to dateparser.
    def no_fallback(*args: object) -> None:
        raise AssertionError(f"{raw!r} went to dateparser")

    monkeypatch.setattr(timestamps_module, "_fallback", no_fallback)
    stamp = normalize_timestamp(raw)
    assert (stamp.iso, stamp.precision, stamp.error) == (iso, precision, None)


@pytest.mark.parametrize(
    ("raw", "iso", "warned"),
    [
        ("Senin, 7 Juli 2023", "2023-07-07T00:00:00+08:00", "'Senin' does not match 2023-07-07"),
        ("Rabu, 21/06/2022 10:00", "2022-06-21T10:00:00+08:00", "'Rabu' does not match"),
        ("Jumat, 7 Juli 2023", "2023-07-07T00:00:00+08:00", None),
        ("Jum'at, 7 Juli 2023", "2023-07-07T00:00:00+08:00", None),
        ("Selasa, 21 Juni 2022 Jam 22:03:32", "2022-06-21T22:03:32+08:00", None),
        # The day name is the shown date's, before the change of zone.
        ("Senin, 3 Juli 2023 23:30 WIB", "2023-07-04T00:30:00+08:00", None),
    ],
)
def test_a_day_name_that_contradicts_the_date_keeps_the_date_with_a_warning(
    raw: str, iso: str, warned: str | None
) -> None:
    stamp = normalize_timestamp(raw)
    assert (stamp.iso, stamp.error) == (iso, None)
    if warned is None:
        assert stamp.warning is None
    else:
        assert warned in stamp.warning and "the date is kept" in stamp.warning


# ----- the site's zone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "zone", "iso", "precision"),
    [
        # Shown without a zone: read in the site's zone, stored in it.
        ("Selasa, 6 Juni 2023 09:15", "WIB", "2023-06-06T09:15:00+07:00", "minute"),
        ("Selasa 28 Mei 2024", "WITA", "2024-05-28T00:00:00+08:00", "day"),
        ("(5/8/2025)", "WIT", "2025-08-05T00:00:00+09:00", "day"),
        ("2023-06-06T09:15:00", "WIB", "2023-06-06T09:15:00+07:00", "second"),
        # A label on the page wins; the instant is expressed in the site's zone.
        ("28 Mei 2024 11.45 WITA", "WIB", "2024-05-28T10:45:00+07:00", "minute"),
        ("28 Mei 2024 11.45 WIB", "WIT", "2024-05-28T13:45:00+09:00", "minute"),
        # An ISO offset (or Z: date_gmt-like values) wins too.
        ("2023-06-06T02:15:00Z", "WIB", "2023-06-06T09:15:00+07:00", "second"),
        ("2023-06-06T10:15:00+08:00", "WIB", "2023-06-06T09:15:00+07:00", "second"),
        # The fallback parser reads in the site's zone as well.
        ("6th of June 2023, 09:15", "WIB", "2023-06-06T09:15:00+07:00", "minute"),
    ],
)
def test_the_sites_zone(raw: str, zone: str, iso: str, precision: str) -> None:
    stamp = normalize_timestamp(raw, zone=zone)
    assert (stamp.iso, stamp.precision) == (iso, precision), stamp


def test_relative_forms_count_from_now_in_the_sites_zone() -> None:
    now = datetime(2024, 5, 28, 1, 30, tzinfo=UTC)  # 08:30 WIB, 10:30 WIT
    assert normalize_timestamp("2 jam yang lalu", now=now, zone="WIB").iso == (
        "2024-05-28T06:30:00+07:00"
    )
    assert normalize_timestamp("kemarin", now=now, zone="WIT").iso == "2024-05-27T00:00:00+09:00"

"""Turn a timestamp as shown on a site into ISO 8601 in the site's zone, with its precision.

The site's zone (WITA for Kaltim, WIB or WIT elsewhere: normalize/zones.py) reads a time shown
without a zone and is the zone of the result; a zone label shown beside the time (`11.45 WIB`)
wins over it, and the instant is then expressed in the site's zone.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from dateparser.date import DateDataParser

from humas_crawler.normalize.zones import ZONES, Zone

_WITA_OFFSET = timedelta(hours=8)
WITA = timezone(_WITA_OFFSET, "WITA")
DEFAULT_ZONE = "WITA"  # Kaltim's, the first site's
# Indonesian zone names, as pages show them beside a time.
ZONE_OFFSETS: dict[str, timedelta] = {
    "wib": timedelta(hours=7),
    "wita": timedelta(hours=8),
    "wit": timedelta(hours=9),
}
# A publication date outside this range is a typo or a date from the body, not a publication.
MIN_YEAR = 1990
MAX_YEAR = 2100
# Nothing longer is a timestamp; the cap also keeps dateparser away from pathological input.
MAX_RAW_LENGTH = 200

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "pebruari", "feb", "peb", "february"),
        ("maret", "mar", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "ags", "agst", "agust", "august", "aug"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "october", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "des", "december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number
del _number, _names, _name

_DAY_NAME = (
    r"(?:senin|selasa|rabu|kamis|jum[’']?at|sabtu|minggu|ahad"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
# Separators the site's templates put between the date and the time: `Jam`, `Pukul`, `pk.`, `,`,
# `|`, `-`, `/` (`, pukul` combines two), or only a space.
_TIME = (
    r"(?:\s*[,|/-])?(?:\s*(?:jam|pukul|pk\.?))?\s*"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
)
# `WITA`, or written out: `Waktu Indonesia Tengah` (WITA), `Barat` (WIB), `Timur` (WIT).
_ZONE = r"(?:\s*(?P<zone>wita|wib|wit|waktu\s+indonesia\s+(?:tengah|barat|timur)))?"
_ZONE_WORDS = {"tengah": "wita", "barat": "wib", "timur": "wit"}
_TEXT_DATE_RE = re.compile(
    rf"(?:(?P<weekday>{_DAY_NAME})\s*,?\s*)?"
    r"(?P<day>\d{1,2})[\s-]*(?P<month>[^\W\d_]+)\.?[\s-]*(?P<year>\d{4})"
    rf"(?:{_TIME}{_ZONE})?",
    re.IGNORECASE,
)
# Day first, as Indonesians write it: 21/06/2022 is 21 June; `(3/8/20)` is 3 August 2020.
_NUMERIC_DATE_RE = re.compile(
    rf"\(?(?:(?P<weekday>{_DAY_NAME})\s*,?\s*)?"
    r"(?P<day>\d{1,2})(?P<sep>[/-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    rf"(?:{_TIME}{_ZONE})?\)?",
    re.IGNORECASE,
)
# `<time datetime>`, JSON-LD and `article:published_time` values.
_ISO_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_TWO_DIGITS = [f"{number:02d}" for number in range(13)]
_DIGIT_RE = re.compile(r"\d")
# Relative forms that dateparser resolves against the fetch time; only these may lack digits.
_RELATIVE_RE = re.compile(
    r"\b(?:lalu|kemarin|hari ini|sekarang|baru saja|ago|yesterday|today|now|just now)\b",
    re.IGNORECASE,
)
_SHOWN_SECONDS_RE = re.compile(r"\d{1,2}[:.]\d{2}[:.]\d{2}|\b(?:detik|seconds?)\b", re.IGNORECASE)
_SHOWN_TIME_RE = re.compile(
    r"\d{1,2}[:.]\d{2}|\d\s*[ap]\.?m\b|\b(?:jam|menit|detik|hours?|minutes?|seconds?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Timestamp:
    """A normalized timestamp; `error` says why a non-empty `raw` gave no `iso`."""

    iso: str | None
    precision: str | None
    raw: str | None
    error: str | None = None
    # Something odd that did not stop the date from being read (a day name that contradicts it).
    warning: str | None = None

    @property
    def date(self) -> str | None:
        """`YYYY-MM-DD` in the site's zone, or None."""
        return self.iso[:10] if self.iso else None


def normalize_timestamp(
    raw: str | None, now: datetime | None = None, zone: str = DEFAULT_ZONE
) -> Timestamp:
    """Normalize `raw` to ISO 8601 in the site's `zone` (WIB, WITA or WIT); never raises.

    `now` is the fetch time that relative forms (`2 jam yang lalu`, `kemarin`) count from;
    a naive `now` is read as wall-clock time in `zone`.
    """
    site = ZONES[zone]
    if raw is None:
        return Timestamp(None, None, None)
    if not isinstance(raw, str):
        return _failed(repr(raw), f"expected a string, got {type(raw).__name__}")
    # str.split() also splits on nbsp and the other Unicode spaces.
    text = " ".join(raw.split())
    if not text:
        return Timestamp(None, None, raw)
    if len(text) > MAX_RAW_LENGTH:
        return _failed(raw, f"too long to be a timestamp ({len(text)} characters)")
    result = _fast_path(text, raw, site)
    if result is not None:
        return result
    return _fallback(text, raw, now, site)


def _failed(raw: str, reason: str) -> Timestamp:
    return Timestamp(None, None, raw, reason)


def _fast_path(text: str, raw: str, site: Zone) -> Timestamp | None:
    """Parse the sites' common forms with one regex; None when `text` is not one of them."""
    match = _TEXT_DATE_RE.fullmatch(text)
    if match:
        month = MONTHS.get(match["month"].casefold())
        if month is None:
            return None  # an unknown word in the month slot: let dateparser try
        return _build(raw, match, month, _zone_offset(match["zone"], site), site)
    match = _NUMERIC_DATE_RE.fullmatch(text)
    if match:
        return _build(raw, match, int(match["month"]), _zone_offset(match["zone"], site), site)
    match = _ISO_RE.fullmatch(text)
    if match:
        return _build(raw, match, int(match["month"]), _iso_offset(match["offset"], site), site)
    return None


def _zone_offset(zone: str | None, site: Zone) -> timedelta:
    if not zone:
        return timedelta(hours=site.hours)
    name = zone.casefold()
    return ZONE_OFFSETS[_ZONE_WORDS.get(name.split()[-1], name)]


def _iso_offset(offset: str | None, site: Zone) -> timedelta | None:
    """The UTC offset of an ISO string (none = the site's zone); None when it cannot exist."""
    if offset is None:
        return timedelta(hours=site.hours)
    if offset in ("Z", "z"):
        return timedelta(0)
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    sign = -1 if offset[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


# Monday is 0, as `date.weekday()` counts.
_WEEKDAYS = {
    **dict.fromkeys(("senin", "monday"), 0),
    **dict.fromkeys(("selasa", "tuesday"), 1),
    **dict.fromkeys(("rabu", "wednesday"), 2),
    **dict.fromkeys(("kamis", "thursday"), 3),
    **dict.fromkeys(("jumat", "friday"), 4),
    **dict.fromkeys(("sabtu", "saturday"), 5),
    **dict.fromkeys(("minggu", "ahad", "sunday"), 6),
}


def _build(
    raw: str, match: re.Match[str], month: int, offset: timedelta | None, site: Zone
) -> Timestamp:
    """The timestamp of the matched fields; a day name that contradicts the date keeps the
    date (the numbers are what editors type with care) and says so in `warning`."""
    stamp = _build_date(raw, match, month, offset, site)
    weekday = match.groupdict().get("weekday")
    if stamp.iso is None or not weekday:
        return stamp
    expected = _WEEKDAYS.get(re.sub(r"[’']", "", weekday.casefold()))
    # The date as shown, before any change of zone: the day name is that date's.
    year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
    shown = date(year, month, int(match["day"]))
    if expected is None or shown.weekday() == expected:
        return stamp
    day_name = calendar.day_name[shown.weekday()]
    return Timestamp(
        stamp.iso,
        stamp.precision,
        raw,
        warning=f"the day name {weekday!r} does not match {shown.isoformat()} (a {day_name}):"
        " the date is kept",
    )


def _build_date(
    raw: str, match: re.Match[str], month: int, offset: timedelta | None, site: Zone
) -> Timestamp:
    """Check the matched fields and format the ISO string."""
    # The matched digits are reused as text: formatting numbers would cost more than the regex.
    year_text, day_text, hour_text, minute_text, second_text = match.group(
        "year", "day", "hour", "minute", "second"
    )
    if len(year_text) == 2:
        # Two-digit years (`3/8/20`) are this century's: the site's news starts in the 2010s.
        year_text = "20" + year_text
    year, day = int(year_text), int(day_text)
    if offset is None:
        return _failed(raw, f"UTC offset {match['offset']} does not exist")
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _failed(raw, f"year {year} outside the plausible range {MIN_YEAR}-{MAX_YEAR}")
    if not 1 <= month <= 12:
        return _failed(raw, f"month {month} does not exist")
    if day < 1 or (day > 28 and day > calendar.monthrange(year, month)[1]):
        month_length = (
            f"{calendar.month_name[month]} {year} has {calendar.monthrange(year, month)[1]}"
        )
        return _failed(raw, f"day {day} does not exist: {month_length} days")
    date = f"{year_text}-{_TWO_DIGITS[month]}-{day_text.zfill(2)}T"
    if hour_text is None:
        return Timestamp(f"{date}00:00:00{site.offset}", "day", raw)
    hour, minute = int(hour_text), int(minute_text)
    second = int(second_text) if second_text is not None else 0
    if hour > 23 or minute > 59 or second > 59:
        shown = f"{hour_text}:{minute_text}" + (f":{second_text}" if second_text else "")
        return _failed(raw, f"time {shown} does not exist")
    if hour == minute == second == 0:
        # The site shows `Jam 00:00:00` when it does not know the time: the date is all there
        # is, and it is the date as shown (a placeholder midnight carries no zone to convert).
        return Timestamp(f"{date}00:00:00{site.offset}", "day", raw)
    if second_text is None:
        precision, second_text = "minute", "00"
    else:
        precision = "second"
    if offset.total_seconds() == site.hours * 3600:
        iso = f"{date}{hour_text.zfill(2)}:{minute_text}:{second_text}{site.offset}"
        return Timestamp(iso, precision, raw)
    shown_at = datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    return _result(raw, shown_at, precision, site)


def _result(raw: str, moment: datetime, precision: str, site: Zone) -> Timestamp:
    return Timestamp(moment.astimezone(site.tzinfo).isoformat(), precision, raw)


@functools.lru_cache(maxsize=len(ZONES))
def _parser(site: Zone) -> DateDataParser:
    """The fallback parser of a zone, built once: loading dateparser's locale data is the slow
    part."""
    return _make_parser(None, site)


def _make_parser(relative_base: datetime | None, site: Zone) -> DateDataParser:
    settings: dict[str, object] = {
        "TIMEZONE": site.iana,
        "RETURN_AS_TIMEZONE_AWARE": True,
        # A partial date (`Juni 2022`, `Rabu (26/6)`) would have its gaps filled from today.
        "REQUIRE_PARTS": ["day", "month", "year"],
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past",
    }
    if relative_base is not None:
        settings["RELATIVE_BASE"] = relative_base
    return DateDataParser(languages=["id", "en"], settings=settings)


def _fallback(text: str, raw: str, now: datetime | None, site: Zone) -> Timestamp:
    """Ask dateparser about a form the fast path does not know."""
    relative = _RELATIVE_RE.search(text) is not None
    if not relative and not _DIGIT_RE.search(text):
        # Without a digit only a relative form can be a date; dateparser would otherwise read
        # some words (month names, `Sosial`...) as dates.
        return _failed(raw, "no date recognized")
    try:
        if relative and now is not None:
            # dateparser takes the relative base only from a parser's settings; building one
            # is cheap (~20 µs) next to parsing (~1-2 ms) and happens only for relative forms.
            tz = site.tzinfo
            base = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
            parser = _make_parser(base, site)
        else:
            parser = _parser(site)
        data = parser.get_date_data(text)
    except (ValueError, OverflowError) as exc:
        # What datetime arithmetic raises near years 1 and 9999: converting `now`, and inside
        # dateparser (releases 1.2-1.5 catch theirs, hypothesis found none escaping, but that
        # is not a documented promise). One odd string must not stop a crawl.
        return _failed(raw, f"no date recognized ({type(exc).__name__}: {exc})")
    moment = data.date_obj
    if moment is None:
        return _failed(raw, "no date recognized")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        # Checked before converting: astimezone() overflows near year 1 and 9999.
        return _failed(raw, f"year {moment.year} outside the plausible range {MIN_YEAR}-{MAX_YEAR}")
    moment = moment.astimezone(site.tzinfo).replace(microsecond=0)
    # `parts` is new in dateparser 1.5; without it the text alone says whether a time was shown.
    parts = getattr(data, "parts", None) or ("time",)
    if "time" not in parts or not _SHOWN_TIME_RE.search(text) or _is_midnight(moment):
        # `kemarin` resolves to the fetch time of day, which says nothing about the article.
        return _result(raw, moment.replace(hour=0, minute=0, second=0), "day", site)
    if _SHOWN_SECONDS_RE.search(text):
        return _result(raw, moment, "second", site)
    return _result(raw, moment.replace(second=0), "minute", site)


def _is_midnight(moment: datetime) -> bool:
    return moment.hour == moment.minute == moment.second == 0

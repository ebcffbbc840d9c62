"""Indonesia's three time zones, and which one each province keeps.

WIB is UTC+07:00, WITA +08:00, WIT +09:00; none has daylight saving, so a fixed offset is exact
for any date since 1988 (when the zones took their current shape). A site's zone is its
registry entry's, or its province's, or what `--timezone` says.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone


@dataclass(frozen=True)
class Zone:
    """One of Indonesia's zones: its label, offset and IANA name (for docs and tools)."""

    label: str  # WIB, WITA, WIT
    hours: int
    iana: str
    name: str  # the zone written out, as some pages show it

    @property
    def tzinfo(self) -> timezone:
        return _TZINFO[self.label]

    @property
    def offset(self) -> str:
        """`+08:00`: the suffix of every ISO timestamp stored in this zone."""
        return f"+{self.hours:02d}:00"


WIB = Zone("WIB", 7, "Asia/Jakarta", "Waktu Indonesia Barat")
WITA = Zone("WITA", 8, "Asia/Makassar", "Waktu Indonesia Tengah")
WIT = Zone("WIT", 9, "Asia/Jayapura", "Waktu Indonesia Timur")
ZONES: dict[str, Zone] = {zone.label: zone for zone in (WIB, WITA, WIT)}
_TZINFO = {zone.label: timezone(timedelta(hours=zone.hours), zone.label) for zone in ZONES.values()}
# IANA names a user may give instead of a label (Asia/Pontianak keeps WIB too).
_IANA = {
    "asia/jakarta": "WIB",
    "asia/pontianak": "WIB",
    "asia/makassar": "WITA",
    "asia/ujung_pandang": "WITA",
    "asia/jayapura": "WIT",
}
# The 38 provinces and their zones (18 WIB, 12 WITA, 8 WIT). Keys are lower case; a few common
# short or older names are accepted too.
PROVINCE_ZONES: dict[str, str] = {
    **dict.fromkeys(
        [
            "aceh",
            "sumatera utara",
            "sumatera barat",
            "riau",
            "kepulauan riau",
            "jambi",
            "sumatera selatan",
            "kepulauan bangka belitung",
            "bengkulu",
            "lampung",
            "dki jakarta",
            "jawa barat",
            "banten",
            "jawa tengah",
            "di yogyakarta",
            "jawa timur",
            "kalimantan barat",
            "kalimantan tengah",
        ],
        "WIB",
    ),
    **dict.fromkeys(
        [
            "bali",
            "nusa tenggara barat",
            "nusa tenggara timur",
            "kalimantan selatan",
            "kalimantan timur",
            "kalimantan utara",
            "sulawesi utara",
            "gorontalo",
            "sulawesi tengah",
            "sulawesi barat",
            "sulawesi selatan",
            "sulawesi tenggara",
        ],
        "WITA",
    ),
    **dict.fromkeys(
        [
            "maluku",
            "maluku utara",
            "papua",
            "papua barat",
            "papua barat daya",
            "papua selatan",
            "papua tengah",
            "papua pegunungan",
        ],
        "WIT",
    ),
}
_PROVINCE_ALIASES = {
    "jakarta": "dki jakarta",
    "yogyakarta": "di yogyakarta",
    "daerah istimewa yogyakarta": "di yogyakarta",
    "diy": "di yogyakarta",
    "jogja": "di yogyakarta",
    "bangka belitung": "kepulauan bangka belitung",
    "babel": "kepulauan bangka belitung",
    "kepri": "kepulauan riau",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
    "sumut": "sumatera utara",
    "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan",
    "jabar": "jawa barat",
    "jateng": "jawa tengah",
    "jatim": "jawa timur",
    "kalbar": "kalimantan barat",
    "kalteng": "kalimantan tengah",
    "kalsel": "kalimantan selatan",
    "kaltim": "kalimantan timur",
    "kaltara": "kalimantan utara",
    "sulut": "sulawesi utara",
    "sulteng": "sulawesi tengah",
    "sulbar": "sulawesi barat",
    "sulsel": "sulawesi selatan",
    "sultra": "sulawesi tenggara",
    "malut": "maluku utara",
}


def zone(value: str) -> Zone:
    """The zone a label (`WIB`, `wita`), an IANA name (`Asia/Makassar`) or an offset (`+07:00`,
    `+7`, `UTC+9`) names; ValueError for anything else (no other offset is Indonesian)."""
    text = value.strip()
    label = text.upper()
    if label in ZONES:
        return ZONES[label]
    if text.lower() in _IANA:
        return ZONES[_IANA[text.lower()]]
    offset = label.removeprefix("UTC").removeprefix("GMT")
    if offset[:1] == "+" and offset[1:].replace(":00", "").lstrip("0").isdigit():
        hours = int(offset[1:].replace(":00", ""))
        for candidate in ZONES.values():
            if candidate.hours == hours:
                return candidate
    raise ValueError(f"not an Indonesian time zone: {value!r} (give WIB, WITA or WIT)")


def province_key(province: str) -> str | None:
    """The canonical lower-case name of a province (`Kaltim` -> `kalimantan timur`), or None."""
    key = " ".join(province.lower().replace("provinsi", "").split())
    key = _PROVINCE_ALIASES.get(key, key)
    return key if key in PROVINCE_ZONES else None


def province_zone(province: str) -> Zone | None:
    """The zone a province keeps, or None for a name that is no province."""
    key = province_key(province)
    return ZONES[PROVINCE_ZONES[key]] if key else None


def to_utc(iso: str | None) -> str | None:
    """An aware ISO timestamp as UTC `YYYY-MM-DDTHH:MM:SSZ` (for cross-site sorting), or None."""
    if not iso:
        return None
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_LABEL = re.compile(r"(?<![A-Za-z])(WIB|WITA|WIT)(?![A-Za-z])")
# `Provinsi Jawa Timur`, `Prov. Kaltim`, `Pemprov Sulsel`: a province named as the site's own.
_PROVINCE_NAMED = re.compile(r"\b(?:provinsi|prov\.?|pemprov)\s+([a-z][a-z .]+)", re.IGNORECASE)


def zone_in_text(text: str) -> tuple[Zone, int] | None:
    """The zone whose label a page prints most (`10.00 WITA`), with how often; None when it
    prints none, only once, or another label nearly as often (a national event's time)."""
    counts = Counter(_LABEL.findall(text)).most_common()
    if not counts or counts[0][1] < 2:
        return None
    label, count = counts[0]
    if len(counts) > 1 and counts[1][1] * 2 > count:
        return None
    return ZONES[label], count


def province_in_name(name: str) -> str | None:
    """The province a site's name says it is of (`Dinas Kominfo Provinsi Jawa Timur`: `jawa
    timur`), or None; the longest name that fits (`Papua Barat Daya`, not `Papua`)."""
    for match in _PROVINCE_NAMED.finditer(name):
        words = match.group(1).lower().replace(".", " ").split()
        for end in range(min(len(words), 4), 0, -1):
            key = province_key(" ".join(words[:end]))
            if key is not None:
                return key
    return None

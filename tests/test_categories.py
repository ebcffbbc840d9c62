"""Tests for humas_crawler.normalize.categories."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from humas_crawler.normalize import Category, Taxonomy, normalize_category, slugify
from humas_crawler.normalize.categories import TAXONOMY_ENV

# Labels as the site shows them on article pages (recorded from real pages).
SEEN_LABELS = [
    "Gubernur Kaltim",
    "Wakil Gubernur Kaltim",
    "Sekretaris Daerah Provinsi Kalimantan Timur",
    "Pembangunan",
    "Perencanaan Pembangunan",
    "Kegiatan Silaturahmi",
    "Kesehatan",
    "Aspirasi Masyarakat",
    "Ibu Kota Negara",
    "Pertanian dan Ketahanan Pangan",
    "Pemerintahan",
    "Informasi dan Komunikasi",
    "Pendidikan",
    "Kesatuan Bangsa dan Politik Dalam Negeri",
    "Agenda Pemerintah",
    "Program Pemerintah",
    "Sosialisasi Masyarakat",
    "Pekerjaan Umum",
    "DWP",
    "Sosial",
    "Koperasi dan Usaha Kecil dan Menengah",
    "Perhubungan",
    "Kunjungan Kerja",
    "Informasi Bencana",
]


@pytest.fixture(autouse=True)
def _no_taxonomy_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TAXONOMY_ENV, raising=False)


@pytest.mark.parametrize("label", SEEN_LABELS)
def test_seen_labels_are_known(label: str) -> None:
    category = normalize_category(label)
    assert category == Category(label, slugify(label), True, label)


def test_bundled_taxonomy() -> None:
    taxonomy = Taxonomy.default()
    assert set(SEEN_LABELS) <= set(taxonomy.labels)
    assert len(taxonomy.labels) == len(set(taxonomy.labels))
    assert Taxonomy.default() is taxonomy  # cached


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Gubernur Kalimantan Timur", "Gubernur Kaltim"),
        ("Wagub Kaltim", "Wakil Gubernur Kaltim"),
        ("Wakil Gubernur Kalimantan Timur", "Wakil Gubernur Kaltim"),
        ("Sekdaprov Kaltim", "Sekretaris Daerah Provinsi Kalimantan Timur"),
        ("IKN", "Ibu Kota Negara"),
        ("Ibu Kota", "Ibu Kota Negara"),
        ("Koperasi dan UKM", "Koperasi dan Usaha Kecil dan Menengah"),
        ("Koperasi & UKM", "Koperasi dan Usaha Kecil dan Menengah"),
        ("Koperasi &UKM", "Koperasi dan Usaha Kecil dan Menengah"),
        ("Koperasi & Usaha Kecil & Menengah", "Koperasi dan Usaha Kecil dan Menengah"),
        ("Kesbangpol", "Kesatuan Bangsa dan Politik Dalam Negeri"),
        ("Dharma Wanita Persatuan", "DWP"),
        ("PU", "Pekerjaan Umum"),
        ("Kominfo", "Informasi dan Komunikasi"),
        ("Pertanian & Ketahanan Pangan", "Pertanian dan Ketahanan Pangan"),
        # Slugs match too.
        ("gubernur-kaltim", "Gubernur Kaltim"),
        ("informasi-dan-komunikasi", "Informasi dan Komunikasi"),
    ],
)
def test_aliases(raw: str, label: str) -> None:
    category = normalize_category(raw)
    assert (category.label, category.known, category.raw) == (label, True, raw)
    assert category.slug == slugify(label)


@pytest.mark.parametrize(
    "raw",
    [
        "  gubernur   KALTIM ",
        "GUBERNUR KALTIM",
        "Gubernur\u00a0Kaltim",
        "Gubernur\tKaltim\n",
        "Gubernur Kaltim:",
        "Gubernur Kaltim |",
        "» Gubernur Kaltim",
        unicodedata.normalize("NFD", "Gubernur Kaltim"),
    ],
)
def test_case_and_whitespace_variants(raw: str) -> None:
    assert normalize_category(raw).label == "Gubernur Kaltim"


@pytest.mark.parametrize(
    ("raw", "label", "slug"),
    [
        ("Ekonomi Kreatif", "Ekonomi Kreatif", "ekonomi-kreatif"),
        ("  Seni   dan Budaya: ", "Seni dan Budaya", "seni-dan-budaya"),
        ("Seni & Budaya", "Seni & Budaya", "seni-dan-budaya"),
        ("Pariwisata Daerah", "Pariwisata Daerah", "pariwisata-daerah"),
        ("Caf\u0065\u0301 Daerah", "Caf\u00e9 Daerah", "cafe-daerah"),  # NFC label, ASCII slug
    ],
)
def test_unknown_labels_are_kept_cleaned(raw: str, label: str, slug: str) -> None:
    assert normalize_category(raw) == Category(label, slug, False, raw)


@pytest.mark.parametrize("fragment", ["Pertania", "Perencanaan Keg", "Ek"])
def test_truncated_sidebar_labels_stay_unknown(fragment: str) -> None:
    # facts.json shows these sidebar labels cut mid-word; a fragment is no evidence of a category.
    category = normalize_category(fragment)
    assert (category.label, category.known) == (fragment, False)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0", ":", " | "])
def test_empty(raw: str | None) -> None:
    assert normalize_category(raw) == Category(None, None, False, raw)


def test_non_latin_unknown_label_has_no_slug() -> None:
    assert normalize_category("経済") == Category("経済", None, False, "経済")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Gubernur Kaltim", "gubernur-kaltim"),
        ("  Koperasi & UKM  ", "koperasi-ukm"),
        ("Café Crème", "cafe-creme"),
        ("Ibu Kota Negara (IKN)", "ibu-kota-negara-ikn"),
        ("---", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Sosial | 21 Juni 2022", "Sosial"),
        ("21 Juni 2022 Jam 22:03:32 Informasi dan Komunikasi", "Informasi dan Komunikasi"),
        ("Kategori: Wakil Gubernur Kaltim - 21 Juni 2022", "Wakil Gubernur Kaltim"),
        ("Beranda » Berita » Ibu Kota Negara", "Ibu Kota Negara"),
        ("Beranda / IKN / Judul", "Ibu Kota Negara"),
        ("KOPERASI & UKM, 3 Mei 2019", "Koperasi dan Usaha Kecil dan Menengah"),
        # Longest match wins wherever it is.
        ("Sosial, Sosialisasi Masyarakat", "Sosialisasi Masyarakat"),
        ("Pembangunan | Perencanaan Pembangunan", "Perencanaan Pembangunan"),
        # Whole phrases only.
        ("Sosialita 2022", None),
        ("PUPR Kaltim", None),
        ("21 Juni 2022", None),
        ("", None),
    ],
)
def test_match_in(text: str, label: str | None) -> None:
    assert Taxonomy.default().match_in(text) == label


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_taxonomy_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[category]]\nlabel = "Caf\u00e9 Daerah"\naliases = ["Kafe"]\n\n'
        '[[category]]\nlabel = "Berita Utama"\nslug = "utama"\n',
    )
    taxonomy = Taxonomy.from_file(path)
    assert taxonomy.labels == ("Caf\u00e9 Daerah", "Berita Utama")
    decomposed = unicodedata.normalize("NFD", "CAF\u00c9 daerah")
    assert normalize_category(decomposed, taxonomy) == Category(
        "Caf\u00e9 Daerah", "cafe-daerah", True, decomposed
    )
    assert normalize_category("kafe", taxonomy).label == "Caf\u00e9 Daerah"
    assert normalize_category("berita utama", taxonomy).slug == "utama"
    assert normalize_category("utama", taxonomy).label == "Berita Utama"
    assert normalize_category("Sosial", taxonomy).known is False
    assert taxonomy.lookup("nothing") is None


def test_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, '[[category]]\nlabel = "Hanya Ini"\n')
    monkeypatch.setenv(TAXONOMY_ENV, str(path))
    assert Taxonomy.default().labels == ("Hanya Ini",)
    assert normalize_category("hanya ini").known is True
    assert normalize_category("Sosial").known is False
    monkeypatch.delenv(TAXONOMY_ENV)
    assert "Sosial" in Taxonomy.default().labels


def test_env_override_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TAXONOMY_ENV, str(tmp_path / "missing.toml"))
    with pytest.raises(FileNotFoundError):
        Taxonomy.default()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[category]]\nlabel = "A"\n[[category]]\nlabel = "a"\n', "already a label or alias"),
        (
            '[[category]]\nlabel = "A"\naliases = ["X"]\n'
            '[[category]]\nlabel = "B"\naliases = ["x "]\n',
            "'x' of category 'B' is already a label or alias of category 'A'",
        ),
        (
            '[[category]]\nlabel = "A dan B"\n[[category]]\nlabel = "C"\naliases = ["A & B"]\n',
            "already a label or alias",
        ),
        ('[[category]]\naliases = ["X"]\n', "entry 1 has no label"),
        ('[[category]]\nlabel = "A"\n[[category]]\nlabel = "  "\n', "entry 2 has no label"),
        ("[[category]]\nlabel = 3\n", "has no label"),
        ('[[category]]\nlabel = "A"\nalias = ["X"]\n', "unknown keys ['alias']"),
        ('[[category]]\nlabel = "A"\naliases = "X"\n', "aliases must be a list"),
        ('[[category]]\nlabel = "A"\naliases = [""]\n', "empty alias"),
        ('[[category]]\nlabel = "A"\nslug = "Not A Slug"\n', "slug"),
        ('[[category]]\nlabel = "A-B"\n[[category]]\nlabel = "A B"\n', "has the slug 'a-b'"),
        ('label = "A"\n', "no [[category]] entries"),
        ("[[category]\n", "not valid TOML"),
    ],
)
def test_malformed_taxonomy(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"taxonomy\.toml") as excinfo:
        Taxonomy.from_file(path)
    assert message in str(excinfo.value)


def test_alias_equal_to_own_label_is_allowed(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[category]]\nlabel = "DWP"\naliases = ["dwp", "Dharma Wanita"]\n')
    assert Taxonomy.from_file(path).lookup("DWP ") is not None


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Ibu Kota Nusantara (IKN)", "Ibu Kota Negara"),
        ("Ibu Kota Nusantara (IKN).", "Ibu Kota Negara"),
        ("Sekda", "Sekretaris Daerah Provinsi Kalimantan Timur"),
        ("Setda", "Sekretaris Daerah Provinsi Kalimantan Timur"),
        ("Setdaprov Kaltim", "Sekretaris Daerah Provinsi Kalimantan Timur"),
        ("Wagub", "Wakil Gubernur Kaltim"),
        ("Wagub Kaltim", "Wakil Gubernur Kaltim"),
        ("Gubernur", "Gubernur Kaltim"),
        ("Diskominfo", "Informasi dan Komunikasi"),
        # A prefix the template writes before the label, on any path the label came by.
        ("Kategori: Kesehatan", "Kesehatan"),
        ("kategori : Kesehatan |", "Kesehatan"),
        ("Rubrik - Pendidikan", "Pendidikan"),
    ],
)
def test_labels_other_templates_show(raw: str, label: str) -> None:
    category = normalize_category(raw)
    assert (category.label, category.known) == (label, True)


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Dinas Baru (DB)", "Dinas Baru (DB)"),
        ("Dinas Baru (DB).", "Dinas Baru (DB)"),
        ("(DB) Dinas Baru", "(DB) Dinas Baru"),
        ("[Dinas Baru]", "Dinas Baru"),
        ("Kategori: Dinas Baru", "Dinas Baru"),
    ],
)
def test_edge_punctuation_keeps_balanced_brackets(raw: str, label: str) -> None:
    category = normalize_category(raw)
    assert (category.label, category.known) == (label, False)

"""Tests for humas_crawler.revisions.text: sentences of Indonesian press prose, trivial edits."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humas_crawler.normalize.text import clean_text
from humas_crawler.revisions.text import comparison_key, is_trivial, split_sentences
from tests.helpers.paths import FIXTURES

ARTICLE_FIXTURES = sorted(FIXTURES.glob("article/*/expected.json"))


def body_of(path) -> str:
    return json.loads(path.read_text(encoding="utf-8"))["body_text"]


# --- splitting: every case press releases show -----------------------------------------------


def test_a_press_paragraph_with_every_abbreviation_kind_splits_where_sentences_end() -> None:
    text = (
        "SAMARINDA - Kepala Dinas Pendidikan Kaltim Dr. H. Ahmad Yani, S.Pd., M.Si. "
        "menyerahkan bantuan Rp 5,2 miliar kepada warga Kec. Sungai Kunjang, Kab. Kutai "
        "Kartanegara, Senin (3/8/2026). Setiap paket bernilai Rp. 12.500 per keluarga. "
        "Hadir pula Hj. Siti Aminah, Drs. Sulaiman, Ir. A. Rahman dan Prof. B. Susanto dari "
        "Jl. Gajah Mada No. 2, Kel. Bugis. Bantuan juga mencakup beras, minyak goreng, dsb. "
        "Penyaluran dimulai 21/6 lalu dengan total 1.250,5 ton."
    )
    assert split_sentences(text) == [
        "SAMARINDA - Kepala Dinas Pendidikan Kaltim Dr. H. Ahmad Yani, S.Pd., M.Si. "
        "menyerahkan bantuan Rp 5,2 miliar kepada warga Kec. Sungai Kunjang, Kab. Kutai "
        "Kartanegara, Senin (3/8/2026).",
        "Setiap paket bernilai Rp. 12.500 per keluarga.",
        "Hadir pula Hj. Siti Aminah, Drs. Sulaiman, Ir. A. Rahman dan Prof. B. Susanto dari "
        "Jl. Gajah Mada No. 2, Kel. Bugis.",
        "Bantuan juga mencakup beras, minyak goreng, dsb.",
        "Penyaluran dimulai 21/6 lalu dengan total 1.250,5 ton.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # `dkk.`/`dll.` end a sentence before a capital, not before a lowercase word.
        (
            "Penelitian Rahman dkk. menunjukkan hasil serupa. Data itu dirilis Senin.",
            ["Penelitian Rahman dkk. menunjukkan hasil serupa.", "Data itu dirilis Senin."],
        ),
        (
            "Warga menerima beras, gula, dll. Penyaluran berlanjut pekan depan.",
            ["Warga menerima beras, gula, dll.", "Penyaluran berlanjut pekan depan."],
        ),
        # A degree ending in a period, then a lowercase verb: one sentence.
        (
            "Pelatihan dibuka Siti Rahma, S.E. dan diikuti 40 peserta. Acara berlangsung lancar.",
            [
                "Pelatihan dibuka Siti Rahma, S.E. dan diikuti 40 peserta.",
                "Acara berlangsung lancar.",
            ],
        ),
        # A physician `dr.`, `Kec.` and `Kab.` before names.
        (
            "Pasien ditangani dr. Budi di Puskesmas Kec. Loa Janan, Kab. Kukar. "
            "Kondisinya membaik.",
            [
                "Pasien ditangani dr. Budi di Puskesmas Kec. Loa Janan, Kab. Kukar.",
                "Kondisinya membaik.",
            ],
        ),
        # Question and exclamation marks, and sentences ending inside closing quotes.
        (
            "Apakah anggaran cukup? Tentu! “Kami sudah siap.” Kata Gubernur, target tercapai.",
            [
                "Apakah anggaran cukup?",
                "Tentu!",
                "“Kami sudah siap.”",
                "Kata Gubernur, target tercapai.",
            ],
        ),
        (
            'Ia berkata, "Kami sudah siap." Anggaran tersedia.',
            ['Ia berkata, "Kami sudah siap."', "Anggaran tersedia."],
        ),
        # A quote closing with a comma and a lowercase `kata`: the speaker stays in the sentence.
        (
            "“Pelayanan harus mendekat ke warga,” kata Gubernur. Rumah sakit dibuka.",
            ["“Pelayanan harus mendekat ke warga,” kata Gubernur.", "Rumah sakit dibuka."],
        ),
        (
            "“Siapa yang bertanggung jawab?” tanya Wagub. Tidak ada jawaban.",
            ["“Siapa yang bertanggung jawab?” tanya Wagub.", "Tidak ada jawaban."],
        ),
        # A sentence ending after a date in parentheses.
        (
            "Peresmian digelar Rabu (29/3/2023). Gubernur hadir.",
            ["Peresmian digelar Rabu (29/3/2023).", "Gubernur hadir."],
        ),
        # Thousands and decimals never end a sentence; a number closing one does.
        (
            "Tercatat 12.500 warga dan Rp 5,2 miliar dana, naik 1.250,5 persen. Jumlahnya 1.100. "
            "Data final menyusul.",
            [
                "Tercatat 12.500 warga dan Rp 5,2 miliar dana, naik 1.250,5 persen.",
                "Jumlahnya 1.100.",
                "Data final menyusul.",
            ],
        ),
        # An ellipsis in quoted speech is not an end.
        (
            "“Kami menunggu... Semoga segera,” ujarnya.",
            ["“Kami menunggu... Semoga segera,” ujarnya."],
        ),
    ],
)
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "dateline",
    ["SAMARINDA -", "SAMARINDA–", "Samarinda —", "TANJUNG REDEB-", "Balikpapan,", "SAMARINDA."],
)
def test_the_dateline_stays_with_its_first_sentence(dateline: str) -> None:
    text = f"{dateline} Gubernur Kaltim meresmikan jembatan baru. Warga menyambut gembira."
    assert split_sentences(text) == [
        f"{dateline} Gubernur Kaltim meresmikan jembatan baru.",
        "Warga menyambut gembira.",
    ]


def test_paragraphs_never_share_a_sentence_and_whitespace_is_collapsed() -> None:
    text = "Baris  pertama tanpa titik\n\nParagraf kedua.\u00a0Kalimat  ketiga.\n\n\n\nAkhir."
    assert split_sentences(text) == [
        "Baris pertama tanpa titik",
        "Paragraf kedua.",
        "Kalimat ketiga.",
        "Akhir.",
    ]


@pytest.mark.parametrize("empty", [None, "", "  \n\n  "])
def test_no_text_has_no_sentences(empty: str | None) -> None:
    assert split_sentences(empty) == []


# --- splitting: the fixtures' bodies ------------------------------------------------------------

# Sentence counts checked by hand against each body.
FIXTURE_SENTENCE_COUNTS = {
    "amp-jsonld-alias-category-wib": 9,
    "amp-jsonld-machine-date-balikpapan": 10,
    "bootstrap-2019-no-signature-no-caption": 9,
    "bootstrap-2019-seed-raker-kehumasan": 16,
    "bootstrap-2019-title-twice-sangkulirang": 12,
    "bootstrap-2019-trailing-dash-nospace-signature": 12,
    "portal-2025-detailberita-ist": 14,
    "portal-2025-wib-no-dateline": 10,
    "table-2014-kicker-tanjung-redeb": 9,
    "table-2014-seed-raker-kehumasan": 16,
    "wordpress-opini-oleh": 20,
}
ENDS_SENTENCE = re.compile(r"[.!?][\"”’)]*$|[\"”]$")


def test_every_article_fixture_has_a_hand_checked_count() -> None:
    assert {path.parent.name for path in ARTICLE_FIXTURES} == set(FIXTURE_SENTENCE_COUNTS)


@pytest.mark.parametrize("path", ARTICLE_FIXTURES, ids=lambda p: p.parent.name)
def test_fixture_bodies_split_into_whole_sentences(path) -> None:
    body = body_of(path)
    sentences = split_sentences(body)
    paragraphs = [clean_text(p) for p in body.split("\n\n") if clean_text(p)]
    assert len(sentences) == FIXTURE_SENTENCE_COUNTS[path.parent.name]
    # Nothing lost or reordered.
    assert " ".join(sentences) == " ".join(paragraphs)
    for sentence in sentences:
        # Ends like a sentence, unless it is a whole paragraph without a final mark (a byline).
        assert ENDS_SENTENCE.search(sentence) or sentence in paragraphs, sentence
        # Never cut after an abbreviation: no sentence opens with a lowercase letter.
        assert not sentence.lstrip("“\"‘'(*")[0].islower(), sentence


def test_the_seed_article_by_hand() -> None:
    sentences = split_sentences(
        body_of(FIXTURES / "article/table-2014-kicker-tanjung-redeb/expected.json")
    )
    assert sentences[0].startswith("TANJUNG REDEB- Pemerintah Kabupaten Berau menyatakan")
    assert sentences[0].endswith("(KEK) Maloy di Kutai Timur.")
    assert sentences[2].endswith("di Tanjung Redeb, Sabtu (28/6).")
    assert sentences[5] == "“Maloy tidak bisa berdiri sendiri."
    assert sentences[6].endswith("mulai lapangan kerja hingga pendapatan daerah,” ujarnya.")


def test_the_opinion_byline_and_a_question_by_hand() -> None:
    sentences = split_sentences(body_of(FIXTURES / "article/wordpress-opini-oleh/expected.json"))
    assert sentences[0] == "Oleh: Dr. Siti Aminah Rahman, M.Pd"
    assert sentences[4].endswith("di mana posisi anak-anak Kaltim dalam perubahan besar ini?")
    assert sentences[-2:] == [
        "*Penulis adalah aparatur sipil negara di lingkungan Pemprov Kaltim.",
        "Tulisan ini merupakan pendapat pribadi.",
    ]


@given(st.text(alphabet=st.sampled_from(list("ab A.B?!,“” \n0123456789")), max_size=200))
def test_splitting_loses_and_reorders_nothing(text: str) -> None:
    paragraphs = [clean_text(line) for line in text.split("\n") if clean_text(line)]
    sentences = split_sentences(text)
    assert " ".join(sentences) == " ".join(paragraphs)
    assert all(sentence == sentence.strip() and sentence for sentence in sentences)


# --- trivial edits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Gubernur  meresmikan jembatan.", "Gubernur meresmikan jembatan"),
        ("Gubernur meresmikan jembatan.", "gubernur meresmikan Jembatan!"),
        ('Ia berkata "siap".', "Ia berkata “siap”."),
        ("Ia berkata 'siap'.", "Ia berkata ‘siap’."),
        ("SAMARINDA - Gubernur", "SAMARINDA — Gubernur"),
        ("SAMARINDA – Gubernur", "SAMARINDA-Gubernur"),
        ("pada 24-28 Juni", "pada 24 – 28 Juni"),
        ("Rp5 miliar", "Rp 5 miliar"),
        ("Rp. 5 miliar", "Rp 5 miliar"),
        ("Senin (3/8/2026)", "Senin, 3/8/2026"),
        ("salat Jum'at", "salat Jumat"),
        ("obat-obatan", "obat obatan"),
        ("", "   "),
        (".", ""),
    ],
)
def test_trivial_edits(old: str, new: str) -> None:
    assert is_trivial(old, new)
    assert is_trivial(new, old)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Rp 5 miliar", "Rp 50 miliar"),
        ("Rp 5,2 miliar", "Rp 5,3 miliar"),
        ("Rp 5,2 miliar", "Rp 5.2 miliar"),
        ("12.500 warga", "12500 warga"),
        ("1.250 ton", "1250 ton"),
        ("pukul 06.45", "pukul 06:45"),
        ("naik 5%", "naik 5"),
        ("suhu -5 derajat", "suhu 5 derajat"),
        ("Kepala Dinas Ahmad Yani", "Kepala Dinas Ahmad Yanis"),
        ("Gubernur meresmikan jembatan.", "Wagub meresmikan jembatan."),
        ("di rumah", "dirumah"),
        ("Senin (3/8/2026)", "Senin (4/8/2026)"),
        ("", "Sebuah kalimat baru."),
    ],
)
def test_real_edits(old: str, new: str) -> None:
    assert not is_trivial(old, new)
    assert not is_trivial(new, old)


def test_the_comparison_key_keeps_words_numbers_and_symbols() -> None:
    key = comparison_key("Rp5,2 miliar – “Jum’at” 24–28 Juni, suhu −5 °C naik 5%.")
    assert key == (
        "rp", "5,2", "miliar", "jumat", "24", "28", "juni", "suhu", "-5", "°", "c", "naik",
        "5", "%",
    )  # fmt: skip
    assert comparison_key(None) == ()

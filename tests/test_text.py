"""Body text cleaning: lone punctuation, captions, signatures, datelines."""

from __future__ import annotations

import pytest

from humas_crawler.extract.fields.body import dateline_place, split_body
from humas_crawler.extract.fields.caption import caption_text, split_signature
from humas_crawler.normalize.text import clean_text, is_lone_punctuation


def test_clean_text_collapses_every_kind_of_space() -> None:
    assert clean_text("  Gubernur\u00a0 Kaltim\t\n Isran ") == "Gubernur Kaltim Isran"
    assert clean_text(None) == ""


@pytest.mark.parametrize("text", [".", " . ", "-", "***", "…", "–", "...", ". ."])
def test_lone_punctuation(text: str) -> None:
    assert is_lone_punctuation(clean_text(text))


@pytest.mark.parametrize("text", ["1.", "(*/IST)", "A."])
def test_not_lone_punctuation(text: str) -> None:
    assert not is_lone_punctuation(text)


@pytest.mark.parametrize(
    ("paragraph", "caption"),
    [
        (
            "/////FOTO : Wagub meninjau lokasi.(syaiful/humasprov)",
            "Wagub meninjau lokasi.(syaiful/humasprov)",
        ),
        ("////Foto : Gubernur (tengah) bersama bupati.", "Gubernur (tengah) bersama bupati."),
        ("///Foto: Suasana rapat.", "Suasana rapat."),
        ("/FOTO:Suasana rapat.", "Suasana rapat."),
        ("Foto: Suasana rapat (UMAR/HUMASPROV)", "Suasana rapat (UMAR/HUMASPROV)"),
        ("foto : dok humas", "dok humas"),
        ("//////////FoTo   :   x", "x"),
    ],
)
def test_caption_markers(paragraph: str, caption: str) -> None:
    assert caption_text(paragraph) == caption


@pytest.mark.parametrize(
    "paragraph", ["Fotografer muda berkumpul.", "Foto bersama dilakukan usai acara."]
)
def test_not_captions(paragraph: str) -> None:
    assert caption_text(paragraph) is None


@pytest.mark.parametrize(
    ("paragraph", "rest", "codes"),
    [
        ("(her/sul/es/hmsprov)", "", "her/sul/es/hmsprov"),
        ("Mahakam Ulu. (her/sul/es/hmsprov).", "Mahakam Ulu.", "her/sul/es/hmsprov"),
        ("kata Isran.(jay/sul/humasprov)", "kata Isran.", "jay/sul/humasprov"),
        ("(yans/sul/es/humasprov).", "", "yans/sul/es/humasprov"),
        ("(jay/sul/adpimprov kaltim)", "", "jay/sul/adpimprov kaltim"),
        ("(*/IST)", "", "*/IST"),
        ("ujarnya. (ky/her/yans/humasprovkaltim)", "ujarnya.", "ky/her/yans/humasprovkaltim"),
        ("Kegiatan berlangsung Rabu (26/6).", "Kegiatan berlangsung Rabu (26/6).", None),
        ("di Penajam Paser Utara (PPU).", "di Penajam Paser Utara (PPU).", None),
    ],
)
def test_signatures(paragraph: str, rest: str, codes: str | None) -> None:
    assert split_signature(paragraph) == (rest, codes)


@pytest.mark.parametrize(
    ("paragraph", "place"),
    [
        ("SAMARINDA – Selama lima hari", "Samarinda"),
        ("SAMARINDA - Gubernur", "Samarinda"),
        ("SAMARINDA-Gubernur", "Samarinda"),
        ("TANJUNG REDEB- Bupati", "Tanjung Redeb"),
        (" SANGKULIRANG  - Warga", "Sangkulirang"),
        ("Balikpapan, Gubernur Kaltim", "Balikpapan"),
        ("Samarinda — Sekdaprov", "Samarinda"),
        ("MARANG KAYU – Petani", "Marang Kayu"),
        ("Menurutnya, pembangunan", None),
        ("Dijelaskan gubernur, proyek", None),
        ("Prioritas Human Capital, pemerintah", None),
        ("www.kaltimprov.go,id - Gubernur", None),
        ("Gubernur Kaltim Isran Noor meminta", None),
    ],
)
def test_datelines(paragraph: str, place: str | None) -> None:
    assert dateline_place(paragraph) == place


def test_split_body_takes_out_caption_signature_and_read_also() -> None:
    body = split_body(
        [
            "Kalimantan Timur",
            "SAMARINDA – Paragraf pertama.",
            ".",
            " ",
            "Baca Juga: Gubernur Tinjau Banjir",
            "Paragraf   kedua.",
            "Paragraf ketiga. (her/sul/es/hmsprov).",
            "/////FOTO : Keterangan foto.(syaiful/humasprov)",
        ],
        drop=["Kalimantan Timur"],
    )
    assert body.paragraphs == (
        "SAMARINDA – Paragraf pertama.",
        "Paragraf kedua.",
        "Paragraf ketiga.",
    )
    assert body.text == "SAMARINDA – Paragraf pertama.\n\nParagraf kedua.\n\nParagraf ketiga."
    assert body.dateline == "Samarinda"
    assert body.photo_caption == "Keterangan foto.(syaiful/humasprov)"
    assert body.author_codes == "her/sul/es/hmsprov"


def test_signature_alone_on_last_line_leaves_the_body() -> None:
    body = split_body(["SAMARINDA - Isi.", "(jay/sul/humasprov)"])
    assert body.paragraphs == ("SAMARINDA - Isi.",)
    assert body.author_codes == "jay/sul/humasprov"


def test_signature_only_read_from_the_last_paragraph() -> None:
    body = split_body(["SAMARINDA - Isi (a/b).", "Penutup."])
    assert body.paragraphs == ("SAMARINDA - Isi (a/b).", "Penutup.")
    assert body.author_codes is None

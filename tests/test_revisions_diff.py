"""Tests for humas_crawler.revisions.diff: the edit kinds the replica makes, and the renderings."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humas_crawler.revisions.diff import RevisionDiff, SentenceChange, diff_revisions, word_runs

P1 = (
    "SAMARINDA - Gubernur Kaltim Hasan Irwansyah menyerahkan bantuan keuangan Rp 5 miliar "
    "kepada Pemerintah Kabupaten Mahakam Ulu, Senin (3/8/2026). Bantuan itu untuk memperbaiki "
    "jalan dan jembatan yang rusak akibat banjir."
)
P2 = (
    "Kepala Dinas PUPR Kaltim Dr. H. Ahmad Yani, S.T., M.Si. mengatakan, perbaikan dimulai "
    "pekan depan. Pekerjaan ditargetkan selesai dalam 90 hari kalender."
)
P3 = "“Kami minta kontraktor bekerja cepat. Warga sudah lama menunggu,” tegas Gubernur."
P4 = "Bupati Mahakam Ulu menyampaikan terima kasih atas dukungan Pemprov Kaltim."
BODY = "\n\n".join([P1, P2, P3, P4])
OLD = {
    "title": "Gubernur Serahkan Bantuan Rp 5 Miliar untuk Mahulu",
    "category": "Pembangunan",
    "published_at": "2026-08-03T10:00:00+08:00",
    "body_text": BODY,
}


def revised(**changes: str | None) -> dict[str, str | None]:
    return {**OLD, **changes}


def body_with(*replacements: tuple[str, str]) -> str:
    body = BODY
    for old, new in replacements:
        assert old in body
        body = body.replace(old, new)
    return body


# --- the edit kinds -----------------------------------------------------------------------------


def test_identical_revisions_have_no_change() -> None:
    diff = diff_revisions(OLD, dict(OLD))
    assert diff.sentences == ()
    assert (diff.title, diff.category, diff.published_at) == (None, None, None)
    assert diff.score == 0.0
    assert diff.trivial
    assert diff.summary() == "no visible change"
    assert diff.to_text() == "no visible change"


def test_a_paragraph_added() -> None:
    added = "Pemprov Kaltim juga menyiapkan alat berat. Dua ekskavator dikirim melalui sungai."
    diff = diff_revisions(OLD, revised(body_text=BODY + "\n\n" + added))
    assert [(c.op, c.old, c.new) for c in diff.sentences] == [
        ("added", None, "Pemprov Kaltim juga menyiapkan alat berat."),
        ("added", None, "Dua ekskavator dikirim melalui sungai."),
    ]
    assert not diff.trivial
    assert diff.summary() == "2 sentences added"
    assert 0 < diff.score < 0.5


def test_a_paragraph_added_in_the_middle_keeps_reading_order() -> None:
    body = "\n\n".join([P1, "Kalimatnya baru di sini.", P2, P3, P4])
    diff = diff_revisions(OLD, revised(body_text=body))
    assert [(c.op, c.new) for c in diff.sentences] == [("added", "Kalimatnya baru di sini.")]


def test_a_sentence_removed() -> None:
    diff = diff_revisions(
        OLD,
        revised(
            body_text=body_with((" Pekerjaan ditargetkan selesai dalam 90 hari kalender.", ""))
        ),
    )
    assert [(c.op, c.old, c.new) for c in diff.sentences] == [
        ("removed", "Pekerjaan ditargetkan selesai dalam 90 hari kalender.", None)
    ]
    assert diff.summary() == "1 sentence removed"
    assert not diff.trivial


def test_a_figure_changed_inside_a_sentence() -> None:
    diff = diff_revisions(OLD, revised(body_text=body_with(("Rp 5 miliar", "Rp 50 miliar"))))
    assert len(diff.sentences) == 1
    change = diff.sentences[0]
    assert change.op == "edited"
    assert change.old is not None and "Rp 5 miliar" in change.old
    assert change.new is not None and "Rp 50 miliar" in change.new
    changed = [run for run in change.words if run[0] != "equal"]
    assert changed == [("delete", "5"), ("insert", "50")]
    assert "".join(text for op, text in change.words if op != "delete") == change.new
    assert "".join(text for op, text in change.words if op != "insert") == change.old
    assert not change.trivial
    assert not diff.trivial
    assert diff.summary() == "1 sentence edited"
    assert 0 < diff.score < 0.1


@pytest.mark.parametrize(("old", "new"), [("5,2", "5,3"), ("90", "60"), ("3/8/2026", "4/8/2026")])
def test_any_changed_figure_is_a_real_edit(old: str, new: str) -> None:
    base = revised(body_text=BODY.replace("Rp 5 miliar", "Rp 5,2 miliar"))
    diff = diff_revisions(base, {**base, "body_text": base["body_text"].replace(old, new, 1)})
    assert [c.op for c in diff.sentences] == ["edited"]
    assert not diff.trivial


def test_a_changed_name_is_a_real_edit() -> None:
    diff = diff_revisions(OLD, revised(body_text=body_with(("Ahmad Yani", "Achmad Yani"))))
    assert [c.op for c in diff.sentences] == ["edited"]
    assert [run for run in diff.sentences[0].words if run[0] != "equal"] == [
        ("delete", "Ahmad"),
        ("insert", "Achmad"),
    ]
    assert not diff.trivial


def test_a_retitle() -> None:
    new_title = "Gubernur Serahkan Bantuan Rp 50 Miliar untuk Mahulu"
    diff = diff_revisions(OLD, revised(title=new_title))
    assert diff.title == (OLD["title"], new_title)
    assert diff.sentences == ()
    assert not diff.trivial
    assert diff.summary() == "title changed"
    assert diff.score > 0


def test_a_retitle_in_case_and_quotes_only_is_trivial() -> None:
    diff = diff_revisions(
        revised(title='Gubernur: "Bantuan Harus Cepat"'),
        revised(title="Gubernur: “bantuan harus cepat”"),
    )
    assert diff.title is not None
    assert diff.trivial
    assert diff.score == 0.0
    assert diff.summary() == "punctuation and spacing only"


def test_a_recategorization_is_never_trivial() -> None:
    diff = diff_revisions(OLD, revised(category="Ekonomi"))
    assert diff.category == ("Pembangunan", "Ekonomi")
    assert not diff.trivial
    assert diff.score == 0.0
    assert diff.summary() == "category changed"


def test_a_new_publication_time_is_never_trivial() -> None:
    diff = diff_revisions(OLD, revised(published_at="2026-08-03T11:00:00+08:00", category=None))
    assert diff.published_at == ("2026-08-03T10:00:00+08:00", "2026-08-03T11:00:00+08:00")
    assert diff.category == ("Pembangunan", None)
    assert not diff.trivial
    assert diff.summary() == "category and publication date changed"


def test_a_punctuation_only_change_is_trivial() -> None:
    diff = diff_revisions(
        OLD,
        revised(
            body_text=body_with(
                ("perbaikan dimulai pekan depan.", "perbaikan dimulai pekan depan!")
            )
        ),
    )
    assert [c.op for c in diff.sentences] == ["edited"]
    assert diff.sentences[0].trivial
    assert diff.trivial
    assert diff.score == 0.0
    assert diff.summary() == "punctuation and spacing only"


def test_straight_and_curly_quotes_and_dashes_are_trivial() -> None:
    straight = body_with(("“", '"'), ("”", '"'), ("SAMARINDA - ", "SAMARINDA — "))
    diff = diff_revisions(OLD, revised(body_text=straight))
    assert {c.op for c in diff.sentences} == {"edited"}
    assert len(diff.sentences) == 3  # the dateline sentence and both halves of the quote
    assert diff.trivial
    assert diff.summary() == "punctuation and spacing only"


def test_paragraph_breaks_and_spacing_only_are_trivial() -> None:
    rebroken = body_with(("\n\n" + P3, " " + P3), ("Mahakam Ulu, Senin", "Mahakam  Ulu,  Senin"))
    diff = diff_revisions(OLD, revised(body_text=rebroken))
    assert diff.sentences == ()
    assert diff.trivial
    assert diff.body_changed
    assert diff.summary() == "punctuation and spacing only"


def test_a_sentence_moved_is_one_change() -> None:
    diff = diff_revisions(OLD, revised(body_text="\n\n".join([P1, P3, P2, P4])))
    moved = [c for c in diff.sentences if c.op == "moved"]
    assert len(diff.sentences) == len(moved) >= 1
    assert all(c.old == c.new for c in moved)
    assert not diff.trivial
    assert diff.score == 0.0


def test_a_single_sentence_moved_to_the_end() -> None:
    body = "\n\n".join(
        [
            P1.split(". ")[0] + ".",
            P2,
            P3,
            P4,
            "Bantuan itu untuk memperbaiki jalan dan jembatan yang rusak akibat banjir.",
        ]
    )
    diff = diff_revisions(OLD, revised(body_text=body))
    assert [(c.op, c.old, c.new) for c in diff.sentences] == [
        (
            "moved",
            "Bantuan itu untuk memperbaiki jalan dan jembatan yang rusak akibat banjir.",
            "Bantuan itu untuk memperbaiki jalan dan jembatan yang rusak akibat banjir.",
        )
    ]
    assert diff.summary() == "1 sentence moved"
    assert (
        diff.to_text()
        == "> Bantuan itu untuk memperbaiki jalan dan jembatan yang rusak akibat banjir."
    )


def test_a_sentence_moved_with_trivial_changes_is_still_one_move() -> None:
    body = "\n\n".join([P4.replace("Kaltim.", "Kaltim!"), P1, P2, P3])
    diff = diff_revisions(OLD, revised(body_text=body))
    assert [c.op for c in diff.sentences] == ["moved"]
    assert diff.sentences[0].old == P4
    assert diff.sentences[0].new == P4.replace("Kaltim.", "Kaltim!")


def test_a_sentence_moved_and_edited_is_an_edit_where_it_now_stands() -> None:
    body = "\n\n".join([P4.replace("terima kasih", "terima kasih banyak"), P1, P2, P3])
    diff = diff_revisions(OLD, revised(body_text=body))
    assert [c.op for c in diff.sentences] == ["edited"]
    changed = [(op, text.strip()) for op, text in diff.sentences[0].words if op != "equal"]
    assert changed == [("insert", "banyak")]


def test_an_unrelated_rewrite_is_removed_and_added() -> None:
    diff = diff_revisions(
        OLD, revised(body_text=body_with((P4, "Acara ditutup dengan doa bersama.")))
    )
    assert [c.op for c in diff.sentences] == ["removed", "added"]


def test_a_revision_of_several_kinds_summarizes_them_all() -> None:
    body = (
        body_with(("Rp 5 miliar", "Rp 50 miliar")) + "\n\nKalimat pertama baru. Kalimat kedua baru."
    )
    diff = diff_revisions(OLD, revised(title="Judul Baru Sama Sekali", body_text=body))
    assert diff.summary() == "title changed; 2 sentences added, 1 edited"


def test_missing_fields_read_as_empty() -> None:
    diff = diff_revisions({}, {"title": None, "body_text": "Kalimat baru."})
    assert [(c.op, c.new) for c in diff.sentences] == [("added", "Kalimat baru.")]
    assert diff.title is None
    assert diff.score == 1.0


# --- renderings ---------------------------------------------------------------------------------


def test_to_json_has_exactly_the_documented_shape() -> None:
    diff = diff_revisions(
        OLD, revised(title="Judul Baru", category="Ekonomi", body_text=body_with(("Rp 5", "Rp 50")))
    )
    data = diff.to_json()
    assert set(data) == {"title", "category", "published_at", "sentences", "score"}
    assert data["title"] == [OLD["title"], "Judul Baru"]
    assert data["category"] == ["Pembangunan", "Ekonomi"]
    assert data["published_at"] is None
    assert data["sentences"] == [
        {
            "op": "edited",
            "old": P1.split(". ")[0] + ".",
            "new": P1.split(". ")[0].replace("Rp 5", "Rp 50") + ".",
        }
    ]
    assert isinstance(data["score"], float)
    assert json.loads(json.dumps(data)) == data


def test_to_html_escapes_every_text() -> None:
    hostile = "<script>alert('x')</script> & <b onclick=\"x\">teks</b>."
    diff = diff_revisions(
        OLD,
        revised(
            title=OLD["title"] + " <script>",
            category="<i>Ekonomi</i>",
            body_text=body_with(("Rp 5 miliar", "Rp <script>5</script> miliar")) + "\n\n" + hostile,
        ),
    )
    out = diff.to_html()
    assert "<script" not in out
    assert "onclick=" not in out.replace("onclick=&quot;", "")
    assert "<b" not in out and "<i>" not in out and "style" not in out
    assert "&lt;script&gt;" in out
    assert "<del>" in out and "<ins>" in out
    assert set(re.findall(r"<(\w+)", out)) <= {"div", "p", "ul", "li", "del", "ins", "em"}


def test_to_html_shows_the_title_change_then_the_sentences() -> None:
    diff = diff_revisions(
        OLD,
        revised(
            title="Gubernur Serahkan Bantuan Rp 50 Miliar untuk Mahulu",
            body_text=body_with(("Rp 5 ", "Rp 50 ")),
        ),
    )
    out = diff.to_html()
    assert out.index("Title:") < out.index('<li class="edited">')
    assert "<del>5</del><ins>50</ins>" in out


def test_to_text_marks_words_and_lines() -> None:
    body = body_with(("Rp 5 miliar", "Rp 50 miliar"), ("\n\n" + P4, "")) + "\n\nKalimat baru."
    diff = diff_revisions(OLD, revised(body_text=body, category="Ekonomi"))
    lines = diff.to_text().splitlines()
    assert lines[0] == "~ category: Pembangunan -> Ekonomi"
    assert lines[1].startswith("~ SAMARINDA - Gubernur") and "Rp [-5-]{+50+} miliar" in lines[1]
    assert lines[2] == "- " + P4
    assert lines[3] == "+ Kalimat baru."
    colored = diff.to_text(color=True)
    assert "\x1b[31m[-5-]\x1b[0m" in colored and "\x1b[32m{+50+}\x1b[0m" in colored
    assert "\x1b[" not in diff.to_text()


def test_the_dataclasses_are_frozen_and_keep_their_fields() -> None:
    change = SentenceChange("added", None, "Kalimat.")
    assert change.words == ()
    diff = RevisionDiff(None, None, None, (change,), 0.5, False)
    with pytest.raises(AttributeError):
        diff.score = 0.0  # type: ignore[misc]
    assert diff.summary() == "1 sentence added"


def test_word_runs_join_a_space_between_two_changes() -> None:
    assert word_runs("a b c", "x y z") == (("delete", "a b c"), ("insert", "x y z"))
    assert word_runs("Rp 5 miliar", "Rp 50 miliar") == (
        ("equal", "Rp "),
        ("delete", "5"),
        ("insert", "50"),
        ("equal", " miliar"),
    )


# --- properties ---------------------------------------------------------------------------------

WORDS = ["Gubernur", "Kaltim", "bantuan", "Rp", "5", "50", "miliar", "jalan", "dan", "warga"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(
    lambda words: " ".join(words).capitalize() + "."
)
body = st.lists(st.lists(sentence, min_size=1, max_size=4).map(" ".join), max_size=5).map(
    "\n\n".join
)
revision = st.fixed_dictionaries(
    {
        "title": st.one_of(st.none(), sentence),
        "category": st.sampled_from([None, "Pembangunan", "Ekonomi"]),
        "published_at": st.sampled_from([None, "2026-08-03"]),
        "body_text": st.one_of(st.none(), body),
    }
)


@given(revision)
def test_a_revision_against_itself_has_no_change(rev: dict[str, str | None]) -> None:
    diff = diff_revisions(rev, dict(rev))
    assert diff.sentences == ()
    assert diff.score == 0.0
    assert diff.trivial
    assert diff.summary() == "no visible change"


@given(revision, revision)
def test_the_score_is_a_share_and_trivial_means_nothing_rewritten(
    old: dict[str, str | None], new: dict[str, str | None]
) -> None:
    diff = diff_revisions(old, new)
    assert 0.0 <= diff.score <= 1.0
    if diff.trivial:
        assert diff.score == 0.0
    for change in diff.sentences:
        if change.op == "edited":
            assert "".join(t for op, t in change.words if op != "delete") == change.new
    json.dumps(diff.to_json())


@given(st.text(max_size=60), st.text(max_size=60))
def test_word_runs_rebuild_the_new_text(old: str, new: str) -> None:
    runs = word_runs(old, new)
    assert "".join(text for op, text in runs if op != "delete") == new
    assert all(op in ("equal", "insert", "delete") and text for op, text in runs)


def test_to_text_lets_no_control_character_of_a_page_reach_the_terminal() -> None:
    body = body_with(("Rp 5", "Rp \x1b]0;x\x075")) + "\n\nTeks \x1b[2J bersih\x9b31m."
    diff = diff_revisions(OLD, revised(category="Eko\x1bnomi", body_text=body))
    for text in (diff.to_text(), diff.to_text(color=True)):
        assert "\x07" not in text and "\x9b" not in text
        assert re.sub(r"\x1b\[(?:3[126])?m|\x1b\[0m", "", text).count("\x1b") == 0
    assert "+ Teks \ufffd[2J bersih\ufffd31m." in diff.to_text().splitlines()

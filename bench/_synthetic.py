"""Shared helper of the export and search benchmarks: a large synthetic archive, filled fast.

Articles are made of Indonesian government-news vocabulary (roots with their usual affixes,
place and office names, numbers) drawn with a Zipf-like skew, so that the FTS index holds a few
very common terms (`pemerintah`, `kaltim`), a long tail of rare ones and real phrases.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from humas_crawler.archive.store import Store
from humas_crawler.normalize import Taxonomy


def _words(block: str) -> list[str]:
    return block.split()


ROOTS = """
bangun kerja sama laksana tingkat kembang dukung bantu capai kelola atur layan didik sehat
tanam panen jual beli usaha modal pasar harga hasil olah ekspor impor produksi distribusi
rencana program kegiatan anggar biaya dana belanja pajak retribusi pendapatan realisasi
jalan jembatan banjir hujan sungai air bersih listrik energi tambang batubara minyak gas
sawit karet hutan lahan tanah kebun ikan ternak sapi padi jagung pangan gizi stunting
sekolah guru murid siswa mahasiswa kampus beasiswa pelatihan vokasi tenaga kerja upah
rumah sakit dokter perawat vaksin imunisasi puskesmas obat pasien covid pandemi wabah
desa kampung kota kabupaten provinsi negara daerah wilayah kawasan pulau pesisir pantai
budaya adat seni tari musik festival pariwisata wisata hotel bandara pelabuhan kapal
jaga aman damai tertib hukum adil polisi tentara bencana darurat evakuasi korban pengungsi
rapat sidang paripurna musyawarah diskusi sosialisasi evaluasi monitoring koordinasi
resmi buka tutup lantik sambut kunjung tinjau serah terima tandatangan sepakat janji
investasi investor industri pabrik kilang smelter hilirisasi digital internet aplikasi data
lingkungan sampah limbah emisi karbon iklim hijau mangrove orangutan pesut konservasi
perempuan anak pemuda lansia disabilitas keluarga miskin sejahtera bansos subsidi zakat
agama masjid gereja pura vihara ibadah ramadan lebaran natal idul fitri adha qurban
olahraga atlet sepakbola bulutangkis dayung porprov pon medali juara turnamen stadion
"""
PHRASES = [
    "rumah sakit", "air bersih", "tenaga kerja", "kerja sama", "ibu kota", "jalan tol",
    "sumber daya", "usaha kecil", "dana desa", "idul fitri", "rencana kerja", "hak asasi",
]  # fmt: skip
PREFIXES = ("", "", "", "me", "di", "pe", "ber", "ter", "ke")
SUFFIXES = ("", "", "", "an", "kan", "nya", "i")
COMMON = _words("""
yang dan di ke dari untuk dengan dalam pada ini itu akan telah sudah juga serta oleh
agar karena sebagai bahwa atau tidak bisa dapat harus masih lebih sangat para kita kami
mereka tersebut antara hingga sejak setiap semua seluruh bagi tahun hari bulan kali
pemerintah provinsi kaltim kalimantan timur gubernur wakil sekretaris daerah kepala dinas
badan bupati walikota camat lurah warga masyarakat pihak upaya kegiatan program
""")
PLACES = _words("""
Samarinda Balikpapan Bontang Tenggarong Sangatta Tanjung-Redeb Penajam Sendawar Tanah-Grogot
Kutai-Kartanegara Kutai-Timur Kutai-Barat Berau Paser Mahakam-Ulu Nusantara Sepaku Muara-Badak
Loa-Janan Anggana Sangasanga Muara-Kaman Kota-Bangun Long-Apari Derawan Maratua Sebulu
""")
NAMES = _words("""
Isran Hadi Rusmadi Sri Wahyuni Akmal Malik Rudy Mas'ud Seno Aji Andi Harun Rahmad Basri
Jaya Mulyadi Norbaiti Ismiati Muhammad Sa'bani Fitriansyah Ahmad Muzakkir Yudha Pranoto
""")
MONTHS = _words(
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
)
SIGNATURES = ("her/sul/es/hmsprov", "ky/her/yans/humasprovkaltim", "mar/dmp", "jay/ri/humasprov")


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Word types and cumulative Zipf weights: function and office words are the most
    common, then every root with a few of its affixed forms in random order of frequency."""
    derived = set()
    for root in ROOTS.split():
        derived.add(root)
        for prefix in rng.sample(PREFIXES, 4):
            for suffix in rng.sample(SUFFIXES, 3):
                derived.add(prefix + root + suffix)
    tail = sorted(derived - set(COMMON))
    rng.shuffle(tail)
    words = COMMON + tail
    words += [place.replace("-", " ").lower() for place in PLACES]
    words += [name.lower() for name in NAMES]
    # Multi-word terms stay together, so that phrase searches find them.
    words[120:120] = PHRASES
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank**1.05
        cumulative.append(total)
    return words, cumulative


def sentence_pool(rng: random.Random, size: int) -> list[str]:
    words, cumulative = vocabulary(rng)
    pool = []
    for _ in range(size):
        chosen = rng.choices(words, cum_weights=cumulative, k=rng.randint(9, 22))
        if rng.random() < 0.3:
            chosen.insert(rng.randrange(len(chosen)), rng.choice(NAMES))
        if rng.random() < 0.25:
            chosen.append(
                f"{rng.randint(2, 950)} {rng.choice(['miliar', 'juta', 'persen', 'unit'])}"
            )
        text = " ".join(chosen)
        pool.append(text[0].upper() + text[1:] + ".")
    return pool


def articles(count: int, seed: int = 1) -> Iterator[tuple]:
    """Rows for `ARTICLE_COLUMNS`, newest first (a crawl reads the listing newest first)."""
    rng = random.Random(seed)
    pool = sentence_pool(rng, 40_000)
    categories = [(e.label, e.slug) for e in Taxonomy.default().entries]
    categories += [("Info Daerah", "info-daerah"), ("Kabar Desa", "kabar-desa")]
    weights = [1.0 / rank for rank in range(1, len(categories) + 1)]
    newest = date(2026, 11, 20)
    span = (newest - date(2012, 1, 1)).days
    for number in range(count):
        day = newest - timedelta(days=span * number // count)
        label, slug = rng.choices(categories, weights=weights)[0]
        place = rng.choice(PLACES).replace("-", " ")
        title_words = rng.sample(pool, 1)[0].rstrip(".").split()[: rng.randint(6, 12)]
        title = " ".join(word.capitalize() for word in title_words)
        if rng.random() < 0.01:
            title = "-" + title  # a cell a spreadsheet would read as a formula
        paragraphs = []
        for _ in range(rng.randint(4, 8)):
            paragraphs.append(" ".join(rng.choices(pool, k=rng.randint(2, 4))))
        paragraphs[0] = f"{place.upper()} – {paragraphs[0]}"
        paragraphs[-1] += f" ({number})"  # every article its own content
        body = "\n\n".join(paragraphs)
        hour, minute, second = rng.randrange(7, 22), rng.randrange(60), rng.randrange(60)
        url_slug = f"{'-'.join(title_words[:8]).lower()}-{number}"
        fetched = "2026-11-27T20:00:00Z"
        raw_time = (
            f"{day.day} {MONTHS[day.month - 1]} {day.year} Jam {hour:02}:{minute:02}:{second:02}"
        )
        digest = "sha256:" + hashlib.sha256(f"{title}{body}".encode()).hexdigest()
        yield (
            f"https://www.kaltimprov.go.id/berita/{url_slug}",
            url_slug,
            title,
            f"{day.isoformat()}T{hour:02}:{minute:02}:{second:02}+08:00",
            day.isoformat(),
            "second",
            raw_time,
            label,
            slug,
            label.upper(),
            int(not slug.startswith(("info-", "kabar-"))),
            place.title(),
            body,
            f"Suasana kegiatan di {place}. (humasprov)" if rng.random() < 0.6 else None,
            rng.choice(SIGNATURES),
            json.dumps([f"https://www.kaltimprov.go.id/images/{number}.jpg"]),
            f"https://www.kaltimprov.go.id/berita/{url_slug}",
            digest,
            None,
            fetched,
            fetched,
            fetched,
            1,
            None,
        )


ARTICLE_COLUMNS = _words(
    "url slug title published_at published_date published_precision published_raw category"
    " category_slug category_raw category_known dateline body_text photo_caption author_codes"
    " image_urls canonical_link content_hash duplicate_of first_seen_at last_fetched_at"
    " last_changed_at revision capture_id"
)


def build_archive(path: Path, count: int, seed: int = 1) -> float:
    """Create an archive of `count` synthetic articles at `path` (reused if it already holds
    them); seconds spent."""
    if path.exists():
        conn = sqlite3.connect(path)
        try:
            held = conn.execute("select count(*) from articles").fetchone()[0]
        except sqlite3.DatabaseError:
            held = -1
        conn.close()
        if held == count:
            with Store.open(path):  # brings an archive cached by an older version up to date
                pass
            return 0.0
        path.unlink()
    started = time.perf_counter()
    with Store.open(path) as store:
        store.categories.sync(Taxonomy.default())
    conn = sqlite3.connect(path)
    marks = ", ".join("?" for _ in ARTICLE_COLUMNS)
    with conn:  # one transaction; the FTS triggers index every row
        conn.executemany(
            f"insert into articles ({', '.join(ARTICLE_COLUMNS)}) values ({marks})",
            articles(count, seed),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


# Bump when the generator changes, so that a cached archive of an older generator is not reused.
GENERATOR_VERSION = 2


def cached_archive_path(count: int, seed: int) -> Path:
    """Where the export and search benchmarks share one synthetic archive between runs."""
    return Path(tempfile.gettempdir()) / f"humas-bench-v{GENERATOR_VERSION}-{count}-s{seed}.sqlite"

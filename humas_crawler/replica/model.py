"""The replica's generated site: articles with their dates, categories and prose, and mutations."""

from __future__ import annotations

import dataclasses
import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from humas_crawler.defaults import REPLICA_LINK_FORMS

WITA = ZoneInfo("Asia/Makassar")
# The current site (`/detailberita/<slug>`) carries everything published from 2025 on.
NEW_FORM_FROM = datetime(2025, 1, 1, tzinfo=WITA)
LINK_FORMS = REPLICA_LINK_FORMS
# How the page of an article taken off the site answers (ReplicaSite.take_down).
TAKE_DOWNS = ("404", "410", "home")
# Before 2017 the site shows every time as `Jam 00:00:00`: only the day is known.
TIME_KNOWN_FROM = datetime(2017, 1, 1, tzinfo=WITA)
# The oldest article of a generated site, whatever its size.
HISTORY_START = datetime(2013, 1, 2, tzinfo=WITA)
# The newest articles sit inside this window before `now`, all others before OLD_AFTER: a crawl
# with `--revisit-days 7` must revisit exactly the recent ones.
RECENT_COUNT = 3
RECENT_WINDOW = timedelta(days=2)
OLD_AFTER = timedelta(days=10)

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
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
)


# ----- articles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleStyle:
    """How a page dresses an article's body: HTML only, none of it reaches the stored record."""

    dateline_text: str | None = None  # the lead's opening as written: "SAMARINDA –", "Balikpapan,"
    dots_after: tuple[int, ...] = ()  # a lone "." paragraph after these paragraph indexes
    blanks_after: tuple[int, ...] = ()  # an `&nbsp;` paragraph after these
    ragged_spaces: bool = False  # leading `&nbsp; ` and doubled spaces inside paragraphs
    caption_marker: str = "/////FOTO : "
    caption_first: bool = False  # the caption paragraph before the lead instead of after the body
    signature: str = "inline"  # "inline" `... (a/b).`, "glued" `...kata dia.(a/b)`, "alone"
    read_also: bool = False  # a "Baca Juga:" line inside the body
    comments: int = 0  # comments under a current-site article


@dataclass
class ReplicaArticle:
    """One article of the replica, with exactly what the crawler must store for it."""

    id: int  # 1 = the oldest
    slug: str
    form: str  # "old" -> /berita/<slug>, "new" -> /detailberita/<slug>
    title: str
    published: datetime  # aware, WITA; midnight when not time_known
    time_known: bool
    category: str  # a canonical label of the taxonomy
    paragraphs: list[str]  # the body as it must end up in body_text
    dateline: str | None  # the place in title case
    photo_caption: str | None
    author_codes: str | None
    revision: int = 1
    style: ArticleStyle = field(default_factory=ArticleStyle)
    modified: datetime | None = None  # when an edit last changed it

    @property
    def path(self) -> str:
        prefix = "/detailberita/" if self.form == "new" else "/berita/"
        return prefix + self.slug

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def record(self, base_url: str) -> dict[str, str | None]:
        """The fields the crawler must store for this article when the site is at `base_url`."""
        url = base_url.rstrip("/") + self.path
        return {
            "url": url,
            "slug": self.slug,
            "title": self.title,
            "published_at": self.published.isoformat(),
            "published_precision": "second" if self.time_known else "day",
            "category": self.category,
            "dateline": self.dateline,
            "body_text": self.body_text,
            "photo_caption": self.photo_caption,
            "author_codes": self.author_codes,
        }


def slug_from_title(title: str) -> str:
    """The site's slug rule: punctuation that separates words becomes `-` (a trailing `?` or `!`
    leaves a trailing `-`, `: ` leaves `--`); other punctuation is dropped."""
    out = []
    for ch in title.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ch in " :?!/-":
            out.append("-")
    return "".join(out)


def category_slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


# ----- prose banks -----------------------------------------------------------------------------


class _Topic(NamedTuple):
    title: str  # the headline after the actor: "Tinjau Pembangunan Jembatan Antarkecamatan"
    clause: str  # the lead's predicate: "meninjau progres pembangunan jembatan ..."
    noun: str  # what it is about, for quotes and background: "pembangunan jembatan"


class _Desk(NamedTuple):
    role: str  # "gubernur", "wagub", "sekda" (a leader speaks) or "agency" (its head speaks)
    short: str  # in headlines: "Gubernur", "Dinkes Kaltim"
    full: str  # in the lead: "Dinas Kesehatan (Dinkes) Kaltim" ("" for a leader: name added)
    topics: tuple[_Topic, ...]


def _topics(*lines: str) -> tuple[_Topic, ...]:
    return tuple(_Topic(*line.split("|")) for line in lines)


_DESKS: dict[str, _Desk] = {
    "Gubernur Kaltim": _Desk(
        "gubernur",
        "Gubernur",
        "",
        _topics(
            "Tinjau Pembangunan Jembatan Antarkecamatan|meninjau progres pembangunan jembatan "
            "penghubung antarkecamatan|pembangunan jembatan",
            "Serahkan DPA kepada Kepala Perangkat Daerah|menyerahkan Dokumen Pelaksanaan Anggaran "
            "(DPA) kepada seluruh kepala perangkat daerah|pelaksanaan anggaran",
            "Minta Bupati dan Wali Kota Percepat Penurunan Kemiskinan|meminta bupati dan wali "
            "kota se-Kaltim mempercepat program penurunan kemiskinan ekstrem|penurunan "
            "kemiskinan ekstrem",
            "Luncurkan Program Beasiswa Kaltim Tuntas|meluncurkan program Beasiswa Kaltim Tuntas "
            "bagi pelajar dan mahasiswa berprestasi|program beasiswa",
            "Lantik Pejabat Pimpinan Tinggi Pratama|melantik sejumlah pejabat pimpinan tinggi "
            "pratama di lingkungan Pemprov Kaltim|penataan birokrasi",
            "Terima Delegasi Dagang dari Sabah|menerima kunjungan delegasi dagang dari Sabah, "
            "Malaysia|kerja sama perdagangan",
            "Buka Musrenbang RKPD Provinsi|membuka Musyawarah Perencanaan Pembangunan (Musrenbang) "
            "Rencana Kerja Pemerintah Daerah Provinsi Kaltim|perencanaan pembangunan",
        ),
    ),
    "Wakil Gubernur Kaltim": _Desk(
        "wagub",
        "Wagub",
        "",
        _topics(
            "Lepas Kafilah MTQ Kaltim ke Tingkat Nasional|melepas kafilah Musabaqah Tilawatil "
            "Quran (MTQ) Kaltim yang akan berlaga di tingkat nasional|pembinaan kafilah MTQ",
            "Awasi Distribusi Minyak Goreng Curah|meminta satuan tugas pangan mengawasi "
            "distribusi minyak goreng curah hingga ke pengecer|distribusi minyak goreng",
            "Buka Pekan Olahraga Pelajar Daerah|membuka Pekan Olahraga Pelajar Daerah (Popda) "
            "Kaltim|pembinaan atlet pelajar",
            "Ajak Pemuda Jadi Pelopor Antinarkoba|mengajak pemuda Kaltim menjadi pelopor gerakan "
            "antinarkoba di lingkungan masing-masing|pencegahan narkoba",
            "Pimpin Rakor Pengendalian Inflasi Daerah|memimpin rapat koordinasi Tim Pengendalian "
            "Inflasi Daerah (TPID) se-Kaltim|pengendalian inflasi",
            "Tinjau Kesiapan Pelabuhan Jelang Libur Panjang|meninjau kesiapan pelabuhan penumpang "
            "menjelang musim libur panjang|pelayanan angkutan laut",
            "Serap Aspirasi Warga Pedalaman|menyerap aspirasi warga dalam dialog bersama tokoh "
            "adat dan tokoh masyarakat pedalaman|aspirasi warga pedalaman",
        ),
    ),
    "Sekretaris Daerah Provinsi Kalimantan Timur": _Desk(
        "sekda",
        "Sekdaprov",
        "",
        _topics(
            "Minta OPD Kebut Serapan Anggaran|meminta seluruh organisasi perangkat daerah (OPD) "
            "mempercepat serapan anggaran sejak awal tahun|serapan anggaran",
            "Pimpin Apel Disiplin ASN|memimpin apel disiplin aparatur sipil negara (ASN) di "
            "halaman Kantor Gubernur Kaltim|disiplin ASN",
            "Buka Rakor Tim Anggaran Pemerintah Daerah|membuka rapat koordinasi Tim Anggaran "
            "Pemerintah Daerah (TAPD) Provinsi Kaltim|penyusunan anggaran daerah",
            "Evaluasi Capaian Reformasi Birokrasi|mengevaluasi capaian reformasi birokrasi di "
            "lingkungan Pemprov Kaltim|reformasi birokrasi",
            "Ingatkan Netralitas ASN Jelang Pemilu|mengingatkan seluruh ASN Pemprov Kaltim "
            "menjaga netralitas menjelang pemilihan umum|netralitas ASN",
            "Dorong Digitalisasi Layanan Perizinan|mendorong perangkat daerah mempercepat "
            "digitalisasi layanan perizinan|digitalisasi layanan publik",
            "Kunjungi Sentra Tenun Ulap Doyo|mengunjungi sentra tenun ulap doyo dan berdialog "
            "dengan para perajin|pelestarian tenun ulap doyo",
        ),
    ),
    "Pembangunan": _Desk(
        "agency",
        "Pemprov Kaltim",
        "Pemerintah Provinsi (Pemprov) Kalimantan Timur",
        _topics(
            "Targetkan Jalan Poros Rampung Akhir Tahun|menargetkan peningkatan jalan poros "
            "antarkabupaten rampung pada akhir tahun|peningkatan jalan poros",
            "Bangun Instalasi Air Bersih di Kawasan Pesisir|membangun instalasi pengolahan air "
            "bersih bagi warga kawasan pesisir|penyediaan air bersih",
            "Percepat Pembangunan KEK Maloy|mempercepat pembangunan infrastruktur dasar di "
            "Kawasan Ekonomi Khusus (KEK) Maloy Batuta Trans Kalimantan|pengembangan KEK Maloy",
            "Lanjutkan Pembangunan Bendungan Marangkayu|melanjutkan pembangunan Bendungan "
            "Marangkayu untuk mendukung irigasi pertanian|pembangunan bendungan",
            "Resmikan Gedung Pelayanan Terpadu|meresmikan gedung pelayanan terpadu satu pintu "
            "yang baru|pelayanan terpadu",
            "Perluas Jaringan Listrik Desa Terpencil|memperluas jaringan listrik ke desa-desa "
            "terpencil bersama PLN|elektrifikasi desa",
            "Genjot Pembangunan Rumah Layak Huni|menggenjot pembangunan rumah layak huni bagi "
            "keluarga berpenghasilan rendah|rumah layak huni",
        ),
    ),
    "Kesehatan": _Desk(
        "agency",
        "Dinkes Kaltim",
        "Dinas Kesehatan (Dinkes) Kaltim",
        _topics(
            "Percepat Vaksinasi bagi Lansia|mempercepat cakupan vaksinasi bagi warga lanjut "
            "usia|vaksinasi lansia",
            "Kirim Tim Medis ke Desa Terpencil|mengirim tim medis dan obat-obatan ke desa-desa "
            "terpencil|pelayanan kesehatan daerah terpencil",
            "Gencarkan Pencegahan Stunting|menggencarkan gerakan pencegahan stunting melalui "
            "posyandu dan pendampingan ibu hamil|pencegahan stunting",
            "Siagakan Puskesmas Selama Libur Panjang|menyiagakan puskesmas dan rumah sakit "
            "rujukan selama libur panjang|layanan kesehatan",
            "Latih Kader Posyandu|melatih ratusan kader posyandu dalam pemantauan tumbuh kembang "
            "anak|pemberdayaan kader posyandu",
            "Ingatkan Warga Waspada Demam Berdarah|mengingatkan warga mewaspadai peningkatan kasus "
            "demam berdarah dengue (DBD) di musim hujan|pencegahan demam berdarah",
            "Tambah Armada Ambulans Desa|menambah armada ambulans desa untuk mempercepat rujukan "
            "pasien|layanan ambulans desa",
        ),
    ),
    "Pendidikan": _Desk(
        "agency",
        "Disdikbud Kaltim",
        "Dinas Pendidikan dan Kebudayaan (Disdikbud) Kaltim",
        _topics(
            "Perpanjang Pendaftaran Sekolah Menengah|memperpanjang masa pendaftaran peserta didik "
            "baru jenjang SMA, SMK dan SLB|penerimaan peserta didik baru",
            "Bangun Ruang Kelas Baru di Perbatasan|membangun ruang kelas baru bagi SMA dan SMK "
            "negeri di wilayah perbatasan|pemerataan sarana pendidikan",
            "Latih Guru Penggerak|melatih guru penggerak dari seluruh kabupaten dan "
            "kota|peningkatan mutu guru",
            "Salurkan Seragam Sekolah Gratis|menyalurkan bantuan seragam sekolah gratis bagi "
            "siswa baru|pendidikan gratis",
            "Dorong Sekolah Terapkan Muatan Lokal|mendorong sekolah menerapkan muatan lokal "
            "budaya Kalimantan Timur|kurikulum muatan lokal",
            "Gelar Olimpiade Sains Pelajar|menggelar olimpiade sains tingkat provinsi bagi "
            "pelajar SMA sederajat|pembinaan pelajar berprestasi",
            "Perluas Akses Internet Sekolah|memperluas akses internet bagi sekolah di daerah "
            "terpencil|digitalisasi sekolah",
        ),
    ),
    "Sosial": _Desk(
        "agency",
        "Dinsos Kaltim",
        "Dinas Sosial (Dinsos) Kaltim",
        _topics(
            "Salurkan Bantuan bagi Korban Kebakaran|menyalurkan bantuan sembako dan perlengkapan "
            "bagi warga korban kebakaran|bantuan korban kebakaran",
            "Data Ulang Penerima Bantuan Lansia|mendata ulang penerima bantuan bagi warga lanjut "
            "usia terlantar|bantuan lansia",
            "Perkuat Peran Karang Taruna|memperkuat peran karang taruna dalam mencegah kenakalan "
            "remaja|pemberdayaan karang taruna",
            "Tambah Daya Tampung Panti Werdha|menambah daya tampung panti sosial tresna "
            "werdha|pelayanan panti sosial",
            "Siagakan Tagana di Daerah Rawan|menyiagakan Taruna Siaga Bencana (Tagana) di daerah "
            "rawan bencana|kesiapsiagaan Tagana",
            "Dampingi Penyandang Disabilitas|memberikan pendampingan dan alat bantu bagi "
            "penyandang disabilitas|layanan penyandang disabilitas",
        ),
    ),
    "Pertanian dan Ketahanan Pangan": _Desk(
        "agency",
        "DPTPH Kaltim",
        "Dinas Pangan, Tanaman Pangan dan Hortikultura (DPTPH) Kaltim",
        _topics(
            "Pastikan Stok Beras Aman hingga Lebaran|memastikan stok beras di seluruh kabupaten "
            "dan kota aman hingga Lebaran|ketersediaan beras",
            "Salurkan Traktor Tangan untuk Petani|menyalurkan bantuan traktor tangan kepada "
            "kelompok tani|mekanisasi pertanian",
            "Kembangkan Cetak Sawah Baru|mengembangkan program cetak sawah baru bersama "
            "pemerintah kabupaten|perluasan lahan sawah",
            "Gelar Panen Raya Padi Sawah|menggelar panen raya padi sawah bersama ratusan "
            "petani|produksi padi",
            "Siapkan Alat Pengering Gabah|menyiapkan alat pengering gabah agar petani tidak "
            "menjual gabah basah dengan harga rendah|pascapanen gabah",
            "Gelar Pasar Murah Jelang Hari Besar|menggelar pasar murah untuk menjaga harga bahan "
            "pokok menjelang hari besar keagamaan|stabilisasi harga pangan",
        ),
    ),
    "Informasi dan Komunikasi": _Desk(
        "agency",
        "Diskominfo Kaltim",
        "Dinas Komunikasi dan Informatika (Diskominfo) Kaltim",
        _topics(
            "Perluas Jaringan Internet Desa|memperluas jaringan internet desa bersama penyedia "
            "layanan telekomunikasi|internet desa",
            "Latih Pengelola Media Sosial Perangkat Daerah|melatih pengelola media sosial "
            "perangkat daerah agar informasi publik tersampaikan dengan cepat|komunikasi publik",
            "Gelar Pelatihan Jurnalistik bagi Humas OPD|menggelar pelatihan jurnalistik bagi "
            "pengelola kehumasan perangkat daerah|kehumasan pemerintah",
            "Luncurkan Layanan Pengaduan Daring|meluncurkan layanan pengaduan masyarakat secara "
            "daring|layanan pengaduan",
            "Perkuat Keamanan Siber Pemerintah Daerah|memperkuat keamanan siber sistem informasi "
            "pemerintah daerah|keamanan siber",
            "Dorong Keterbukaan Informasi Publik|mendorong badan publik di Kaltim membuka akses "
            "informasi publik seluas-luasnya|keterbukaan informasi publik",
        ),
    ),
    "Pekerjaan Umum": _Desk(
        "agency",
        "Dinas PUPR Kaltim",
        "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat (PUPR-Pera) Kaltim",
        _topics(
            "Kebut Perbaikan Jalan Poros Samarinda-Bontang|mengebut perbaikan ruas jalan poros "
            "Samarinda-Bontang yang rusak akibat hujan|perbaikan jalan provinsi",
            "Lanjutkan Normalisasi Sungai Karang Mumus|melanjutkan normalisasi Sungai Karang "
            "Mumus untuk mengurangi banjir|pengendalian banjir",
            "Perbaiki Sambungan Jembatan Pulau Balang|memperbaiki sambungan jembatan Pulau "
            "Balang|pemeliharaan jembatan",
            "Bangun Drainase Kawasan Perkotaan|membangun saluran drainase di kawasan perkotaan "
            "rawan genangan|drainase perkotaan",
            "Tangani Longsor di Jalan Provinsi|menangani titik longsor di ruas jalan "
            "provinsi|penanganan longsor",
            "Tata Ulang Kawasan Tepian Mahakam|menata ulang kawasan tepian Sungai Mahakam sebagai "
            "ruang publik|penataan ruang publik",
        ),
    ),
    "Perhubungan": _Desk(
        "agency",
        "Dishub Kaltim",
        "Dinas Perhubungan (Dishub) Kaltim",
        _topics(
            "Siagakan Posko Angkutan Lebaran|menyiagakan posko angkutan Lebaran di terminal, "
            "pelabuhan dan bandara|angkutan Lebaran",
            "Uji Kelaikan Kapal Penumpang Sungai|menguji kelaikan kapal penumpang yang melayani "
            "jalur Sungai Mahakam|keselamatan angkutan sungai",
            "Tambah Rute Bus Antarkota|menambah rute bus antarkota dari Terminal Sungai "
            "Kunjang|angkutan umum",
            "Tertibkan Angkutan Batu Bara di Jalan Umum|menertibkan angkutan batu bara yang "
            "melintas di jalan umum|ketertiban lalu lintas",
            "Kaji Tarif Tol Balikpapan-Samarinda|mengkaji usulan penyesuaian tarif jalan tol "
            "Balikpapan-Samarinda|layanan jalan tol",
            "Siapkan Rute Penerbangan Perintis|menyiapkan rute penerbangan perintis ke wilayah "
            "pedalaman dan perbatasan|penerbangan perintis",
        ),
    ),
    "Informasi Bencana": _Desk(
        "agency",
        "BPBD Kaltim",
        "Badan Penanggulangan Bencana Daerah (BPBD) Kaltim",
        _topics(
            "Petakan Desa Rawan Banjir|memetakan desa-desa rawan banjir di sepanjang daerah "
            "aliran sungai|mitigasi banjir",
            "Kirim Bantuan Logistik bagi Korban Banjir|mengirim bantuan logistik bagi warga "
            "terdampak banjir|penanganan banjir",
            "Padamkan Kebakaran Lahan Gambut|memadamkan kebakaran lahan gambut bersama tim "
            "gabungan|pengendalian kebakaran lahan",
            "Buka Posko Siaga Darurat 24 Jam|membuka posko siaga darurat bencana yang beroperasi "
            "24 jam|siaga darurat bencana",
            "Gelar Simulasi Evakuasi Gempa di Sekolah|menggelar simulasi evakuasi gempa bumi di "
            "sekolah|kesiapsiagaan bencana",
            "Imbau Warga Waspada Cuaca Ekstrem|mengimbau warga mewaspadai cuaca ekstrem dalam "
            "sepekan ke depan|peringatan dini cuaca",
        ),
    ),
    "Koperasi dan Usaha Kecil dan Menengah": _Desk(
        "agency",
        "Diskop UKM Kaltim",
        "Dinas Koperasi dan Usaha Kecil Menengah (Diskop UKM) Kaltim",
        _topics(
            "Dorong UMKM Manfaatkan Pasar Digital|mendorong pelaku usaha mikro, kecil dan "
            "menengah (UMKM) memanfaatkan pasar digital|digitalisasi UMKM",
            "Gelar Pameran Produk Unggulan Daerah|menggelar pameran produk unggulan UMKM dari "
            "sepuluh kabupaten dan kota|promosi produk UMKM",
            "Latih Pengurus Koperasi Kelola Keuangan|melatih pengurus koperasi dalam pengelolaan "
            "keuangan yang sehat|penguatan koperasi",
            "Fasilitasi Sertifikasi Halal Gratis|memfasilitasi sertifikasi halal gratis bagi "
            "pelaku usaha mikro|sertifikasi halal",
            "Salurkan Kredit Usaha Bunga Ringan|menyalurkan kredit usaha berbunga ringan bersama "
            "bank daerah|akses permodalan UMKM",
            "Bina Perajin Manik Khas Dayak|membina perajin manik khas Dayak agar produknya "
            "menembus pasar ekspor|kerajinan daerah",
        ),
    ),
    "Ibu Kota Negara": _Desk(
        "agency",
        "Pemprov Kaltim",
        "Pemerintah Provinsi (Pemprov) Kalimantan Timur",
        _topics(
            "Siapkan SDM Lokal Sambut Ibu Kota Nusantara|menyiapkan sumber daya manusia lokal "
            "untuk menyambut pembangunan Ibu Kota Nusantara (IKN)|kesiapan SDM lokal",
            "Bahas Tata Ruang Kawasan Penyangga IKN|membahas penyelarasan tata ruang kawasan "
            "penyangga IKN bersama Otorita IKN|tata ruang kawasan penyangga",
            "Perkuat Lumbung Pangan Mitra IKN|memperkuat lumbung pangan di daerah mitra "
            "IKN|ketahanan pangan kawasan IKN",
            "Gelar Pelatihan Vokasi Konstruksi bagi Pemuda|menggelar pelatihan vokasi konstruksi "
            "bagi pemuda di sekitar kawasan inti pusat pemerintahan|pelatihan vokasi",
            "Kendalikan Harga Lahan di Sekitar IKN|mengendalikan harga dan transaksi lahan di "
            "sekitar kawasan IKN|pengendalian pertanahan",
            "Tingkatkan Jalan Akses Samboja-Sepaku|meningkatkan kualitas jalan akses yang "
            "menghubungkan Samboja dan Sepaku|konektivitas kawasan IKN",
        ),
    ),
    "Pemerintahan": _Desk(
        "agency",
        "Biro Pemerintahan",
        "Biro Pemerintahan, Perbatasan dan Otonomi Daerah Setdaprov Kaltim",
        _topics(
            "Evaluasi Kinerja Camat se-Kaltim|mengevaluasi kinerja camat se-Kaltim|kinerja "
            "kecamatan",
            "Fasilitasi Penegasan Batas Desa|memfasilitasi penegasan batas desa di wilayah yang "
            "masih bersengketa|penegasan batas wilayah",
            "Bahas Pembangunan Kawasan Perbatasan|membahas percepatan pembangunan kawasan "
            "perbatasan negara|pembangunan kawasan perbatasan",
            "Dampingi Penyusunan Peraturan Desa|mendampingi aparatur desa dalam penyusunan "
            "peraturan desa|tata kelola desa",
            "Gelar Rakor Penyelenggaraan Pemerintahan|menggelar rapat koordinasi penyelenggaraan "
            "pemerintahan daerah|penyelenggaraan pemerintahan",
            "Siapkan Laporan Penyelenggaraan Pemerintahan Daerah|menyiapkan laporan "
            "penyelenggaraan pemerintahan daerah (LPPD) tahun lalu|pelaporan kinerja daerah",
        ),
    ),
    "Kesatuan Bangsa dan Politik Dalam Negeri": _Desk(
        "agency",
        "Kesbangpol Kaltim",
        "Badan Kesatuan Bangsa dan Politik (Kesbangpol) Kaltim",
        _topics(
            "Ajak Ormas Jaga Kondusivitas Jelang Pemilu|mengajak organisasi kemasyarakatan "
            "(ormas) menjaga kondusivitas daerah menjelang pemilu|kondusivitas daerah",
            "Gelar Pendidikan Wawasan Kebangsaan|menggelar pendidikan wawasan kebangsaan bagi "
            "pelajar dan mahasiswa|wawasan kebangsaan",
            "Perkuat Forum Kerukunan Umat Beragama|memperkuat peran Forum Kerukunan Umat "
            "Beragama (FKUB) hingga tingkat kecamatan|kerukunan umat beragama",
            "Sosialisasikan Pencegahan Paham Radikal|menyosialisasikan pencegahan paham radikal "
            "di lingkungan kampus|pencegahan radikalisme",
            "Fasilitasi Pendidikan Politik Pemilih Pemula|memfasilitasi pendidikan politik bagi "
            "pemilih pemula|pendidikan politik",
        ),
    ),
    "DWP": _Desk(
        "agency",
        "DWP Kaltim",
        "Dharma Wanita Persatuan (DWP) Provinsi Kaltim",
        _topics(
            "Gelar Bazar Ramadan|menggelar bazar Ramadan dengan harga terjangkau bagi pegawai dan "
            "masyarakat|bazar Ramadan",
            "Gelar Lomba Masak Berbahan Pangan Lokal|menggelar lomba masak berbahan pangan "
            "lokal|pangan lokal",
            "Berbagi Kasih dengan Pasien Anak|berbagi kasih dengan pasien anak di rumah sakit "
            "daerah|kepedulian sosial",
            "Latih Anggota Kelola Usaha Rumahan|melatih anggota mengelola usaha "
            "rumahan|pemberdayaan perempuan",
            "Kampanyekan Gerakan Gemar Membaca|mengampanyekan gerakan gemar membaca bagi anak "
            "usia dini|literasi anak",
        ),
    ),
}
CATEGORY_LABELS: tuple[str, ...] = tuple(_DESKS)
# Leaders by term (all names invented): (term ends, name); None = still in office.
_LEADERS: dict[str, tuple[tuple[datetime | None, str], ...]] = {
    "gubernur": (
        (datetime(2018, 10, 1, tzinfo=WITA), "Bahrun Saleh"),
        (datetime(2023, 10, 1, tzinfo=WITA), "Andi Pranata"),
        (None, "Rudi Mahendra"),
    ),
    "wagub": (
        (datetime(2018, 10, 1, tzinfo=WITA), "Syamsul Bahri"),
        (datetime(2023, 10, 1, tzinfo=WITA), "Yusran Effendi"),
        (None, "Meiliana Sari"),
    ),
    "sekda": (
        (datetime(2017, 6, 1, tzinfo=WITA), "Rachmat Hidayat"),
        (datetime(2022, 3, 1, tzinfo=WITA), "Sofyan Arifin"),
        (None, "Nur Aini Lestari"),
    ),
}
_LEADER_TITLES = {
    "gubernur": ("Gubernur Kaltim", "Gubernur"),
    "wagub": ("Wakil Gubernur Kaltim", "Wagub"),
    "sekda": ("Sekretaris Daerah Provinsi (Sekdaprov) Kaltim", "Sekdaprov"),
}
_FIRST_NAMES = (
    "Agus",
    "Budi",
    "Dewi",
    "Eko",
    "Fitriani",
    "Hendra",
    "Indah",
    "Joko",
    "Kartini",
    "Lukman",
    "Maya",
    "Nanang",
    "Rina",
    "Slamet",
    "Taufik",
    "Wahyu",
    "Yuliani",
    "Zainal",
)
_LAST_NAMES = (
    "Pratama",
    "Santoso",
    "Wibowo",
    "Rahman",
    "Nugroho",
    "Kurniawan",
    "Syahrani",
    "Hidayat",
    "Mahmud",
    "Saputra",
    "Anwar",
    "Setiawan",
    "Maulana",
    "Handayani",
)
# (place, its regency or city); the datelines use the place.
_PLACES = (
    ("Samarinda", "Kota Samarinda"),
    ("Balikpapan", "Kota Balikpapan"),
    ("Bontang", "Kota Bontang"),
    ("Tenggarong", "Kabupaten Kutai Kartanegara"),
    ("Sangatta", "Kabupaten Kutai Timur"),
    ("Sendawar", "Kabupaten Kutai Barat"),
    ("Tanjung Redeb", "Kabupaten Berau"),
    ("Tana Paser", "Kabupaten Paser"),
    ("Penajam", "Kabupaten Penajam Paser Utara"),
    ("Ujoh Bilang", "Kabupaten Mahakam Ulu"),
    ("Jakarta", "DKI Jakarta"),
)
_PLACE_WEIGHTS = (40, 10, 6, 6, 5, 4, 5, 4, 5, 3, 4)
_SAMARINDA_VENUES = (
    "Ruang Heart of Borneo Kantor Gubernur Kaltim",
    "Ruang Ruhui Rahayu Kantor Gubernur Kaltim",
    "Pendopo Lamin Etam",
    "Gedung Olah Bebaya, Lamin Etam",
    "Aula Kantor Bappeda Kaltim",
)
_JAKARTA_VENUES = ("Kantor Kementerian Dalam Negeri, Jakarta", "Gedung Bappenas, Jakarta")
_OTHER_OFFICES = (
    "Bappeda Kaltim",
    "BPKAD Kaltim",
    "Inspektorat Kaltim",
    "Dinas PMPD Kaltim",
    "Biro Perekonomian Setdaprov Kaltim",
)
_REPORTERS = ("her", "jay", "yans", "ky", "sul", "es", "mar", "dey", "rus", "nit", "arf", "wan")
_DESK_CODES = ("hmsprov", "humasprov", "humasprovkaltim", "humasprov kaltim", "adpimprov kaltim")

_LEAD_TAILS = (
    "Langkah tersebut diambil agar {noun} benar-benar dirasakan manfaatnya oleh masyarakat, "
    "terutama warga yang tinggal di daerah pedalaman dan perbatasan.",
    "Kegiatan itu merupakan bagian dari upaya Pemprov Kaltim memastikan {noun} berjalan sesuai "
    "target yang telah ditetapkan dalam rencana kerja tahun ini.",
    "Hadir dalam kesempatan itu unsur Forkopimda, kepala perangkat daerah terkait, para camat, "
    "serta perwakilan tokoh masyarakat dan tokoh adat setempat.",
    "Upaya ini sejalan dengan visi pembangunan daerah yang menempatkan pelayanan dasar bagi "
    "masyarakat sebagai prioritas utama pemerintah provinsi.",
)
_INTROS = (
    "{speaker} mengatakan, {noun} menjadi perhatian serius pemerintah provinsi karena "
    "menyangkut kebutuhan dasar masyarakat di sepuluh kabupaten dan kota.",
    "Menurut {speaker}, pelaksanaan {noun} tahun ini melibatkan perangkat daerah provinsi, "
    "pemerintah kabupaten dan kota, serta mitra dari dunia usaha.",
    "Dalam arahannya, {speaker} menegaskan bahwa {noun} harus dikerjakan dengan perencanaan "
    "yang matang dan pengawasan yang ketat sejak awal.",
)
_QUOTES = (
    "Kami ingin {noun} benar-benar dirasakan masyarakat. Jangan sampai program yang baik "
    "berhenti di atas kertas",
    "Anggarannya sudah kita siapkan. Sekarang tinggal bagaimana pelaksanaannya di lapangan "
    "tepat waktu dan tepat sasaran",
    "Pemprov tidak bisa bekerja sendiri. Dukungan kabupaten dan kota, dunia usaha serta "
    "masyarakat sangat kami perlukan",
    "Kalau ada kendala di lapangan, segera laporkan. Jangan menunggu akhir tahun baru bergerak",
    "Saya minta semua pihak turun langsung ke lapangan, jangan hanya menerima laporan di atas meja",
    "Ini kerja bersama. Terima kasih kepada semua pihak yang sudah mendukung sejak awal",
    "Kita ingin Kaltim menjadi contoh bagi daerah lain dalam urusan {noun}",
    "Setiap rupiah yang dibelanjakan harus bisa dipertanggungjawabkan dan memberi manfaat nyata "
    "bagi warga",
    "Target kita jelas. Tahun ini harus ada kemajuan yang bisa diukur, bukan sekadar kegiatan "
    "seremonial",
    "Masyarakat di pedalaman punya hak yang sama dengan warga di kota. Itu yang selalu kami "
    "tekankan",
)
_SAYS = ("kata", "ujar", "tegas", "jelas", "ungkap", "tutur")
_CLOSING_SAYS = ("pungkasnya", "tutupnya", "harapnya")
_BACKGROUND = (
    "Data {office} mencatat, sedikitnya {n1} warga di {k} kabupaten dan kota telah merasakan "
    "manfaat {noun} sejak program tersebut dimulai.",
    "Tahun ini, Pemprov Kaltim mengalokasikan anggaran sekitar Rp{m} miliar untuk mendukung "
    "{noun}. Dana tersebut bersumber dari APBD Kaltim dan sebagian dari dana alokasi khusus.",
    "Selain di {place}, kegiatan serupa dijadwalkan berlangsung di {place2} dan {place3} dalam "
    "beberapa pekan mendatang.",
    "{ref} juga mengingatkan pentingnya koordinasi antara pemerintah provinsi dan kabupaten/kota "
    "agar tidak terjadi tumpang tindih kegiatan maupun anggaran.",
    "Pada kesempatan itu, {ref} menyerahkan secara simbolis bantuan kepada perwakilan penerima "
    "manfaat dan meninjau sejumlah fasilitas pendukung.",
    "Hingga akhir triwulan ini, realisasi kegiatan ditargetkan mencapai {pct} persen. Capaian "
    "tersebut akan dievaluasi dalam rapat koordinasi bulanan bersama perangkat daerah terkait.",
    "Warga yang membutuhkan informasi lebih lanjut dapat menghubungi kantor {office} atau "
    "layanan pengaduan resmi Pemprov Kaltim.",
    "Ia menambahkan, pelaksanaan {noun} akan diawasi bersama inspektorat dan melibatkan "
    "perguruan tinggi di Kaltim untuk menilai dampaknya.",
    "Berdasarkan hasil evaluasi tahun lalu, sejumlah kendala masih ditemukan, antara lain "
    "keterbatasan akses transportasi, data penerima yang belum mutakhir dan cuaca yang tidak "
    "menentu.",
    "{head} menambahkan, pihaknya telah menyiapkan langkah teknis agar {noun} dapat berjalan "
    "sesuai jadwal, termasuk pendampingan bagi petugas di tingkat kecamatan.",
)
_SMALL_WORDS = {"dan", "di", "ke", "dari", "bagi", "untuk", "yang", "atas", "pada", "dengan"}


def _title_case(phrase: str) -> str:
    words = []
    for word in phrase.split(" "):
        if word in _SMALL_WORDS or any(ch.isupper() for ch in word):
            words.append(word)
        else:
            words.append(word[:1].upper() + word[1:])
    return " ".join(words)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _leader(role: str, when: datetime) -> str:
    for until, name in _LEADERS[role]:
        if until is None or when < until:
            return name
    raise AssertionError("the last term has no end")


# ----- generation ------------------------------------------------------------------------------


class _Writer:
    """Writes articles in the style of the provincial press releases, from one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.titles: set[str] = set()
        self.slugs: set[str] = set()

    def article(self, id_: int, published: datetime, category: str, *, form: str) -> ReplicaArticle:
        rng = self.rng
        desk = _DESKS[category]
        topic = rng.choice(desk.topics)
        place, region = rng.choices(_PLACES, weights=_PLACE_WEIGHTS)[0]
        title, slug_title = self._title(desk, topic, place, published)
        slug = self._slug(slug_from_title(slug_title))
        dateline_text = self._dateline(place, form)
        paragraphs = self._paragraphs(desk, topic, place, region, published, dateline_text, form)
        caption = self._caption(desk, topic, place, region, published, form)
        codes = self._codes(form)
        style = self._style(len(paragraphs), form, has_caption=caption is not None)
        style = dataclasses.replace(style, dateline_text=dateline_text)
        return ReplicaArticle(
            id=id_,
            slug=slug,
            form=form,
            title=title,
            published=published,
            time_known=published >= TIME_KNOWN_FROM,
            category=category,
            paragraphs=paragraphs,
            dateline=_dateline_place(dateline_text),
            photo_caption=caption,
            author_codes=codes,
            style=style,
        )

    # -- headline and slug

    def _title(self, desk: _Desk, topic: _Topic, place: str, when: datetime) -> tuple[str, str]:
        """A title no other article has, and the title its slug was made from."""
        rng = self.rng
        short = desk.short
        variants = [
            f"{short} {topic.title}",
            f"{short} {topic.title} di {place}",
            f"{short}: {topic.title}",
            f"{short} {topic.title}!",
            f"{_title_case(topic.noun)} di {place}, Sudah Sejauh Mana?",
            f"{short} {topic.title} Tahun {when.year}",
            f"{short} {topic.title} di {place} Tahun {when.year}",
        ]
        weights = [30, 30, 8, 5, 4, 12, 11]
        for _ in range(12):
            title = rng.choices(variants, weights=weights)[0]
            if f" di {place}" in title and (place in topic.title or " di " in topic.title):
                continue  # "... Samarinda-Bontang di Samarinda", "... di Sekitar IKN di Bontang"
            if title not in self.titles:
                break
        else:
            base = variants[-1]
            title = next(
                f"{base} Tahap {n}"
                for n in range(2, 10**6)
                if f"{base} Tahap {n}" not in self.titles
            )
        self.titles.add(title)
        # Sometimes the slug keeps the title as first written, before an editor shortened it.
        slug_title = title
        if rng.random() < 0.05 and title.endswith(f" di {place}"):
            slug_title = f"{title} Hari Ini"
        return title, slug_title

    def _slug(self, slug: str) -> str:
        unique = slug
        n = 2
        while unique in self.slugs:
            unique = f"{slug}-{n}"
            n += 1
        self.slugs.add(unique)
        return unique

    # -- body

    def _dateline(self, place: str, form: str) -> str | None:
        rng = self.rng
        if rng.random() < 0.08:
            return None
        upper = place.upper()
        if form == "new":
            forms = [f"{place} —", f"{upper} –", f"{place} -"]
            return rng.choices(forms, weights=[60, 30, 10])[0]
        forms = [f"{upper} –", f"{upper} -", f"{upper}-"]
        weights = [45, 25, 15]
        if place in ("Samarinda", "Balikpapan", "Bontang"):
            forms.append(f"{place},")
            weights.append(15)
        return rng.choices(forms, weights=weights)[0]

    def _speaker(self, desk: _Desk, when: datetime) -> tuple[str, str, str]:
        """(lead actor, speaker's first mention, speaker's later mention)."""
        if desk.role in _LEADERS:
            name = _leader(desk.role, when)
            office, short = _LEADER_TITLES[desk.role]
            actor = f"{office} {name}"
            later = self.rng.choice((short, name.split()[0]))
            return actor, f"{short} {name}", later
        name = self._person(desk.short, when)
        return desk.full, f"Kepala {desk.short} {name}", name.split()[0]

    def _person(self, office: str, when: datetime) -> str:
        """The head of an office, the same person for a few years."""
        term = random.Random(f"{office}/{when.year // 4}")
        return f"{term.choice(_FIRST_NAMES)} {term.choice(_LAST_NAMES)}"

    def _paragraphs(
        self,
        desk: _Desk,
        topic: _Topic,
        place: str,
        region: str,
        when: datetime,
        dateline_text: str | None,
        form: str,
    ) -> list[str]:
        rng = self.rng
        actor, speaker, ref = self._speaker(desk, when)
        day = f"{DAYS[when.weekday()]} ({when.day}/{when.month}"
        day += f"/{when.year})" if form == "new" else ")"
        venue = self._venue(place, region)
        lead = f"{actor} {topic.clause} di {venue}, {day}. " + rng.choice(_LEAD_TAILS).format(
            noun=topic.noun
        )
        if dateline_text:
            lead = f"{dateline_text} {lead}"
        others = [p for p, _ in _PLACES if p not in (place, "Jakarta")]
        place2, place3 = rng.sample(others, 2)
        values = {
            "noun": topic.noun,
            "speaker": speaker,
            "ref": ref,
            "office": "Pemprov Kaltim" if desk.role in _LEADERS else desk.short,
            "place": place if place != "Jakarta" else "Samarinda",
            "place2": place2,
            "place3": place3,
            "n1": _thousands(rng.randrange(120, 48000)),
            "k": rng.randint(3, 10),
            "m": f"{rng.randint(2, 480)},{rng.randint(1, 9)}",
            "pct": rng.randrange(55, 96),
            "head": f"Kepala {rng.choice(_OTHER_OFFICES)} {self._person(place2, when)}",
        }
        count = rng.randint(4, 9)
        paragraphs = [lead, rng.choice(_INTROS).format(**values)]
        quotes = rng.sample(_QUOTES, k=min(len(_QUOTES), count))
        background = rng.sample(_BACKGROUND, k=min(len(_BACKGROUND), count))
        while len(paragraphs) < count:
            if len(paragraphs) % 2 == 1 and background:
                paragraphs.append(background.pop().format(**values))
                continue
            quote = quotes.pop().format(**values)
            if len(paragraphs) == count - 1:
                paragraphs.append(f"“{quote},” {rng.choice(_CLOSING_SAYS)}.")
            else:
                paragraphs.append(f"“{quote},” {rng.choice(_SAYS)} {ref}.")
        return paragraphs

    def _venue(self, place: str, region: str) -> str:
        rng = self.rng
        if place == "Samarinda":
            return rng.choice(_SAMARINDA_VENUES)
        if place == "Jakarta":
            return rng.choice(_JAKARTA_VENUES)
        head = "Wali Kota" if region.startswith("Kota") else "Bupati"
        name = region.removeprefix("Kota ").removeprefix("Kabupaten ")
        return rng.choice(
            (
                f"Pendopo Rumah Jabatan {head} {name}",
                f"Balai Pertemuan Umum {place}",
                f"Gedung Serbaguna {place}",
            )
        )

    def _caption(
        self, desk: _Desk, topic: _Topic, place: str, region: str, when: datetime, form: str
    ) -> str | None:
        rng = self.rng
        if rng.random() >= (0.6 if form == "new" else 0.4):
            return None
        actor, speaker, _ = self._speaker(desk, when)
        who = speaker if desk.role in _LEADERS else actor
        credit = rng.choice(("humasprov", "HUMASPROV", "adpimprov kaltim"))
        photographer = rng.choice((*_REPORTERS, "UMAR", "ADI"))
        venue = self._venue(place, region)
        # No full date in a caption: a short dated paragraph reads as a meta line.
        return f"{who} {topic.clause} di {venue}. ({photographer}/{credit})"

    def _codes(self, form: str) -> str | None:
        rng = self.rng
        if rng.random() < 0.12:
            return None
        if form == "new" and rng.random() < 0.2:
            return "*/IST"
        people = rng.sample(_REPORTERS, rng.randint(2, 3))
        return "/".join([*people, rng.choice(_DESK_CODES)])

    def _style(self, count: int, form: str, *, has_caption: bool) -> ArticleStyle:
        rng = self.rng
        gaps = list(range(count - 1))
        quirky = form == "old" and rng.random() < 0.45
        dots = tuple(sorted(rng.sample(gaps, min(len(gaps), rng.randint(1, 3))))) if quirky else ()
        blanks = tuple(sorted(rng.sample(gaps, 1))) if quirky and rng.random() < 0.5 else ()
        return ArticleStyle(
            dots_after=dots,
            blanks_after=blanks,
            ragged_spaces=form == "old" and rng.random() < 0.2,
            caption_marker=rng.choice(("/////FOTO : ", "////Foto : ", "///Foto: ", "/////FOTO: ")),
            caption_first=has_caption and form == "old" and rng.random() < 0.3,
            signature=rng.choices(("inline", "glued", "alone"), weights=(45, 15, 40))[0],
            read_also=count >= 4 and rng.random() < (0.35 if form == "new" else 0.1),
            comments=rng.choice((0, 0, 1, 2, 3)) if form == "new" else 0,
        )


def _dateline_place(dateline_text: str | None) -> str | None:
    """ "SAMARINDA –" -> "Samarinda", "TANJUNG REDEB-" -> "Tanjung Redeb", "Balikpapan," -> ..."""
    if not dateline_text:
        return None
    place = dateline_text.rstrip(" ,–—-")
    return " ".join(word.capitalize() for word in place.split())


def _spread_dates(count: int, now: datetime, rng: random.Random) -> list[datetime]:
    """Publication times, newest first: the newest few within RECENT_WINDOW before `now` (the
    newest a few hours before it), the rest from OLD_AFTER before `now` back to HISTORY_START with
    irregular gaps that grow with age (the site publishes more now than it did in 2013)."""
    hours = sorted(rng.uniform(1, 6) if i == 0 else rng.uniform(6, 46) for i in range(RECENT_COUNT))
    recent = [_seconds(now - timedelta(hours=h)) for h in hours[: min(count, RECENT_COUNT)]]
    rest = count - len(recent)
    end = now - OLD_AFTER - timedelta(hours=rng.uniform(2, 20))
    start = min(HISTORY_START, end - timedelta(days=365))
    gaps = [rng.expovariate(1.0) * (1 + 1.5 * i / max(rest, 1)) for i in range(rest - 1)]
    scale = (end - start).total_seconds() / (sum(gaps) or 1)
    older = [end]
    for gap in gaps:
        older.append(older[-1] - timedelta(seconds=gap * scale))
    dates = recent + [_office_hours(d, rng) for d in older[:rest]]
    return sorted(dates, reverse=True)


def _seconds(when: datetime) -> datetime:
    """`when` in WITA to the second; midnight when the site shows no time for that day."""
    when = when.astimezone(WITA).replace(microsecond=0)
    if when < TIME_KNOWN_FROM:
        return when.replace(hour=0, minute=0, second=0)
    if when.time() == datetime.min.time():
        when = when.replace(second=1)  # a known time never reads as `Jam 00:00:00`
    return when


def _office_hours(when: datetime, rng: random.Random) -> datetime:
    """Nobody publishes at 3 a.m.: such a time moves back to the evening before (never later, so
    an old article stays old)."""
    when = when.astimezone(WITA)
    if when.hour < 6:
        when -= timedelta(hours=rng.randint(7, 12))
    return _seconds(when)


# ----- the site --------------------------------------------------------------------------------


@dataclass
class _Index:
    """Views of the articles at one site revision."""

    newest: list[ReplicaArticle]
    by_slug: dict[str, ReplicaArticle]
    by_category: dict[str, list[ReplicaArticle]]  # label -> newest first
    rank_in_category: dict[int, int]  # article id -> its index in its category's list


class ReplicaSite:
    """A deterministic replica of the news site: `articles` articles from `seed`.

    Dates: the RECENT_COUNT (3) newest articles are published within the 2 days before `now`
    (the newest a few hours before it); every other article is older than 10 days, spread back to
    2013 with irregular gaps whatever the site's size, so even a small site holds pre-2017
    articles (`Jam 00:00:00`, day precision), old-form `/berita/` articles and current
    `/detailberita/` ones (2025 on). A crawl with `--revisit-days 7` thus revisits exactly the 3.
    """

    def __init__(
        self,
        articles: int = 100,
        *,
        seed: int = 0,
        per_page: int = 10,
        pinned: int = 3,
        now: datetime | None = None,
        sitemap: bool = False,
        link_forms: str = "stable",
        disallow: Sequence[str] = (),
    ) -> None:
        if articles < 0 or per_page < 1 or pinned < 0:
            raise ValueError("articles and pinned must be >= 0, per_page >= 1")
        if link_forms not in LINK_FORMS:
            raise ValueError(f"link_forms must be one of {', '.join(LINK_FORMS)}")
        now = now or datetime.now(WITA)
        if now.tzinfo is None:
            now = now.replace(tzinfo=WITA)
        self.now = now.astimezone(WITA).replace(microsecond=0)
        self.seed = seed
        self.per_page = per_page
        self.sitemap = sitemap
        self.link_forms = link_forms  # see replica.render.Chrome
        self.disallow = tuple(disallow)  # paths robots.txt disallows, besides /admin and /cari
        self.revision = 0  # bumped by every mutation: caches of rendered pages key on it
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._writer = _Writer(self._rng)
        self._articles: list[ReplicaArticle] = []
        self._index_cache: tuple[int, _Index] | None = None
        self._taken_down: dict[str, tuple[ReplicaArticle, str]] = {}
        dates = sorted(_spread_dates(articles, self.now, self._rng))
        labels = list(CATEGORY_LABELS[: len(dates)])
        weights = [3 if desk.role in _LEADERS else 1 for desk in _DESKS.values()]
        labels += self._rng.choices(CATEGORY_LABELS, weights=weights, k=len(dates) - len(labels))
        self._rng.shuffle(labels)
        for id_, (published, label) in enumerate(zip(dates, labels, strict=True), start=1):
            form = "new" if published >= NEW_FORM_FROM else "old"
            self._articles.append(self._writer.article(id_, published, label, form=form))
        newest = self.newest_first()
        # Featured items: fixed, never the newest; they also keep their chronological place.
        lo = per_page if len(newest) >= per_page + pinned else RECENT_COUNT
        candidates = newest[lo : max(lo + pinned, per_page * 4)]
        chosen = self._rng.sample(candidates, min(pinned, len(candidates)))
        self._pinned_ids = [a.id for a in sorted(chosen, key=lambda a: a.id, reverse=True)]
        others = [a for a in newest[RECENT_COUNT:] if a.id not in self._pinned_ids]
        self._popular_ids = [a.id for a in self._rng.sample(others, min(5, len(others)))]

    # -- reading

    def _index(self) -> _Index:
        with self._lock:
            if self._index_cache is not None and self._index_cache[0] == self.revision:
                return self._index_cache[1]
            newest = sorted(self._articles, key=lambda a: (a.published, a.id), reverse=True)
            by_category: dict[str, list[ReplicaArticle]] = {label: [] for label in CATEGORY_LABELS}
            for article in newest:
                by_category.setdefault(article.category, []).append(article)
            rank = {a.id: i for group in by_category.values() for i, a in enumerate(group)}
            index = _Index(newest, {a.slug: a for a in newest}, by_category, rank)
            self._index_cache = (self.revision, index)
            return index

    @property
    def articles(self) -> list[ReplicaArticle]:
        """Every article, oldest first."""
        with self._lock:
            return sorted(self._articles, key=lambda a: (a.published, a.id))

    def __len__(self) -> int:
        with self._lock:
            return len(self._articles)

    def newest_first(self) -> list[ReplicaArticle]:
        return list(self._index().newest)

    def by_slug(self, slug: str) -> ReplicaArticle | None:
        return self._index().by_slug.get(slug)

    def categories(self) -> dict[str, str]:
        """Every category of the site: label -> slug (`gubernur-kaltim`), in menu order."""
        return {label: category_slug(label) for label in CATEGORY_LABELS}

    def category_label(self, slug: str) -> str | None:
        return next((label for label, s in self.categories().items() if s == slug), None)

    def pinned_articles(self) -> list[ReplicaArticle]:
        """The featured items every listing page repeats at its top."""
        index = self._index()
        by_id = {a.id: a for a in index.newest}
        return [by_id[i] for i in self._pinned_ids if i in by_id]

    def popular_articles(self) -> list[ReplicaArticle]:
        """The 5 fixed "Terpopuler" items of the listing sidebars."""
        index = self._index()
        by_id = {a.id: a for a in index.newest}
        return [by_id[i] for i in self._popular_ids if i in by_id]

    def page_count(self, category_slug: str | None = None) -> int:
        """Pages of the main listing (or of a category's listing); at least 1."""
        items = self._listing_items(category_slug)
        return max(1, -(-len(items) // self.per_page))

    def listing(self, page: int = 1) -> list[ReplicaArticle]:
        """The main list of `/berita?page=N`: `per_page` articles, newest first."""
        return self._page(self._listing_items(None), page)

    def category_listing(self, slug: str, page: int = 1) -> list[ReplicaArticle]:
        """The main list of `/kategori/<slug>?page=N`; KeyError for a slug the site lacks."""
        return self._page(self._listing_items(slug), page)

    def _listing_items(self, category_slug: str | None) -> list[ReplicaArticle]:
        index = self._index()
        if category_slug is None:
            return index.newest
        label = self.category_label(category_slug)
        if label is None:
            raise KeyError(category_slug)
        return index.by_category.get(label, [])

    def _page(self, items: Sequence[ReplicaArticle], page: int) -> list[ReplicaArticle]:
        start = (page - 1) * self.per_page
        return list(items[start : start + self.per_page]) if page >= 1 else []

    def latest(self, count: int = 5) -> list[ReplicaArticle]:
        return self._index().newest[:count]

    def related(self, article: ReplicaArticle, count: int = 5) -> list[ReplicaArticle]:
        """Neighbours in the same category (the "Berita Terkait" sidebar)."""
        index = self._index()
        group = index.by_category.get(article.category, [])
        at = index.rank_in_category.get(article.id, 0)
        others = group[:at] + group[at + 1 :]
        # A window around the article's place in its category, shifted to stay full at the ends.
        start = min(max(0, at - 2), max(0, len(others) - count))
        return others[start : start + count]

    def others(self, article: ReplicaArticle, count: int = 4) -> list[ReplicaArticle]:
        """The newest article of a few other categories (the "Kategori Lain" sidebar)."""
        index = self._index()
        labels = [label for label in CATEGORY_LABELS if label != article.category]
        start = article.id % len(labels)
        picked = []
        for label in labels[start:] + labels[:start]:
            if index.by_category.get(label):
                picked.append(index.by_category[label][0])
            if len(picked) == count:
                break
        return picked

    def read_also(self, article: ReplicaArticle) -> ReplicaArticle | None:
        """An older article of the same category for a "Baca Juga:" line, if any."""
        index = self._index()
        group = index.by_category.get(article.category, [])
        at = index.rank_in_category.get(article.id, 0)
        return group[at + 1] if at + 1 < len(group) else None

    def truth(self, base_url: str) -> dict[str, dict]:
        """Canonical URL -> the record the crawler must store, for every article."""
        records = [a.record(base_url) for a in self.articles]
        return {str(r["url"]): r for r in records}

    # -- mutations (tests)

    def add_articles(self, count: int, *, form: str = "new") -> list[ReplicaArticle]:
        """`count` new articles, newer than every existing one and not after the real current
        time: current-site ones (`/detailberita/`), or with `form="old"` ones the old site's
        `/berita/` serves (a late addition to the old site)."""
        with self._lock:
            newest = max((a.published for a in self._articles), default=self.now - OLD_AFTER)
            real_now = datetime.now(WITA).replace(microsecond=0)
            span = max((real_now - newest).total_seconds(), count + 1.0)
            step = min(span / (count + 1), 3600.0)
            next_id = max((a.id for a in self._articles), default=0) + 1
            labels = self._rng.choices(CATEGORY_LABELS, k=count)
            added = []
            for i, label in enumerate(labels):
                published = _seconds(newest + timedelta(seconds=max(1, int(step * (i + 1)))))
                article = self._writer.article(next_id + i, published, label, form=form)
                added.append(article)
            self._articles.extend(added)
            self.revision += 1
            return added

    def edit_article(
        self,
        slug: str,
        *,
        title: str | None = None,
        paragraphs: list[str] | None = None,
        category: str | None = None,
    ) -> ReplicaArticle:
        """Change an article's content (its slug stays): revision + 1. `category` is one of
        CATEGORY_LABELS (a recategorization)."""
        with self._lock:
            at, old = self._find(slug)
            changes: dict = {"revision": old.revision + 1, "modified": datetime.now(WITA)}
            if title is not None:
                changes["title"] = title
            if category is not None:
                if category not in CATEGORY_LABELS:
                    raise ValueError(f"unknown category {category!r}")
                changes["category"] = category
            if paragraphs is not None:
                changes["paragraphs"] = list(paragraphs)
                opening = old.style.dateline_text
                keeps = bool(paragraphs) and opening and paragraphs[0].startswith(opening + " ")
                changes["dateline"] = old.dateline if keeps else None
            new = dataclasses.replace(old, **changes)
            self._articles[at] = new
            self.revision += 1
            return new

    def set_link_forms(self, link_forms: str) -> None:
        """Change how pages link current-site articles (LINK_FORMS)."""
        if link_forms not in LINK_FORMS:
            raise ValueError(f"link_forms must be one of {', '.join(LINK_FORMS)}")
        with self._lock:
            self.link_forms = link_forms
            self.revision += 1

    def set_disallow(self, paths: Sequence[str]) -> None:
        """Change what robots.txt disallows (besides /admin and /cari)."""
        with self._lock:
            self.disallow = tuple(paths)
            self.revision += 1

    def remove_article(self, slug: str) -> ReplicaArticle:
        """Take an article off the site: its pages answer 404 afterwards."""
        return self.take_down(slug, "404")

    def take_down(self, slug: str, how: str = "404") -> ReplicaArticle:
        """Take an article off the site and off every list: its page answers 404, 410
        (`how="410"`) or redirects to the home page (`how="home"`). `restore` brings it back."""
        if how not in TAKE_DOWNS:
            raise ValueError(f"how must be one of {', '.join(TAKE_DOWNS)}")
        with self._lock:
            at, old = self._find(slug)
            del self._articles[at]
            self._taken_down[slug] = (old, how)
            self.revision += 1
            return old

    def taken_down(self, slug: str) -> str | None:
        """How a taken-down article's page answers (`404`, `410`, `home`), or None."""
        with self._lock:
            found = self._taken_down.get(slug)
            return found[1] if found else None

    def restore(self, slug: str) -> ReplicaArticle:
        """Put a taken-down article back, as it was."""
        with self._lock:
            article, _ = self._taken_down.pop(slug)
            self._articles.append(article)
            self.revision += 1
            return article

    def _find(self, slug: str) -> tuple[int, ReplicaArticle]:
        for at, article in enumerate(self._articles):
            if article.slug == slug:
                return at, article
        raise KeyError(slug)

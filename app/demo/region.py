"""Static data of the demo region: SKPD, budget accounts, places, people and suppliers.

Everything here is plain data; ``app.demo.seed`` turns it into rows. The region is
modelled on Kota Batu (Jawa Timur): three kecamatan, their kelurahan/desa and streets,
the work units of a city government, and local businesses (UMKM) of the kind that sell
through "Bangga E-Lokal". Names of businesses and people are invented.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.common.timeutil import today_wib

REGION_NAME = "Pemerintah Kota Batu"
FISCAL_YEARS = (today_wib().year - 1, today_wib().year)  # last year's DPA and this year's
DEMO_PASSWORD = "elokal-batu-2026"

# --- Budget accounts (kode rekening belanja, Permendagri 90/2019 style) ----------------
# key: (code, name, lowest ceiling, highest ceiling) in whole rupiah.
ACCOUNTS: dict[str, tuple[str, str, int, int]] = {
    "mamin_rapat": ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", 60_000_000, 650_000_000),
    "mamin_tamu": ("5.1.02.01.01.0053", "Belanja Makanan dan Minuman Jamuan Tamu", 50_000_000, 450_000_000),
    "mamin_pasien": ("5.1.02.01.01.0055",
                     "Belanja Makanan dan Minuman pada Fasilitas Pelayanan Urusan Kesehatan",
                     600_000_000, 2_000_000_000),
    "mamin_lapangan": ("5.1.02.01.01.0058", "Belanja Makanan dan Minuman Aktivitas Lapangan",
                       50_000_000, 350_000_000),
    "cinderamata": ("5.1.02.01.01.0063", "Belanja Cinderamata dan Produk Unggulan Daerah", 50_000_000, 300_000_000),
    "pakaian_batik": ("5.1.02.01.01.0068", "Belanja Pakaian Batik Tradisional", 75_000_000, 600_000_000),
    "dokumentasi": ("5.1.02.02.01.0029", "Belanja Jasa Dokumentasi dan Publikasi", 50_000_000, 400_000_000),
    "acara": ("5.1.02.02.01.0061", "Belanja Jasa Penyelenggaraan Acara", 150_000_000, 2_000_000_000),
    "dekorasi": ("5.1.02.02.01.0062", "Belanja Jasa Dekorasi", 50_000_000, 350_000_000),
    "sewa_gedung": ("5.1.02.02.03.0003", "Belanja Sewa Gedung Pertemuan", 60_000_000, 500_000_000),
    "sewa_kendaraan": ("5.1.02.02.04.0036", "Belanja Sewa Kendaraan Bermotor Penumpang",
                       75_000_000, 750_000_000),
    "sewa_kursi": ("5.1.02.02.06.0017", "Belanja Sewa Meja dan Kursi", 50_000_000, 250_000_000),
    "sewa_tenda": ("5.1.02.02.06.0061", "Belanja Sewa Tenda", 60_000_000, 800_000_000),
    "sewa_sound": ("5.1.02.02.07.0013", "Belanja Sewa Peralatan Studio Audio (Sound System)",
                   50_000_000, 500_000_000),
    "sewa_multimedia": ("5.1.02.02.07.0017", "Belanja Sewa Peralatan Multimedia", 50_000_000, 400_000_000),
    "pelatihan": ("5.1.02.02.12.0001", "Belanja Kursus Singkat/Pelatihan", 75_000_000, 900_000_000),
}

# --- SKPD: code, name, budget accounts it plausibly buys from the catalog -------------
# Every SKPD has ``mamin_rapat``; two or three of its own accounts are added per year.
SKPD: list[tuple[str, str, tuple[str, ...]]] = [
    ("SETDA", "Sekretariat Daerah", ("acara", "mamin_tamu", "pakaian_batik", "sewa_tenda", "dokumentasi")),
    ("BPBJ", "Bagian Pengadaan Barang dan Jasa Sekretariat Daerah", ("pelatihan", "mamin_tamu", "sewa_gedung")),
    ("SETWAN", "Sekretariat DPRD", ("mamin_tamu", "sewa_kendaraan", "sewa_gedung", "pakaian_batik")),
    ("INSPEKTORAT", "Inspektorat Daerah", ("sewa_gedung", "pelatihan", "mamin_tamu")),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", ("sewa_gedung", "acara", "dokumentasi")),
    ("BPKAD", "Badan Pengelola Keuangan dan Aset Daerah", ("sewa_gedung", "pelatihan", "mamin_tamu")),
    ("BAPENDA", "Badan Pendapatan Daerah", ("acara", "sewa_tenda", "dokumentasi")),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
     ("pelatihan", "sewa_gedung", "pakaian_batik")),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", ("mamin_lapangan", "sewa_tenda", "sewa_kendaraan")),
    ("BAKESBANGPOL", "Badan Kesatuan Bangsa dan Politik", ("acara", "sewa_sound", "sewa_tenda")),
    ("DISDIK", "Dinas Pendidikan", ("acara", "pelatihan", "sewa_kursi", "sewa_tenda")),
    ("DINKES", "Dinas Kesehatan", ("pelatihan", "mamin_lapangan", "sewa_tenda")),
    ("RSUD-KH", "RSUD Karsa Husada", ("mamin_pasien", "pelatihan", "sewa_kendaraan")),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", ("mamin_lapangan", "sewa_kendaraan", "dokumentasi")),
    ("DPRKP", "Dinas Perumahan dan Kawasan Permukiman", ("mamin_lapangan", "sewa_kendaraan", "sewa_gedung")),
    ("SATPOL-PP", "Satuan Polisi Pamong Praja", ("mamin_lapangan", "sewa_tenda", "sewa_sound")),
    ("DINSOS", "Dinas Sosial", ("acara", "sewa_tenda", "mamin_lapangan")),
    ("DP3AP2KB", "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana",
     ("acara", "pelatihan", "sewa_gedung")),
    ("DISPERTAN", "Dinas Pertanian", ("pelatihan", "acara", "sewa_tenda")),
    ("DKP", "Dinas Ketahanan Pangan", ("acara", "sewa_tenda", "sewa_kursi")),
    ("DLH", "Dinas Lingkungan Hidup", ("mamin_lapangan", "acara", "sewa_kendaraan", "dekorasi")),
    ("DISPENDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", ("sewa_tenda", "sewa_kursi", "sewa_multimedia")),
    ("DISHUB", "Dinas Perhubungan", ("mamin_lapangan", "sewa_tenda", "sewa_kendaraan")),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika",
     ("dokumentasi", "sewa_multimedia", "sewa_sound", "pelatihan", "acara")),
    ("DKUM", "Dinas Koperasi dan Usaha Mikro", ("pelatihan", "acara", "sewa_tenda", "cinderamata")),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", ("acara", "sewa_gedung", "cinderamata")),
    ("DISPORA", "Dinas Kepemudaan dan Olahraga", ("acara", "sewa_tenda", "sewa_sound", "sewa_kendaraan")),
    ("DISPAR", "Dinas Pariwisata", ("acara", "sewa_tenda", "sewa_sound", "dekorasi", "dokumentasi", "cinderamata")),
    ("DISPERINDAG", "Dinas Perindustrian dan Perdagangan", ("acara", "sewa_tenda", "pelatihan", "cinderamata")),
    ("DISNAKER", "Dinas Tenaga Kerja", ("pelatihan", "sewa_gedung", "mamin_lapangan")),
    ("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", ("acara", "sewa_multimedia", "dekorasi")),
    ("KEC-BATU", "Kecamatan Batu", ("acara", "sewa_tenda", "sewa_kursi")),
    ("KEC-BUMIAJI", "Kecamatan Bumiaji", ("acara", "sewa_tenda", "sewa_sound")),
    ("KEC-JUNREJO", "Kecamatan Junrejo", ("acara", "sewa_tenda", "sewa_kursi")),
]

# --- Places: kecamatan → kelurahan/desa → streets ----------------------------------
# The BPS code of each kecamatan (35.79.xx) starts the NIK of its residents.
KECAMATAN_CODE = {"Batu": "01", "Junrejo": "02", "Bumiaji": "03"}
STREETS: dict[str, dict[str, tuple[str, ...]]] = {
    "Batu": {
        "Sisir": ("Jl. Diponegoro", "Jl. Panglima Sudirman", "Jl. Kartini", "Jl. Samadi"),
        "Temas": ("Jl. Patimura", "Jl. Hasanudin", "Jl. Wukir", "Jl. Bukit Berbunga"),
        "Ngaglik": ("Jl. Abdul Gani Atas", "Jl. Brantas", "Jl. Agus Salim", "Jl. Trunojoyo"),
        "Songgokerto": ("Jl. Arumdalu", "Jl. Raya Songgoriti", "Jl. Kartika", "Jl. Cempaka"),
        "Pesanggrahan": ("Jl. Raya Pesanggrahan", "Jl. Sultan Agung", "Jl. Welirang", "Jl. Raya Pandanrejo"),
        "Sidomulyo": ("Jl. Bukit Berbunga", "Jl. Raya Sidomulyo", "Jl. Anjasmoro", "Jl. Mawar"),
        "Oro-Oro Ombo": ("Jl. Raya Oro-Oro Ombo", "Jl. Imam Bonjol", "Jl. Panderman", "Jl. Kusuma Bangsa"),
        "Sumberejo": ("Jl. Raya Sumberejo", "Jl. Dewi Sartika", "Jl. Cempaka Putih", "Jl. Gajah Mada"),
    },
    "Bumiaji": {
        "Bumiaji": ("Jl. Raya Bumiaji", "Jl. Kopral Kasdi", "Jl. Raya Brantas", "Jl. Mbah Ngatiran"),
        "Bulukerto": ("Jl. Raya Bulukerto", "Jl. Cangar", "Jl. Raya Dusun Cangar", "Jl. Apel Manalagi"),
        "Punten": ("Jl. Raya Punten", "Jl. Kol. Soegiono", "Jl. Raya Selecta", "Jl. Kebun Apel"),
        "Tulungrejo": ("Jl. Raya Tulungrejo", "Jl. Raya Selecta", "Jl. Junggo", "Jl. Coban Talun"),
        "Sumbergondo": ("Jl. Raya Sumbergondo", "Jl. Glonggong", "Jl. Arjuno", "Jl. Raya Sumberbrantas"),
        "Gunungsari": ("Jl. Raya Gunungsari", "Jl. Bunga Mawar", "Jl. Claket", "Jl. Tegalsari"),
        "Pandanrejo": ("Jl. Raya Pandanrejo", "Jl. Kenanga", "Jl. Kajar", "Jl. Sumber Gemulo"),
        "Giripurno": ("Jl. Raya Giripurno", "Jl. Sareh", "Jl. Kali Brantas", "Jl. Kali Ampo"),
    },
    "Junrejo": {
        "Junrejo": ("Jl. Raya Junrejo", "Jl. Ir. Soekarno", "Jl. Rajekwesi", "Jl. Mahoni"),
        "Beji": ("Jl. Raya Beji", "Jl. Ir. Soekarno", "Jl. Lahor", "Jl. Sultan Agung"),
        "Dadaprejo": ("Jl. Raya Dadaprejo", "Jl. Pronoyudo", "Jl. Lebaksari", "Jl. Raya Tlogomas"),
        "Mojorejo": ("Jl. Raya Mojorejo", "Jl. Ir. Soekarno", "Jl. Melati", "Jl. Kenanga"),
        "Pendem": ("Jl. Raya Pendem", "Jl. Dewi Sartika", "Jl. Sumber Jiwo", "Jl. Sultan Agung"),
        "Tlekung": ("Jl. Raya Tlekung", "Jl. Gangsiran", "Jl. Bukit Panderman", "Jl. Kecapi"),
        "Torongrejo": ("Jl. Raya Torongrejo", "Jl. Mahoni", "Jl. Sukun", "Jl. Kauman"),
    },
}

# --- People -----------------------------------------------------------------------
MALE_NAMES = ("Agus", "Budi", "Eko", "Slamet", "Suprapto", "Sugeng", "Wahyu", "Rudi", "Heru", "Bambang",
              "Joko", "Imam", "Ahmad", "Hadi", "Fajar", "Andi", "Yudha", "Dedi", "Hari", "Sutrisno",
              "Mulyono", "Teguh", "Arif", "Bayu", "Rizky", "Samsul", "Purnomo", "Didik")
FEMALE_NAMES = ("Siti", "Sri", "Dwi", "Endang", "Nur", "Yuli", "Lilik", "Ani", "Dewi", "Rina", "Retno",
                "Puji", "Tatik", "Yuni", "Kartini", "Wulan", "Ratna", "Indah", "Eni", "Sulastri",
                "Tutik", "Mega", "Ayu", "Novi")
MALE_SECOND_NAMES = ("Santoso", "Setiawan", "Prasetyo", "Wahyudi", "Riyadi", "Hariyanto", "Nugroho", "Hartono",
                     "Purnomo", "Syafii", "Fauzi", "Susanto", "Irawan", "Susilo", "Ramadhan", "Wijaya", "Pratama",
                     "Saputra", "Utomo", "Maulana", "Rahmadi", "Kurniawan", "Hidayat", "Firmansyah")
FEMALE_SECOND_NAMES = ("Rahayu", "Lestari", "Susilowati", "Hidayah", "Astutik", "Suharti", "Kurniawati", "Anggraini",
                       "Marlina", "Wulandari", "Handayani", "Rahmawati", "Puspitasari", "Setyowati", "Ningsih",
                       "Utami", "Fitriani", "Maharani", "Safitri", "Yuliani")
BANKS = ("Bank Jatim", "BRI", "BNI", "Bank Mandiri", "BSI")


# --- Suppliers ----------------------------------------------------------------------
@dataclass(frozen=True)
class SupplierRow:
    """One demo supplier: ``plan`` is ``"Category:count,..."`` (count of active listings)."""

    key: str
    name: str
    legal_form: str
    kecamatan: str
    kelurahan: str
    scale: str
    plan: str
    kbli: tuple[str, ...]
    status: str = "verified"
    reason: str | None = None


def _s(key, name, form, kec, kel, scale, plan, kbli, status="verified", reason=None) -> SupplierRow:
    return SupplierRow(key, name, form, kec, kel, scale, plan, tuple(kbli.split()), status, reason)


SUPPLIERS: list[SupplierRow] = [
    # Produk Unggulan: olahan apel
    _s("apel-brosem", "UD Keripik Apel Brosem", "ud", "Bumiaji", "Bumiaji", "kecil",
       "Olahan Apel:11,Makanan Ringan:2", "10794 10313"),
    _s("agro-apel", "CV Agro Apel Tulungrejo", "cv", "Bumiaji", "Tulungrejo", "kecil",
       "Olahan Apel:10,Sayur dan Buah:3", "10313 11040 01240"),
    _s("sari-apel-punten", "UD Sari Apel Punten", "ud", "Bumiaji", "Punten", "mikro",
       "Olahan Apel:10", "11040 10794"),
    _s("kop-apel-bulukerto", "Koperasi Tani Apel Makmur Bulukerto", "koperasi", "Bumiaji", "Bulukerto", "kecil",
       "Olahan Apel:6,Sayur dan Buah:6", "01240 10313 46312"),
    _s("jenang-mbok-sri", "UD Jenang Apel Mbok Sri", "ud", "Batu", "Sisir", "mikro",
       "Olahan Apel:10,Makanan Ringan:2", "10799 10794"),
    _s("oleh-apel-temas", "CV Oleh-Oleh Apel Temas", "cv", "Batu", "Temas", "kecil",
       "Olahan Apel:10,Makanan Ringan:3,Kerajinan:2", "10794 10799 47721"),
    _s("dodol-giripurno", "UD Dodol Apel Giripurno", "ud", "Bumiaji", "Giripurno", "mikro",
       "Olahan Apel:9", "10799"),
    _s("bumi-apel", "PT Bumi Apel Nusantara", "pt", "Bumiaji", "Pandanrejo", "menengah",
       "Olahan Apel:12,Sayur dan Buah:4", "10313 11040 46312"),
    _s("apel-bu-yuli", "Keripik Apel Bu Yuli", "perorangan", "Junrejo", "Mojorejo", "mikro",
       "Olahan Apel:8", "10794"),
    _s("cuka-apel", "UD Cuka Apel Songgokerto", "ud", "Batu", "Songgokerto", "mikro",
       "Olahan Apel:8", "10799 11040"),
    # Produk Unggulan: batik
    _s("batik-kembang-kota", "CV Batik Tulis Kembang Kota", "cv", "Batu", "Ngaglik", "kecil",
       "Batik:14,Kerajinan:2", "13134 14111"),
    _s("batik-panderman", "UD Batik Sekar Panderman", "ud", "Batu", "Pesanggrahan", "mikro",
       "Batik:12", "13134"),
    _s("batik-tlekung", "Koperasi Batik Wanita Tlekung", "koperasi", "Junrejo", "Tlekung", "mikro",
       "Batik:11", "13134 14111"),
    _s("batik-mbak-rini", "Batik Tulis Mbak Rini", "perorangan", "Junrejo", "Beji", "mikro",
       "Batik:9", "13134"),
    _s("batik-apel", "UD Batik Apel Bumiaji", "ud", "Bumiaji", "Sumbergondo", "mikro",
       "Batik:10,Kerajinan:2", "13134 14111"),
    # Produk Unggulan: kerajinan
    _s("anyaman-pendem", "UD Anyaman Bambu Pendem", "ud", "Junrejo", "Pendem", "mikro",
       "Kerajinan:10", "16292"),
    _s("kayu-torongrejo", "CV Kerajinan Kayu Torongrejo", "cv", "Junrejo", "Torongrejo", "kecil",
       "Kerajinan:11", "16293 31009"),
    _s("gerabah-dadaprejo", "UD Gerabah Seni Dadaprejo", "ud", "Junrejo", "Dadaprejo", "mikro",
       "Kerajinan:9", "23939"),
    _s("cinderamata-mojorejo", "CV Cinderamata Mojorejo", "cv", "Junrejo", "Mojorejo", "kecil",
       "Kerajinan:12", "32909 18111"),
    _s("souvenir-batu-ceria", "UD Souvenir Batu Ceria", "ud", "Batu", "Oro-Oro Ombo", "mikro",
       "Kerajinan:10,Batik:2", "32909"),
    # Produk Unggulan: bunga potong
    _s("bunga-sidomulyo", "Koperasi Bunga Sidomulyo", "koperasi", "Batu", "Sidomulyo", "kecil",
       "Bunga Potong:14", "01193 47761"),
    _s("mawar-gunungsari", "UD Mawar Gunungsari", "ud", "Bumiaji", "Gunungsari", "mikro",
       "Bunga Potong:12", "01193"),
    _s("krisan-tulungrejo", "CV Krisan Tulungrejo", "cv", "Bumiaji", "Tulungrejo", "kecil",
       "Bunga Potong:10", "01193 46206"),
    _s("florist-kembang-arum", "UD Florist Kembang Arum", "ud", "Batu", "Sidomulyo", "mikro",
       "Bunga Potong:12,Dekorasi:3", "47761 01193 82302"),
    _s("bunga-punten", "Koperasi Tani Bunga Punten Asri", "koperasi", "Bumiaji", "Punten", "mikro",
       "Bunga Potong:9", "01193"),
    # Produk Unggulan: kopi
    _s("kopi-panderman", "CV Kopi Panderman", "cv", "Batu", "Oro-Oro Ombo", "kecil",
       "Kopi:12", "10761 01270"),
    _s("kopi-arjuno", "UD Kopi Lereng Arjuno", "ud", "Bumiaji", "Tulungrejo", "mikro",
       "Kopi:11", "10761 01270"),
    _s("kopi-tlekung", "Koperasi Kopi Tlekung Sejahtera", "koperasi", "Junrejo", "Tlekung", "mikro",
       "Kopi:10", "01270 10761"),
    _s("kopi-bumiaji", "UD Kopi Bumiaji Rahayu", "ud", "Bumiaji", "Bumiaji", "mikro",
       "Kopi:9,Makanan Ringan:2", "10761"),
    # Produk Unggulan: makanan ringan, sayur dan buah
    _s("kentang-sumberejo", "UD Keripik Kentang Sumberejo", "ud", "Batu", "Sumberejo", "mikro",
       "Makanan Ringan:11", "10794"),
    _s("kue-beji", "UD Kue Kering Beji", "ud", "Junrejo", "Beji", "mikro",
       "Makanan Ringan:10", "10710 10792"),
    _s("susu-junrejo", "CV Olahan Susu Junrejo", "cv", "Junrejo", "Junrejo", "kecil",
       "Makanan Ringan:9", "10590 10794"),
    _s("sayur-sumbergondo", "Koperasi Tani Sayur Sumbergondo Makmur", "koperasi", "Bumiaji", "Sumbergondo",
       "kecil", "Sayur dan Buah:14", "01132 46313"),
    _s("organik-pandanrejo", "UD Sayur Organik Pandanrejo", "ud", "Bumiaji", "Pandanrejo", "mikro",
       "Sayur dan Buah:12", "01132 46313"),
    _s("buah-pesanggrahan", "CV Sumber Buah Pesanggrahan", "cv", "Batu", "Pesanggrahan", "kecil",
       "Sayur dan Buah:11,Olahan Apel:2", "46312 46313"),
    # Jasa Penyewaan: tenda, kursi dan meja
    _s("tenda-arjuno", "PT Tenda Pesta Arjuno", "pt", "Junrejo", "Dadaprejo", "menengah",
       "Tenda:16,Kursi dan Meja:10,Sound System:4,Event Organizer:3", "77299 82302"),
    _s("tenda-panderman", "CV Tenda Panderman", "cv", "Batu", "Pesanggrahan", "kecil",
       "Tenda:14,Kursi dan Meja:8", "77299"),
    _s("tenda-junrejo", "UD Sewa Tenda Junrejo Jaya", "ud", "Junrejo", "Junrejo", "mikro",
       "Tenda:12,Kursi dan Meja:6", "77299"),
    _s("dekor-tenda-beji", "UD Dekor Tenda Beji", "ud", "Junrejo", "Beji", "mikro",
       "Tenda:10,Kursi dan Meja:6,Dekorasi:3", "77299 82302"),
    _s("alam-tenda", "CV Alam Tenda Bumiaji", "cv", "Bumiaji", "Bulukerto", "kecil",
       "Tenda:13,Kursi dan Meja:7", "77299"),
    _s("tenda-songgokerto", "UD Tenda Mitra Songgokerto", "ud", "Batu", "Songgokerto", "mikro",
       "Tenda:12,Kursi dan Meja:7", "77299"),
    _s("sarnafil-torongrejo", "UD Sarnafil Makmur Torongrejo", "ud", "Junrejo", "Torongrejo", "mikro",
       "Tenda:10,Kursi dan Meja:6", "77299"),
    # Jasa Penyewaan: sound system, multimedia
    _s("batu-audio", "CV Batu Audio Pro", "cv", "Batu", "Sisir", "kecil",
       "Sound System:16,Peralatan Multimedia:6,Dokumentasi:2", "77399 90002"),
    _s("gema-suara", "UD Gema Suara Temas", "ud", "Batu", "Temas", "mikro",
       "Sound System:14", "77399"),
    _s("multimedia-kota-wisata", "CV Multimedia Kota Wisata", "cv", "Batu", "Ngaglik", "kecil",
       "Peralatan Multimedia:14,Sound System:4,Dokumentasi:2", "77330 77399"),
    _s("lighting-pendem", "UD Lighting dan Sound Pendem", "ud", "Junrejo", "Pendem", "mikro",
       "Sound System:14", "77399 90002"),
    _s("visual-led", "CV Visual LED Nusantara", "cv", "Junrejo", "Mojorejo", "kecil",
       "Peralatan Multimedia:13,Sound System:3", "77399 73100"),
    _s("sinar-multimedia", "CV Sinar Multimedia Dadaprejo", "cv", "Junrejo", "Dadaprejo", "mikro",
       "Peralatan Multimedia:13", "77330 77399"),
    # Jasa Penyewaan: kendaraan, gedung dan tempat
    _s("batu-trans", "CV Batu Trans Wisata", "cv", "Batu", "Sumberejo", "kecil",
       "Kendaraan:14", "77100 79111"),
    _s("arjuno-transport", "PT Arjuno Transport Mandiri", "pt", "Junrejo", "Beji", "menengah",
       "Kendaraan:14", "77100 49421"),
    _s("rental-sidomulyo", "UD Rental Mobil Sidomulyo", "ud", "Batu", "Sidomulyo", "mikro",
       "Kendaraan:11", "77100"),
    _s("elf-junrejo", "CV Elf Wisata Junrejo", "cv", "Junrejo", "Junrejo", "kecil",
       "Kendaraan:12", "77100 79111"),
    _s("graha-sekar-arum", "CV Graha Sekar Arum", "cv", "Batu", "Songgokerto", "kecil",
       "Gedung dan Tempat:9,Kursi dan Meja:4,Peralatan Multimedia:2", "68111 82302"),
    _s("aula-oro-oro-ombo", "CV Villa dan Aula Oro-Oro Ombo", "cv", "Batu", "Oro-Oro Ombo", "kecil",
       "Gedung dan Tempat:10,Peralatan Multimedia:3", "68111 55130"),
    _s("desa-wisata-tulungrejo", "Koperasi Desa Wisata Tulungrejo", "koperasi", "Bumiaji", "Tulungrejo", "mikro",
       "Gedung dan Tempat:9,Kendaraan:3", "68111 79111"),
    _s("perkemahan-sumbergondo", "UD Bumi Perkemahan Sumbergondo", "ud", "Bumiaji", "Sumbergondo", "mikro",
       "Gedung dan Tempat:8,Tenda:4", "55201 77299"),
    # Jasa Penyelenggara: event organizer
    _s("eo-kusuma-agro", "CV EO Kusuma Agro", "cv", "Batu", "Ngaglik", "kecil",
       "Event Organizer:14,Dekorasi:4", "82302 82301"),
    _s("arjuno-eo", "CV Arjuno Event Organizer", "cv", "Bumiaji", "Bumiaji", "kecil",
       "Event Organizer:13,Dokumentasi:3", "82302"),
    _s("batu-kreasi", "PT Batu Kreasi Mandiri", "pt", "Batu", "Sisir", "menengah",
       "Event Organizer:13,Pelatihan:3,Dokumentasi:2", "82301 82302 73100"),
    _s("panderman-organizer", "CV Panderman Organizer", "cv", "Batu", "Pesanggrahan", "kecil",
       "Event Organizer:13,Dekorasi:2", "82302"),
    _s("lestari-event", "UD Lestari Event Junrejo", "ud", "Junrejo", "Torongrejo", "mikro",
       "Event Organizer:11,Dekorasi:3", "82302"),
    # Jasa Penyelenggara: katering
    _s("katering-bu-endang", "UD Katering Bu Endang", "ud", "Batu", "Sisir", "kecil",
       "Katering:17", "56210 56290"),
    _s("dapur-arumdalu", "CV Dapur Arumdalu", "cv", "Batu", "Songgokerto", "kecil",
       "Katering:16", "56210"),
    _s("katering-sekar-sari", "UD Katering Sekar Sari", "ud", "Junrejo", "Beji", "mikro",
       "Katering:15", "56210"),
    _s("boga-rasa", "UD Boga Rasa Mojorejo", "ud", "Junrejo", "Mojorejo", "mikro",
       "Katering:14", "56210 56290"),
    _s("boga-wanita-pendem", "Koperasi Wanita Boga Pendem", "koperasi", "Junrejo", "Pendem", "mikro",
       "Katering:13", "56210"),
    _s("dapur-bu-tatik", "Katering Dapur Bu Tatik", "perorangan", "Bumiaji", "Giripurno", "mikro",
       "Katering:12", "56290 56210"),
    # Jasa Penyelenggara: paket rapat (hotel dan resor)
    _s("hotel-songgoriti", "PT Hotel Songgoriti Asri", "pt", "Batu", "Songgokerto", "menengah",
       "Paket Rapat:10,Katering:4,Gedung dan Tempat:4", "55110 56210"),
    _s("wisata-panorama", "PT Wisata Panorama Batu", "pt", "Batu", "Temas", "menengah",
       "Paket Rapat:10,Katering:4,Gedung dan Tempat:4", "55110"),
    _s("resort-tlekung", "CV Resort Tlekung Hill", "cv", "Junrejo", "Tlekung", "kecil",
       "Paket Rapat:10,Katering:4,Gedung dan Tempat:4", "55130 56101"),
    _s("villa-kebun-apel", "CV Villa Kebun Apel Punten", "cv", "Bumiaji", "Punten", "kecil",
       "Paket Rapat:10,Katering:4,Gedung dan Tempat:4", "55130"),
    # Jasa Penyelenggara: dokumentasi, dekorasi, pelatihan
    _s("lensa-batu", "CV Lensa Batu Production", "cv", "Batu", "Ngaglik", "kecil",
       "Dokumentasi:13,Peralatan Multimedia:2", "74201 59112"),
    _s("foto-kenangan", "UD Foto Video Kenangan", "ud", "Junrejo", "Dadaprejo", "mikro",
       "Dokumentasi:12", "74201"),
    _s("studio-cahaya", "Studio Foto Cahaya", "perorangan", "Batu", "Sumberejo", "mikro",
       "Dokumentasi:11", "74201"),
    _s("dekorasi-melati", "UD Dekorasi Melati Sidomulyo", "ud", "Batu", "Sidomulyo", "mikro",
       "Dekorasi:12,Bunga Potong:3", "82302 47761"),
    _s("dekor-gunungsari", "CV Dekor Kembang Gunungsari", "cv", "Bumiaji", "Gunungsari", "kecil",
       "Dekorasi:13", "82302"),
    _s("pelatihan-batu-mandiri", "CV Lembaga Pelatihan Batu Mandiri", "cv", "Batu", "Temas", "kecil",
       "Pelatihan:15", "85499"),
    _s("lpk-digital", "CV LPK Digital Kreatif Junrejo", "cv", "Junrejo", "Junrejo", "mikro",
       "Pelatihan:13,Dokumentasi:2", "85499 62019"),
    # Awaiting verification (their listings stay drafts)
    _s("sambal-bu-tin", "UD Sambal Pecel Bu Tin", "ud", "Batu", "Temas", "mikro",
       "Makanan Ringan:2", "10779", status="pending"),
    _s("tenda-berkah", "CV Sewa Tenda Berkah Torongrejo", "cv", "Junrejo", "Torongrejo", "mikro",
       "Tenda:2", "77299", status="pending"),
    _s("dapur-ibu-pendem", "Katering Dapur Ibu Pendem", "perorangan", "Junrejo", "Pendem", "mikro",
       "Katering:2", "56290", status="pending"),
    _s("drone-visual", "CV Drone Visual Batu", "cv", "Bumiaji", "Giripurno", "mikro",
       "Dokumentasi:2", "74201", status="pending"),
    # Rejected by the admin, with the reason
    _s("aneka-jaya", "UD Aneka Jaya Makmur", "ud", "Junrejo", "Dadaprejo", "mikro", "", "46909",
       status="rejected",
       reason="Dokumen NIB tidak terbaca dan KBLI 46909 tidak sesuai dengan produk yang ditawarkan. "
              "Unggah ulang NIB yang jelas dan lengkapi KBLI usaha Anda."),
    _s("sumber-rejeki", "CV Sumber Rejeki Abadi", "cv", "Batu", "Ngaglik", "kecil", "", "47111",
       status="rejected",
       reason="Nama pada dokumen NPWP berbeda dengan nama badan usaha yang didaftarkan."),
    _s("toko-berkah", "Toko Berkah Sentosa", "perorangan", "Bumiaji", "Bulukerto", "mikro", "", "47111",
       status="rejected",
       reason="Alamat usaha pada NIB berada di luar Kota Batu; katalog lokal ini khusus UMKM Kota Batu."),
]

# --- Demo logins --------------------------------------------------------------------
# (username, role, SKPD code or supplier key, full name, NIP birth date, TMT, gender 1/2)
CIVIL_SERVANTS = [
    ("admin", "admin", None, "Rudi Hartono, S.Kom.", "19850312", "201001", 1),
    ("pp.dispar", "pp", "DISPAR", "Dewi Anggraini, S.E.", "19880716", "201101", 2),
    ("ppk.dispar", "ppk", "DISPAR", "Drs. Agus Setiawan, M.M.", "19700405", "199603", 1),
    ("bendahara.dispar", "bendahara", "DISPAR", "Sri Wahyuni, A.Md.", "19830921", "200912", 2),
    ("pp.diskominfo", "pp", "DISKOMINFO", "Yudha Pratama, S.T.", "19900128", "201503", 1),
    ("ppk.diskominfo", "ppk", "DISKOMINFO", "Ir. Heru Purnomo, M.T.", "19740811", "200003", 1),
    ("bendahara.diskominfo", "bendahara", "DISKOMINFO", "Retno Wulandari, S.E.", "19870603", "201012", 2),
    ("finance.bpkad", "finance", "BPKAD", "Endang Susilowati, S.E., M.Ak.", "19780224", "200312", 2),
]
SUPPLIER_LOGINS = [
    ("penyedia.apel", "apel-brosem"),
    ("penyedia.batik", "batik-kembang-kota"),
    ("penyedia.bunga", "bunga-sidomulyo"),
    ("penyedia.tenda", "tenda-arjuno"),
    ("penyedia.katering", "katering-bu-endang"),
    ("penyedia.eo", "eo-kusuma-agro"),
    ("penyedia.baru", "sambal-bu-tin"),
]

# Owners whose names are part of the business name.
OWNER_NAMES = {
    "apel-bu-yuli": "Yuli Astutik",
    "batik-mbak-rini": "Rini Handayani",
    "dapur-bu-tatik": "Tatik Suharti",
    "jenang-mbok-sri": "Sri Lestari",
    "katering-bu-endang": "Endang Rahayu",
    "sambal-bu-tin": "Kartini Wulandari",
}

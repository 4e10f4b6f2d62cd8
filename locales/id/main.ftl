# Benteng — Bahasa Indonesia (bahasa utama)

## Umum
skip-to-content = Langsung ke isi
switch-language = English
footer = Benteng · Desa Binaan Imigrasi — mencegah TPPO dari desa
nav-label = Menu utama
nav-home = Beranda
nav-desa-binaan = Desa Binaan
nav-regions = Wilayah
nav-offices = Kantor
nav-agencies = Instansi Mitra
nav-users = Pengguna
nav-audit = Log Audit
nav-account = Akun
logout = Keluar
save = Simpan
cancel = Batal
edit = Ubah
remove = Hapus
search = Cari
all = Semua
yes = Ya
no = Tidak
since = sejak
none-yet = Belum ada.
no-results = Tidak ada hasil.
back-home = Kembali ke beranda
confirm-remove = Yakin ingin menghapus?
pager-label = Halaman
pager-prev = Sebelumnya
pager-next = Berikutnya
pager-status = Halaman { $page }
pager-total = { $n } data
kantong-pmi = Kantong PMI
scope-all = Seluruh Indonesia
scope-nothing = Belum ada wilayah (hubungi admin)

## Bulan
month-1 = Januari
month-2 = Februari
month-3 = Maret
month-4 = April
month-5 = Mei
month-6 = Juni
month-7 = Juli
month-8 = Agustus
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Desember

## Peran dan tingkat wilayah
role-admin = Administrator
role-kanwil = Kanwil Imigrasi
role-petugas = Petugas Imigrasi
role-mitra = Instansi Mitra
role-desa = Pemerintah Desa
level-provinsi = Provinsi
level-kabkota = Kabupaten/Kota
level-kecamatan = Kecamatan
level-desa = Desa

## Masuk
login-title = Masuk
login-intro = Masuk dengan akun yang diberikan oleh admin kantor imigrasi Anda.
login-submit = Masuk
login-failed = Nama pengguna atau kata sandi salah.
login-rate-limited = Terlalu banyak percobaan masuk. Tunggu satu menit lalu coba lagi.

## Akun
account-title = Akun Saya
account-scope = Wilayah kerja
account-change-password = Ganti kata sandi
account-must-change = Kata sandi Anda dibuat oleh orang lain. Ganti dengan kata sandi Anda sendiri sebelum melanjutkan.

## Beranda
home-title = Beranda
home-intro-admin = Kelola pengguna, kantor, instansi mitra dan desa binaan di seluruh Indonesia.
home-intro-kanwil = Pantau desa binaan dan kantor imigrasi di provinsi Anda.
home-intro-petugas = Desa binaan di wilayah kerja kantor Anda: catat kunjungan dan perbarui profil desa.
home-intro-mitra = Desa binaan di wilayah instansi Anda.
home-intro-desa = Data desa Anda dalam program Desa Binaan Imigrasi.
home-desa-binaan-total = Desa binaan
home-recent-visits = Kunjungan terakhir
action-enrol = Daftarkan desa binaan
action-view-registry = Lihat daftar desa binaan
action-add-user = Tambah pengguna
action-view-offices = Lihat kantor
action-view-audit = Lihat log audit

## Wilayah
regions-title = Wilayah
regions-search = Cari nama atau kode wilayah
regions-all-provinces = Semua provinsi

## Kantor
offices-title = Kantor Imigrasi
offices-new = Tambah kantor
offices-edit = Ubah kantor
offices-area-current = Wilayah kerja saat ini
offices-area-history = Riwayat dan rencana wilayah kerja
offices-area-assign = Tetapkan wilayah kerja
offices-area-assign-help = Kabupaten/kota yang dipegang kantor lain akan berpindah ke kantor ini mulai tanggal yang dipilih; riwayatnya tetap tersimpan.
offices-area-end = Akhiri mulai
flash-area-ended = Wilayah kerja diakhiri.
field-valid-to = Berakhir mulai
office-kind-kanim = Kantor Imigrasi
office-kind-kanwil = Kantor Wilayah

## Instansi
agencies-title = Instansi Mitra
agencies-new = Tambah instansi
agencies-edit = Ubah instansi
agency-kind-disnaker = Dinas Tenaga Kerja
agency-kind-bp3mi = BP3MI / KP2MI
agency-kind-dukcapil = Dukcapil
agency-kind-polri = Polri
agency-kind-dinsos = Dinas Sosial
agency-kind-p3a = Dinas P3A
agency-kind-pemda = Pemerintah Daerah
agency-kind-lainnya = Lainnya

## Desa binaan
desa-binaan-title = Desa Binaan
desa-binaan-new = Daftarkan desa binaan
desa-binaan-edit = Ubah desa binaan
desa-binaan-search = Cari desa, kecamatan atau nomor SK
desa-binaan-find-village = Cari desa (nama atau kode)
desa-binaan-already = sudah terdaftar
desa-binaan-officers = Petugas PIMPASA
desa-binaan-assign-officers = Atur petugas PIMPASA
desa-binaan-contacts = Kontak desa
desa-binaan-add-contact = Tambah kontak
desa-binaan-visits = Kunjungan
status-persiapan = Persiapan
status-aktif = Aktif
status-nonaktif = Nonaktif
visit-new = Catat kunjungan

## Pengguna
users-title = Pengguna
users-new = Tambah pengguna
users-edit = Ubah pengguna

## Audit
audit-title = Log Audit
audit-when = Waktu
audit-action = Aksi
audit-entity = Data
audit-where = Alamat IP
audit-from = Dari tanggal
audit-to = Sampai tanggal
audit-sensitive = data sensitif
audit-sensitive-only = Hanya akses data sensitif

## Kolom formulir
field-username = Nama pengguna
field-password = Kata sandi
field-current-password = Kata sandi saat ini
field-new-password = Kata sandi baru
field-new-password-again = Ulangi kata sandi baru
field-new-password-optional = Kata sandi baru (kosongkan bila tidak diganti)
field-full-name = Nama lengkap
field-email = E-mail
field-role = Peran
field-office = Kantor imigrasi
field-agency = Instansi
field-home-region = Kode wilayah (provinsi untuk Kanwil, desa untuk pengguna desa)
field-pimpasa = Petugas PIMPASA (pembina desa)
field-pemeriksa = Pemeriksa paspor
field-active = Aktif
field-name = Nama
field-code = Kode
field-level = Tingkat
field-office-kind = Jenis kantor
field-province-code = Kode provinsi
field-address = Alamat
field-phone = Nomor telepon
field-kabkota-code = Kode kabupaten/kota
field-valid-from = Berlaku mulai
field-note = Catatan
field-notes = Catatan
field-agency-kind = Jenis instansi
field-agency-region = Kode wilayah instansi
field-village = Desa
field-village-code = Kode desa
field-sk-number = Nomor SK
field-sk-date = Tanggal SK
field-status = Status
field-population = Jumlah penduduk
field-residents-abroad = Warga yang bekerja di luar negeri
field-kantong-pmi = Desa kantong PMI
field-position = Jabatan
field-visit-date = Tanggal kunjungan
field-findings = Temuan
field-departures-seen = Keberangkatan diketahui
field-returns-seen = Kepulangan diketahui
field-foreigners-staying = WNA yang tinggal
field-problems = Masalah
field-follow-up = Tindak lanjut

## Petunjuk
hint-password = Minimal 10 karakter. Kalimat pendek yang mudah diingat lebih aman daripada kata acak yang pendek.
hint-username = 3–40 huruf kecil, angka, titik, tanda hubung atau garis bawah.
hint-office-for-petugas = Wajib untuk petugas imigrasi.
hint-agency-for-mitra = Wajib untuk pengguna instansi mitra.
hint-home-region = Contoh: 35 (Jawa Timur) atau 35.07.04.2007 (Desa Sitiarjo).
hint-province-code = Contoh: 35 untuk Jawa Timur.
hint-kabkota-code = Contoh: 35.07 untuk Kabupaten Malang.
hint-valid-from = Pemegang sebelumnya berhenti pada tanggal ini.
hint-agency-region = Kode kabupaten/kota (mis. 35.07) atau provinsi (mis. 35) untuk instansi tingkat provinsi.
hint-sk-number = Nomor Surat Keputusan penetapan desa binaan.
hint-kantong-pmi = Banyak warga bekerja atau ingin bekerja di luar negeri.
hint-position = Mis. Kepala Desa, Sekretaris Desa, Kader.
hint-village-search = Cari desa di atas, atau ketik kode desa lengkap.

## Pesan berhasil
flash-saved = Tersimpan.
flash-removed = Dihapus.
flash-enrolled = Desa binaan terdaftar.
flash-user-created = Pengguna dibuat. Berikan kata sandinya secara langsung, jangan lewat grup.
flash-password-changed = Kata sandi diganti.
flash-area-assigned = Wilayah kerja ditetapkan.
flash-visit-recorded = Kunjungan tercatat.

## Kesalahan isian
err-required = Wajib diisi.
err-too-long = Terlalu panjang.
err-bad-characters = Mengandung karakter yang tidak diizinkan.
err-not-a-number = Harus berupa angka.
err-out-of-range = Angka di luar batas yang wajar.
err-bad-date = Tanggal tidak valid (format TTTT-BB-HH).
err-date-future = Tanggal tidak boleh di masa depan.
err-username = Nama pengguna 3–40 karakter: huruf kecil, angka, titik, tanda hubung atau garis bawah.
err-username-taken = Nama pengguna sudah dipakai.
err-password-short = Kata sandi minimal 10 karakter.
err-password-weak = Kata sandi terlalu lemah.
err-password-wrong = Kata sandi saat ini salah.
err-password-mismatch = Kedua kata sandi baru tidak sama.
err-email = Alamat e-mail tidak valid.
err-phone = Nomor telepon tidak valid. Contoh: 0812 3456 7890.
err-role = Pilih peran.
err-region-code = Kode wilayah tidak valid. Contoh: 35.07.04.2007.
err-region-unknown = Kode wilayah tidak ada dalam daftar Kemendagri.
err-region-need-province = Harus kode provinsi (mis. 35).
err-region-need-kabkota = Harus kode kabupaten/kota (mis. 35.07).
err-region-need-desa = Harus kode desa (mis. 35.07.04.2007).
err-region-out-of-scope = Desa ini di luar wilayah kerja Anda.
err-not-found = Tidak ditemukan.
err-name-taken = Nama ini sudah dipakai.
err-office-area = Desa ini tidak termasuk wilayah kerja kantor yang dipilih.
err-office-not-own = Petugas hanya dapat mendaftarkan desa untuk kantornya sendiri.
err-desa-already-enrolled = Desa ini sudah terdaftar sebagai desa binaan.
err-abroad-exceeds-population = Tidak boleh lebih dari jumlah penduduk.
err-area-later-exists = Wilayah ini sudah punya penetapan pada atau setelah tanggal tersebut.
err-end-before-start = Tanggal akhir harus sesudah tanggal mulai berlaku.
err-area-already-ended = Wilayah ini sudah berakhir pada atau sebelum tanggal tersebut.
err-officer-not-pimpasa = Hanya petugas PIMPASA kantor desa ini yang dapat ditugaskan.
err-self-demote = Anda tidak dapat mencabut peran admin atau menonaktifkan akun sendiri.

## Halaman kesalahan
error-not-found = Halaman atau data tidak ditemukan.
error-forbidden = Anda tidak berwenang membuka halaman atau data ini.
error-unauthorized = Silakan masuk terlebih dahulu (token API tidak ada atau kedaluwarsa).
error-bad-request = Permintaan tidak dapat diproses. Periksa kembali isian Anda.
error-bad-json = Isi permintaan bukan JSON yang valid untuk alamat ini.
error-invalid = Ada isian yang perlu diperbaiki.
error-conflict = Data bertabrakan dengan data yang sudah ada.
error-csrf = Sesi formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.
error-rate-limited = Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.
error-method = Cara akses ini tidak didukung untuk alamat tersebut.
error-too-large = Data yang dikirim terlalu besar.
error-internal = Terjadi kesalahan pada sistem. Kejadian ini sudah dicatat; silakan coba lagi.

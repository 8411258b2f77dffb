"""The workbooks: transaction report, annual recap and the listing-import template.

Every data sheet has a bold, frozen header row, an autofilter over its data,
real numbers with rupiah formats and, where it adds up, a totals row. The
first sheet, "Keterangan", says what the workbook covers. Rows stream through
``reports.xlsxstream``: a transaction report of half a million lines is never
held in memory.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from .xlsxstream import Column, ListCheck, Workbook


def _sheet(workbook: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence],
           totals: bool = True) -> None:
    sheet = workbook.sheet(title, columns)
    for row in rows:
        sheet.append(row)
    sheet.close(totals)


def _info_sheet(workbook: Workbook, title: str, letterhead, generated_at: datetime,
                items: Iterable[tuple]) -> None:
    """The first sheet: the title, the issuer, when, and label/value pairs (an optional third item
    is the value's kind, e.g. ``money``)."""
    sheet = workbook.sheet("Keterangan", (Column(title, width=38), Column("", width=70)), freeze=False)
    head = [("Instansi", letterhead.region), ("Unit", letterhead.unit),
            ("Dicetak", generated_at.strftime("%d-%m-%Y %H:%M WIB"))]
    for label, value, *kind in [*head, *items]:
        sheet.append((label, value), ("text", kind[0] if kind else "text"))
    sheet.close(totals=False, filter_rows=False)


ORDER_COLUMNS = (
    Column("Nomor pesanan", width=26), Column("Diterima penyedia", "datetime", 17), Column("Kode SKPD", width=12),
    Column("SKPD", width=30), Column("Penyedia", width=30), Column("Kecamatan", width=12),
    Column("Skala", width=10), Column("Etalase", width=22), Column("Status", width=20),
    Column("Subtotal", "money", 16, True), Column("PPN", "money", 14, True), Column("Total", "money", 16, True),
    Column("PPN dipungut", "money", 14, True), Column("PPh dipotong", "money", 14, True),
    Column("Jenis PPh", width=20), Column("Neto penyedia", "money", 16, True), Column("Nomor BAST", width=20),
    Column("Tanggal BAST", "date", 12), Column("Jatuh tempo", "date", 12), Column("Nomor SP2D", width=20),
    Column("Tanggal bayar", "date", 12), Column("Hari BAST→bayar", "int", 10),
)
LINE_COLUMNS = (
    Column("Nomor pesanan", width=26), Column("Diterima penyedia", "datetime", 17), Column("Kode SKPD", width=12),
    Column("Penyedia", width=30), Column("Etalase", width=20), Column("Produk/jasa", width=36),
    Column("Satuan", width=8), Column("Jumlah", "int", 10, True), Column("Hari", "int", 7),
    Column("Harga satuan", "money", 15), Column("Nilai baris (tanpa PPN)", "money", 17, True),
    Column("Status", width=20),
)


def transaction_report(report) -> bytes:
    """The transaction report: sheet "Pesanan" (one row per order) and "Rincian" (one row per line).

    ``report.rows`` may be a stream: each order is written to both sheets as it
    arrives and then forgotten.
    """
    workbook = Workbook()
    _info_sheet(workbook, "Laporan Transaksi E-Lokal", report.letterhead, report.generated_at, [
        *report.filter.describe(),
        ("Nilai transaksi", "Total (termasuk PPN) pesanan yang diterima penyedia, menurut tanggal penerimaan"),
        ("Pesanan", report.totals.orders, "int"), ("Nilai transaksi (Rp)", report.totals.total, "money"),
    ])
    orders = workbook.sheet("Pesanan", ORDER_COLUMNS)
    lines = workbook.sheet("Rincian", LINE_COLUMNS)
    for row in report.rows:
        orders.append((row.number, row.accepted_at, row.skpd_code, row.skpd_name, row.supplier_name, row.kecamatan,
                       row.scale, row.etalase, row.status_label, row.subtotal, row.ppn, row.total,
                       row.withholding_ppn, row.withholding_pph, row.pph_label, row.net_to_supplier,
                       row.bast_number, row.bast_date, row.due_date, row.sp2d_number, row.payment_date,
                       row.days_to_pay))
        for line in row.lines:
            lines.append((row.number, row.accepted_at, row.skpd_code, row.supplier_name, line.etalase, line.name,
                          line.unit, line.quantity, line.days, line.unit_price, line.line_total, row.status_label))
    return workbook.to_bytes()


def annual_recap(recap) -> bytes:
    """The annual recap: a sheet per breakdown (months × storefront, SKPD, supplier, kecamatan, products, overdue)."""
    workbook = Workbook()
    _info_sheet(workbook, f"Rekapitulasi Transaksi E-Lokal Tahun {recap.year}", recap.letterhead,
                recap.generated_at, [
                    *recap.filter.describe(),
                    ("Nilai transaksi (Rp)", recap.total_value, "money"), ("Pesanan", recap.orders, "int"),
                    ("Penyedia terlayani", recap.suppliers_served, "int"),
                    ("Nilai dari UMKM mikro & kecil (Rp)", recap.umkm_value, "money"),
                    ("Porsi UMKM", recap.umkm_share, "percent"), ("Pesanan dibayar", recap.paid_orders, "int"),
                    ("Rata-rata hari BAST→bayar", recap.avg_days_to_pay, "decimal"),
                    ("Pesanan terlambat dibayar", len(recap.overdue), "int"),
                ])
    month_columns = [Column("Bulan", width=12)] + [Column(e.name, "money", 20, True) for e in recap.by_etalase]
    _sheet(workbook, "Per bulan", month_columns + [Column("Jumlah", "money", 20, True)],
           ([name, *cells, total] for name, cells, total in recap.month_rows()))
    _sheet(workbook, "Per SKPD", (
        Column("Kode", width=12), Column("SKPD", width=36), Column("Pesanan", "int", 10, True),
        Column("Nilai", "money", 18, True), Column("Dibayar", "int", 10, True),
        Column("Rata-rata hari BAST→bayar", "decimal", 14), Column("Terlambat", "int", 10, True),
    ), ((s.code, s.name, s.orders, s.value, s.paid_orders, s.avg_days_to_pay, s.overdue) for s in recap.by_skpd))
    _sheet(workbook, "Per penyedia", (
        Column("Penyedia", width=36), Column("Kecamatan", width=14), Column("Skala", width=10),
        Column("Pesanan", "int", 10, True), Column("Nilai", "money", 18, True),
    ), ((s.name, s.kecamatan, s.scale, s.orders, s.value) for s in recap.by_supplier))
    _sheet(workbook, "Per kecamatan", (
        Column("Kecamatan", width=16), Column("Penyedia", "int", 10, True), Column("Pesanan", "int", 10, True),
        Column("Nilai", "money", 18, True),
    ), ((k.kecamatan, k.suppliers, k.orders, k.value) for k in recap.by_kecamatan))
    _sheet(workbook, "Produk teratas", (
        Column("Produk/jasa", width=36), Column("Etalase", width=20), Column("Satuan", width=8),
        Column("Jumlah", "int", 10), Column("Nilai (termasuk PPN)", "money", 18),
    ), ((p.name, p.etalase, p.unit, p.quantity, p.value) for p in recap.top_products), totals=False)
    _sheet(workbook, "Terlambat bayar", (
        Column("Nomor pesanan", width=26), Column("SKPD", width=12), Column("Penyedia", width=30),
        Column("Tanggal BAST", "date", 12), Column("Jatuh tempo", "date", 12), Column("Hari terlambat", "int", 10),
        Column("Total", "money", 16, True),
    ), ((o.number, o.skpd_code, o.supplier_name, o.bast_date, o.due_date, o.days_overdue, o.total)
        for o in recap.overdue))
    return workbook.to_bytes()


def listing_template(template) -> bytes:
    """The listing-import template: "Produk" to fill (with the supplier's listings), the storefronts'
    categories, and instructions. Drop-down lists guide storefront, category and unit."""
    workbook = Workbook()
    headers = [c.header for c in template.columns]
    rows = len(template.rows) + template.blank_rows

    def position(field: str) -> int:
        """The 0-based column of a listing field."""
        return headers.index(template.header_of(field))

    checks = (
        ListCheck(position("etalase"), '"' + ",".join(template.etalase_codes) + '"', rows),
        ListCheck(position("category"), f"Kategori!$C$2:$C${len(template.categories) + 1}", rows),
        ListCheck(position("unit"), '"' + ",".join(template.units) + '"', rows),
    )
    sheet = workbook.sheet(template.sheet, [Column(c.header, "int" if c.kind == "int" else "text", c.width)
                                            for c in template.columns], checks=checks)
    for row in template.rows:
        sheet.append(row)
    sheet.close(totals=False)
    _sheet(workbook, "Kategori", (Column("Kode etalase", width=22), Column("Etalase", width=22),
                                  Column("Kategori", width=30), Column("Harga", width=22)),
           template.categories, totals=False)
    guide = workbook.sheet("Petunjuk", (Column(template.instructions[0], width=110),), freeze=False)
    for line in template.instructions[1:]:
        guide.append((line,))
    guide.close(totals=False, filter_rows=False)
    return workbook.to_bytes()

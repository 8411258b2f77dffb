"""Transaction report, annual recap, dashboard and public summary: the figures cross-checked with the
orders in the database, the workbooks opened and summed, the PDFs read."""
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.common.money import rupiah
from app.common.timeutil import to_wib
from app.extensions import db
from app.procurement.models import Order, OrderLine
from app.procurement.state import ACCEPTED_STATUSES
from app.suppliers.models import Supplier
from reports.xlsxstream import RUPIAH

from .api_helpers import assert_error
from .report_world import TODAY, YEAR, market, pdf_text  # noqa: F401 (fixture)


@pytest.fixture
def year_of_orders(market):
    """Orders in every status; dates moved so the year has months, payments and an overdue bill."""
    orders = {
        "paid": market.order(market.dispar, market.keripik, 120, "dibayar"),
        "received": market.order(market.dispar, market.tent, 2, "diterima", days=2),
        "shipped": market.order(market.dinkes, market.meals, 40, "dikirim"),
        "processing": market.order(market.dinkes, market.keripik, 10, "diproses"),
        "paid_dinkes": market.order(market.dinkes, market.tent, 1, "dibayar"),
        "waiting": market.order(market.dispar, market.meals, 10, "menunggu_penyedia"),
        "rejected": market.order(market.dispar, market.keripik, 5, "ditolak"),
        "cancelled": market.order(market.dinkes, market.meals, 30, "dibatalkan"),
    }
    # 03:00 WIB on 1 January is still 31 December in UTC: it belongs to January of this year
    market.backdate(orders["paid"]["id"], accepted_at=datetime(YEAR, 1, 1, 3, 0),
                    bast=TODAY - timedelta(days=20), paid=TODAY - timedelta(days=8))
    market.backdate(orders["paid_dinkes"]["id"], accepted_at=datetime(YEAR, 3, 15, 10, 0),
                    bast=TODAY - timedelta(days=10), paid=TODAY - timedelta(days=6))
    market.backdate(orders["received"]["id"], due=TODAY - timedelta(days=3))
    # 23:00 WIB on 31 December of last year: last year's transaction
    market.backdate(orders["processing"]["id"], accepted_at=datetime(YEAR - 1, 12, 31, 23, 0))
    return orders


def accepted_in(year: int) -> list[Order]:
    """The orders that count as transactions of ``year``, read straight from the database."""
    db.session.expire_all()
    return [o for o in db.session.scalars(select(Order).where(Order.status.in_(ACCEPTED_STATUSES)).order_by(Order.id))
            if to_wib(o.accepted_at).year == year]


def get(client, headers, path, **params):
    return client.get(f"/api/v1{path}", query_string=params, headers=headers)


def workbook(response):
    assert response.status_code == 200, response.get_data()[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def data_rows(sheet):
    """The rows between the header and the totals row."""
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows and rows[-1][0] == "JUMLAH", rows[-1:]
    return rows[:-1], rows[-1]


def column(sheet, header):
    return [cell.value for cell in sheet[1]].index(header)


def test_annual_recap_counts_exactly_the_accepted_orders_by_their_acceptance_in_wib(client, market,
                                                                                    year_of_orders):
    expected = accepted_in(YEAR)
    assert {o.id for o in expected} == {year_of_orders[k]["id"] for k in ("paid", "received", "shipped",
                                                                          "paid_dinkes")}
    recap = get(client, market.headers("finance"), "/reports/annual", year=YEAR).get_json()
    assert recap["year"] == YEAR
    assert recap["orders"] == len(expected)
    assert recap["total_value"] == sum(o.total for o in expected)
    assert sum(m["value"] for m in recap["by_month"]) == recap["total_value"]
    january = sum(m["value"] for m in recap["by_month"] if m["month"] == 1)
    assert january == sum(o.total for o in expected if to_wib(o.accepted_at).month == 1)
    assert year_of_orders["paid"]["id"] in {o.id for o in expected if to_wib(o.accepted_at).month == 1}
    march_rentals = [m["value"] for m in recap["by_month"] if (m["month"], m["etalase"]) == (3, "jasa-penyewaan")]
    assert march_rentals == [year_of_orders["paid_dinkes"]["total"]]
    by_skpd = {s["code"]: s for s in recap["by_skpd"]}
    assert by_skpd["DISPAR"]["value"] == sum(o.total for o in expected if o.skpd_id == market.dispar.id)
    assert by_skpd["DINKES"]["value"] == sum(o.total for o in expected if o.skpd_id == market.dinkes.id)
    by_supplier = {s["name"]: s["value"] for s in recap["by_supplier"]}
    for supplier in (market.apel, market.tenda, market.katering):
        assert by_supplier.get(supplier.business_name, 0) == sum(o.total for o in expected
                                                                 if o.supplier_id == supplier.id)
    by_area = {k["kecamatan"]: k["value"] for k in recap["by_kecamatan"]}
    assert sum(by_area.values()) == recap["total_value"]
    assert by_area["Bumiaji"] == sum(o.total for o in expected if o.supplier_id == market.tenda.id)
    umkm = sum(o.total for o in expected if db.session.get(Supplier, o.supplier_id).scale in ("mikro", "kecil"))
    assert recap["umkm_value"] == umkm
    assert recap["umkm_share"] == round(umkm / recap["total_value"], 4)
    # paid after 12 and 4 days
    assert recap["avg_days_to_pay"] == 8.0 and recap["paid_orders"] == 2
    assert by_skpd["DISPAR"]["avg_days_to_pay"] == 12.0 and by_skpd["DINKES"]["avg_days_to_pay"] == 4.0
    assert [o["number"] for o in recap["overdue"]] == [year_of_orders["received"]["number"]]
    assert recap["overdue"][0]["days_overdue"] == 3 and by_skpd["DISPAR"]["overdue"] == 1

    last_year = get(client, market.headers("finance"), "/reports/annual", year=YEAR - 1).get_json()
    assert last_year["orders"] == 1 and last_year["total_value"] == year_of_orders["processing"]["total"]
    assert [m["value"] for m in last_year["by_month"] if m["month"] == 12 and m["value"]] == [
        year_of_orders["processing"]["total"]]


def test_transaction_report_json_lists_orders_with_lines_totals_taxes_and_status(client, market, year_of_orders):
    expected = accepted_in(YEAR)
    body = get(client, market.headers("finance"), "/reports/transactions", year=YEAR, per_page=2).get_json()
    assert body["meta"] == {"page": 1, "per_page": 2, "total": len(expected)}
    totals = body["totals"]
    assert totals["orders"] == len(expected) and totals["total"] == sum(o.total for o in expected)
    assert totals["withholding_pph"] == sum(o.withholding_pph for o in expected)
    assert totals["net_to_supplier"] == sum(o.net_to_supplier for o in expected)
    second = get(client, market.headers("finance"), "/reports/transactions", year=YEAR, per_page=2,
                 page=2).get_json()
    rows = body["data"] + second["data"]
    assert sorted(r["id"] for r in rows) == sorted(o.id for o in expected)
    assert [r["number"] for r in rows] == [o.number for o in sorted(expected, key=lambda o: o.accepted_at)]
    first = next(r for r in rows if r["number"] == year_of_orders["paid"]["number"])
    assert first["status"] == "dibayar" and first["payment"]["days_to_pay"] == 12
    assert first["lines"][0]["line_total"] == 3_000_000 and first["withholding"]["pph_kind"] == "final_pp55"
    assert first["accepted_at"].startswith(f"{YEAR}-01-01T03:00:00+07:00")


def test_filters_narrow_the_report_and_keep_totals_true(client, market, year_of_orders):
    finance = market.headers("finance")
    expected = accepted_in(YEAR)

    def total(**params):
        return get(client, finance, "/reports/transactions", **params).get_json()["totals"]["total"]

    assert total(year=YEAR, skpd=market.dinkes.id) == sum(o.total for o in expected if o.skpd_id == market.dinkes.id)
    assert total(year=YEAR, supplier=market.tenda.id) == sum(o.total for o in expected
                                                             if o.supplier_id == market.tenda.id)
    assert total(year=YEAR, etalase="jasa-penyelenggara") == year_of_orders["shipped"]["total"]
    assert total(year=YEAR, status="dibayar") == sum(o.total for o in expected if o.status == "dibayar")
    assert total(year=YEAR, status="dikirim,diterima") == sum(o.total for o in expected
                                                              if o.status in ("dikirim", "diterima"))
    assert total(year=YEAR, month=1) == sum(o.total for o in expected if to_wib(o.accepted_at).month == 1)
    assert total(**{"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"}) == year_of_orders["paid_dinkes"]["total"]
    turn_of_year = [o for o in accepted_in(YEAR) + accepted_in(YEAR - 1)
                    if to_wib(o.accepted_at).date().isoformat() in (f"{YEAR - 1}-12-31", f"{YEAR}-01-01")]
    assert {year_of_orders[k]["id"] for k in ("processing", "paid")} <= {o.id for o in turn_of_year}
    assert total(**{"from": f"{YEAR - 1}-12-31", "to": f"{YEAR}-01-01"}) == sum(o.total for o in turn_of_year)


@pytest.mark.parametrize("params, field", [
    ({"year": "abc"}, "year"), ({"year": "1999"}, "year"), ({"month": "13"}, "month"),
    ({"from": f"{YEAR}-02-30", "to": f"{YEAR}-03-01"}, "from"), ({"from": f"{YEAR}-03-01"}, "to"),
    ({"from": f"{YEAR}-03-02", "to": f"{YEAR}-03-01"}, "to"), ({"year": YEAR, "from": f"{YEAR}-01-01",
                                                              "to": f"{YEAR}-01-02"}, "from"),
    ({"status": "ditolak"}, "status"), ({"etalase": "warung"}, "etalase"), ({"skpd": "999999"}, "skpd"),
    ({"skpd": "99999999999"}, "skpd"), ({"supplier": "x"}, "supplier"), ({"format": "doc"}, "format"),
    ({"per_page": "1000"}, "per_page"), ({"foo": "1"}, "foo"),
])
def test_bad_parameters_are_422_never_500(client, market, params, field):
    response = get(client, market.headers("finance"), "/reports/transactions", **params)
    assert_error(response, 422, "invalid", fields=(field,))


def test_bad_annual_and_public_parameters_are_422(client, market):
    assert_error(get(client, market.headers("finance"), "/reports/annual", year="20x6"), 422, fields=("year",))
    assert_error(get(client, market.headers("finance"), "/reports/annual", month="3"), 422, fields=("month",))
    assert_error(get(client, {}, "/public/summary", year="abc"), 422, fields=("year",))


def test_scoping_finance_and_admin_see_all_bendahara_its_own_skpd(client, market, year_of_orders):
    expected = accepted_in(YEAR)
    all_value = sum(o.total for o in expected)
    dispar = sum(o.total for o in expected if o.skpd_id == market.dispar.id)
    for key in ("finance", "admin"):
        assert get(client, market.headers(key), "/reports/annual", year=YEAR).get_json()["total_value"] == all_value
    own = get(client, market.headers("bendahara:DISPAR"), "/reports/annual", year=YEAR).get_json()
    assert own["total_value"] == dispar and [s["code"] for s in own["by_skpd"]] == ["DISPAR"]
    trx = get(client, market.headers("bendahara:DISPAR"), "/reports/transactions", year=YEAR).get_json()
    assert {r["skpd"]["code"] for r in trx["data"]} == {"DISPAR"}
    assert_error(get(client, market.headers("bendahara:DISPAR"), "/reports/transactions", skpd=market.dinkes.id), 404)
    for key in ("pp:DISPAR", "ppk:DISPAR", f"supplier:{market.apel.id}"):
        assert_error(get(client, market.headers(key), "/reports/annual"), 403)
        assert_error(get(client, market.headers(key), "/reports/transactions"), 403)
    assert_error(get(client, {}, "/reports/annual"), 401)


def test_transaction_workbook_sums_to_the_orders_in_the_database(client, market, year_of_orders):
    expected = accepted_in(YEAR)
    book = workbook(get(client, market.headers("finance"), "/reports/transactions", year=YEAR, format="xlsx"))
    assert book.sheetnames == ["Keterangan", "Pesanan", "Rincian"]
    orders = book["Pesanan"]
    assert orders.freeze_panes == "A2"
    rows, totals = data_rows(orders)
    assert orders.auto_filter.ref == f"A1:V{len(rows) + 1}"
    assert sorted(r[0] for r in rows) == sorted(o.number for o in expected)
    for header, attribute in (("Total", "total"), ("Subtotal", "subtotal"), ("PPN", "ppn"),
                              ("PPh dipotong", "withholding_pph"), ("Neto penyedia", "net_to_supplier")):
        index = column(orders, header)
        assert all(isinstance(r[index], int) for r in rows), header
        assert sum(r[index] for r in rows) == totals[index] == sum(getattr(o, attribute) for o in expected)
    total_index = column(orders, "Total")
    assert orders.cell(row=2, column=total_index + 1).number_format == RUPIAH
    assert orders.cell(row=len(rows) + 2, column=total_index + 1).number_format == RUPIAH
    lines = book["Rincian"]
    line_rows, line_totals = data_rows(lines)
    value = column(lines, "Nilai baris (tanpa PPN)")
    db_lines = db.session.scalar(select(func.sum(OrderLine.line_total)).where(
        OrderLine.order_id.in_([o.id for o in expected])))
    assert sum(r[value] for r in line_rows) == line_totals[value] == db_lines == sum(o.subtotal for o in expected)
    assert lines.freeze_panes == "A2" and lines.auto_filter.ref == f"A1:L{len(line_rows) + 1}"


def test_annual_workbook_has_one_sheet_per_breakdown_with_the_same_figures(client, market, year_of_orders):
    recap = get(client, market.headers("finance"), "/reports/annual", year=YEAR).get_json()
    book = workbook(get(client, market.headers("finance"), "/reports/annual", year=YEAR, format="xlsx"))
    assert book.sheetnames == ["Keterangan", "Per bulan", "Per SKPD", "Per penyedia", "Per kecamatan",
                               "Produk teratas", "Terlambat bayar"]
    for name, header in (("Per bulan", "Jumlah"), ("Per SKPD", "Nilai"), ("Per penyedia", "Nilai"),
                         ("Per kecamatan", "Nilai")):
        sheet = book[name]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
        rows, totals = data_rows(sheet)
        index = column(sheet, header)
        assert sum(r[index] for r in rows) == totals[index] == recap["total_value"], name
        assert sheet.cell(row=2, column=index + 1).number_format == RUPIAH
    months, _ = data_rows(book["Per bulan"])
    assert len(months) == 12 and months[0][0] == "Januari"
    assert months[0][-1] == sum(m["value"] for m in recap["by_month"] if m["month"] == 1)
    overdue, overdue_total = data_rows(book["Terlambat bayar"])
    assert [r[0] for r in overdue] == [o["number"] for o in recap["overdue"]]
    assert overdue_total[-1] == sum(o["total"] for o in recap["overdue"])


def test_report_pdfs_read_with_letterhead_totals_and_page_numbers(client, market, year_of_orders):
    expected = accepted_in(YEAR)
    response = get(client, market.headers("finance"), "/reports/transactions", year=YEAR, format="pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text, pages = pdf_text(response.data)
    assert "PEMERINTAH KOTA BATU" in text and "LAPORAN TRANSAKSI" in text
    for order in expected:
        assert order.number in text
    assert rupiah(sum(o.total for o in expected)) in text and f"Halaman 1 dari {pages}" in text
    text, pages = pdf_text(get(client, market.headers("finance"), "/reports/annual", year=YEAR, format="pdf").data)
    assert f"REKAPITULASI TRANSAKSI TAHUN {YEAR}" in text
    assert rupiah(sum(o.total for o in expected)) in text and f"Halaman {pages} dari {pages}" in text
    assert "Januari" in text and "DINKES" in text and "Bumiaji" in text


def test_pdf_refuses_past_the_row_limit_and_points_to_the_workbook(client, market, year_of_orders, app,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_PDF_MAX_ROWS", 2)
    response = get(client, market.headers("finance"), "/reports/transactions", year=YEAR, format="pdf")
    error = assert_error(response, 422, fields=("format",))
    assert "XLSX" in error["details"]["format"][0] and "XLSX" in error["message"]
    assert get(client, market.headers("finance"), "/reports/transactions", year=YEAR, format="xlsx").status_code == 200
    assert get(client, market.headers("finance"), "/reports/transactions", year=YEAR, status="dibayar",
               format="pdf").status_code == 200  # two rows


def test_public_summary_needs_no_login_and_shows_only_aggregates(client, market, year_of_orders):
    expected = accepted_in(YEAR)
    body = get(client, {}, "/public/summary", year=YEAR).get_json()
    assert set(body) == {"year", "total_value", "orders", "suppliers_served", "umkm_value", "umkm_share",
                         "by_month", "by_etalase", "by_kecamatan"}
    assert body["total_value"] == sum(o.total for o in expected) and body["orders"] == len(expected)
    assert body["suppliers_served"] == len({o.supplier_id for o in expected})
    assert sum(e["value"] for e in body["by_etalase"]) == body["total_value"]


def test_public_summary_is_cached_until_an_order_changes(client, market):
    first = market.order(market.dispar, market.keripik, 10, "diproses")
    assert get(client, {}, "/public/summary").get_json()["total_value"] == first["total"]
    assert get(client, {}, "/public/summary").get_json()["total_value"] == first["total"]  # from the cache
    second = market.order(market.dinkes, market.meals, 20, "dikirim")
    body = get(client, {}, "/public/summary").get_json()
    assert body["total_value"] == first["total"] + second["total"] and body["orders"] == 2
    assert body["suppliers_served"] == 2 and {k["kecamatan"]: k["suppliers"] for k in body["by_kecamatan"]} == {
        "Batu": 1, "Junrejo": 1}


def test_report_pages_show_the_same_figures_and_download(client, market, year_of_orders, auth, app, monkeypatch):
    expected = accepted_in(YEAR)
    value = rupiah(sum(o.total for o in expected))
    assert client.get("/laporan/transaksi").status_code == 302
    auth.login(market.users["pp:DISPAR"])
    assert client.get("/laporan/transaksi").status_code == 403
    auth.logout()
    auth.login(market.users["finance"])
    page = client.get(f"/laporan/transaksi?year={YEAR}&format=xlsx&per_page=2").get_data(as_text=True)
    oldest = min(expected, key=lambda o: o.accepted_at)
    assert value in page and oldest.number in page and "Unduh XLSX" in page
    assert f"/laporan/transaksi/unduh?format=xlsx&amp;year={YEAR}" in page
    book = workbook(client.get(f"/laporan/transaksi/unduh?year={YEAR}&format=xlsx"))
    rows, totals = data_rows(book["Pesanan"])
    assert totals[column(book["Pesanan"], "Total")] == sum(o.total for o in expected)
    pdf = client.get(f"/laporan/transaksi/unduh?year={YEAR}&format=pdf")
    assert pdf.mimetype == "application/pdf" and value in pdf_text(pdf.data)[0]
    monkeypatch.setitem(app.config, "REPORT_PDF_MAX_ROWS", 1)
    refused = client.get(f"/laporan/transaksi/unduh?year={YEAR}&format=pdf", follow_redirects=True)
    monkeypatch.undo()
    assert refused.status_code == 200 and "XLSX" in refused.get_data(as_text=True)
    bad = client.get("/laporan/transaksi?year=abc&month=13")
    assert bad.status_code == 422 and "Bulan 1–12." in bad.get_data(as_text=True)
    annual = client.get(f"/laporan/tahunan?year={YEAR}").get_data(as_text=True)
    assert value in annual and "Per kecamatan penyedia" in annual
    dashboard = client.get(f"/laporan/dasbor?year={YEAR}").get_data(as_text=True)
    assert dashboard.count("<svg") >= 6 and value in dashboard and "<script" not in dashboard
    pdf = client.get(f"/laporan/dasbor.pdf?year={YEAR}")
    text, _ = pdf_text(pdf.data)
    assert "Penyedia teratas" in text and market.tenda.business_name in text and "Jan" in text
    workbook(client.get(f"/laporan/tahunan/unduh?year={YEAR}&format=xlsx"))
    auth.logout()
    auth.login(market.users["bendahara:DINKES"])
    own = client.get(f"/laporan/tahunan?year={YEAR}").get_data(as_text=True)
    assert rupiah(sum(o.total for o in expected if o.skpd_id == market.dinkes.id)) in own
    assert "Dinas Pariwisata" not in own


def test_public_data_page_without_login(client, market, year_of_orders):
    expected = accepted_in(YEAR)
    page = client.get(f"/data?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert rupiah(sum(o.total for o in expected)) in html and "<svg" in html
    assert f"/api/v1/ocds/releases?year={YEAR}" in html
    assert year_of_orders["paid"]["number"] not in html  # aggregates only
    assert client.get("/data?year=abc").status_code == 422


def test_report_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/orders/{order_id}/documents/{kind}.pdf", "/api/v1/reports/transactions",
                 "/api/v1/reports/annual", "/api/v1/public/summary", "/api/v1/ocds/releases",
                 "/api/v1/listings/import", "/api/v1/listings/import-template.xlsx"):
        assert path in paths, path
    assert "application/pdf" in paths["/api/v1/orders/{order_id}/documents/{kind}.pdf"]["get"]["responses"]["200"][
        "content"]

"""One export measured in its own process (time and peak memory), for bench/run.py.

    python bench/exports.py xlsx|csv|pdf YEAR_FROM YEAR_TO OUTFILE

``xlsx`` and ``csv`` write the same rows of the transaction report (every
order and every order line from ``YEAR_FROM``-01-01 to ``YEAR_TO``-12-31)
from the same query stream; ``pdf`` renders the annual recap of ``YEAR_TO``.
Prints one JSON line: seconds, peak RSS in MB, rows, bytes written.
"""
from __future__ import annotations

import csv
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Run one export and print its figures."""
    mode, first, last, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
    import reports.pdf
    import reports.xlsx
    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.procurement import reporting

    app = create_app()
    with app.app_context():
        actor = db.session.scalar(db.select(User).where(User.role == "finance").order_by(User.id))
        started = time.perf_counter()
        rows = 0
        if mode == "pdf":
            recap = reporting.annual_recap(actor, {"year": last, "format": "pdf"})
            out.write_bytes(reports.pdf.annual_recap(recap))
            rows = recap.orders if hasattr(recap, "orders") else 0
        else:
            report = reporting.transaction_report(
                actor, {"from": f"{first}-01-01", "to": f"{last}-12-31", "format": "xlsx"})
            if mode == "xlsx":
                counted = _counting(report.rows)
                report.rows = counted
                out.write_bytes(reports.xlsx.transaction_report(report))
                rows = counted.lines
            else:
                rows = _write_csv(report.rows, out)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1),
                      "lines": rows, "bytes": out.stat().st_size}))


class _counting:
    """Pass the rows through, counting order lines."""

    def __init__(self, rows):
        self.rows, self.lines = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.lines += len(row.lines)
            yield row


def _write_csv(stream, out: Path) -> int:
    """The same two tables as the workbook, as plain CSV rows."""
    lines = 0
    with out.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for row in stream:
            writer.writerow((row.number, row.accepted_at, row.skpd_code, row.skpd_name, row.supplier_name,
                             row.kecamatan, row.scale, row.etalase, row.status_label, row.subtotal, row.ppn,
                             row.total, row.withholding_ppn, row.withholding_pph, row.pph_label,
                             row.net_to_supplier, row.bast_number, row.bast_date, row.due_date, row.sp2d_number,
                             row.payment_date, row.days_to_pay))
            for line in row.lines:
                lines += 1
                writer.writerow((row.number, row.accepted_at, row.skpd_code, row.supplier_name, line.etalase,
                                 line.name, line.unit, line.quantity, line.days, line.unit_price, line.line_total,
                                 row.status_label))
    return lines


if __name__ == "__main__":
    main()

"""Server-rendered inline SVG bar charts: no scripts, readable on a page and in a PDF alike."""
from __future__ import annotations

from typing import Callable, Sequence

from markupsafe import Markup, escape

from app.common.money import number_id, rupiah

WIDTH = 720
PALETTE = ("#166534", "#b45309", "#1d4ed8", "#7c3aed", "#be123c", "#0f766e")
FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def rupiah_short(value: int | float | None) -> str:
    """An amount for a chart axis or label: ``Rp1,25 M``, ``Rp350 jt``, ``Rp12 rb``."""
    if value is None:
        return "-"
    for size, suffix, digits in ((10**12, "T", 2), (10**9, "M", 2), (10**6, "jt", 1), (10**3, "rb", 0)):
        if abs(value) >= size:
            text = f"{value / size:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value / size:.0f}"
            return f"Rp{text.replace('.', ',')} {suffix}"
    return rupiah(value)


def percent(share: float | None) -> str:
    """A share 0–1 as ``85,3%``; ``-`` when there is none."""
    return "-" if share is None else f"{share * 100:.1f}%".replace(".", ",")


def days(value: float | None) -> str:
    """A number of days as ``12,5 hari``."""
    return "-" if value is None else f"{number_id(value)} hari"


def _svg(height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(label)}" {FONT} font-size="12">'
        f'<title>{escape(label)}</title>{"".join(body)}</svg>'
    )


def _short(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ not below ``value`` (an axis maximum)."""
    if value <= 0:
        return 1
    scale = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= value:
            return step * scale
    return 10 * scale


def bar_chart(items: Sequence[tuple[str, float]], title: str,
              fmt: Callable[[float], str] = rupiah_short, color: str = PALETTE[0]) -> Markup:
    """Horizontal bars, one per (label, value), with the value written at the end of each bar."""
    row, label_w, value_w, top = 26, 230, 110, 8
    height = top * 2 + max(1, len(items)) * row
    body = []
    if not items:
        body.append(f'<text x="{WIDTH / 2}" y="{height / 2 + 4}" text-anchor="middle" fill="#5b6358">'
                    f'Belum ada data</text>')
    longest = max((value for _, value in items), default=0) or 1
    span = WIDTH - label_w - value_w
    for index, (label, value) in enumerate(items):
        y = top + index * row
        width = max(1.0, span * (value or 0) / longest)
        body.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="#1c1f1b">{escape(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row - 8}" fill="{color}" rx="2"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 17}" fill="#1c1f1b">{escape(fmt(value))}</text>'
        )
    return _svg(height, title, body)


def column_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], title: str,
                 fmt: Callable[[float], str] = rupiah_short) -> Markup:
    """Stacked columns: one column per category, one coloured segment per series, with an axis and a legend."""
    left, right, top, plot_h, legend_h = 90, 10, 14, 220, 34
    height = top + plot_h + 24 + legend_h
    stacks = [sum(values[i] for _, values in series) for i in range(len(categories))]
    ceiling = _nice_ceiling(max(stacks, default=0))
    slot = (WIDTH - left - right) / max(1, len(categories))
    body = []
    for tick in range(5):
        value = ceiling * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9ded6"/>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6358">'
                    f'{escape(fmt(value))}</text>')
    for i, category in enumerate(categories):
        x = left + i * slot + slot * 0.15
        base = top + plot_h
        for s, (name, values) in enumerate(series):
            h = plot_h * values[i] / ceiling
            if h > 0:
                base -= h
                body.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                            f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(name)} {escape(category)}: '
                            f'{escape(rupiah(values[i]))}</title></rect>')
        body.append(f'<text x="{x + slot * 0.35:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                    f'fill="#1c1f1b">{escape(category)}</text>')
    body.extend(_legend([name for name, _ in series], top + plot_h + 30))
    return _svg(height, title, body)


def share_bar(parts: Sequence[tuple[str, float]], title: str) -> Markup:
    """One 100 % bar split into parts, each labelled with its share."""
    height, top, bar_h = 70, 4, 26
    whole = sum(value for _, value in parts)
    body = []
    x = 0.0
    for index, (_name, value) in enumerate(parts):
        if whole and value:
            width = WIDTH * value / whole
            body.append(f'<rect x="{x:.1f}" y="{top}" width="{width:.1f}" height="{bar_h}" '
                        f'fill="{PALETTE[index % len(PALETTE)]}"/>')
            if width > 60:
                body.append(f'<text x="{x + width / 2:.1f}" y="{top + 18}" text-anchor="middle" fill="#fff" '
                            f'font-weight="bold">{escape(percent(value / whole))}</text>')
            x += width
    if not whole:
        body.append(f'<rect x="0" y="{top}" width="{WIDTH}" height="{bar_h}" fill="#e7ebe4"/>'
                    f'<text x="{WIDTH / 2}" y="{top + 18}" text-anchor="middle" fill="#5b6358">Belum ada data</text>')
    labels = [f"{name} {percent(value / whole) if whole else '-'}" for name, value in parts]
    body.extend(_legend(labels, top + bar_h + 10))
    return _svg(height, title, body)


def _legend(names: Sequence[str], y: float) -> list[str]:
    items, x = [], 0.0
    for index, name in enumerate(names):
        items.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
                     f'<text x="{x + 17:.1f}" y="{y + 11}" fill="#1c1f1b">{escape(name)}</text>')
        x += 30 + 7.2 * len(name)
    return items


def months_chart(recap) -> Markup:
    """Value by month, stacked by storefront."""
    rows = recap.month_rows()
    series = [(e.name, [cells[i] for _, cells, _ in rows]) for i, e in enumerate(recap.by_etalase)]
    return column_chart(MONTH_ABBR, series, f"Nilai transaksi per bulan dan etalase, {recap.year}")


def umkm_chart(recap) -> Markup:
    """Value bought from micro and small suppliers against the rest."""
    return share_bar([("UMKM (mikro & kecil)", recap.umkm_value),
                      ("Menengah", recap.total_value - recap.umkm_value)], "Porsi UMKM")


def dashboard_charts(recap) -> dict[str, Markup]:
    """Every chart of the dashboard for an ``AnnualRecap``."""
    return {
        "months": months_chart(recap),
        "etalase": bar_chart([(e.name, e.value) for e in recap.by_etalase], "Nilai per etalase"),
        "suppliers": bar_chart([(s.name, s.value) for s in recap.by_supplier[:10]], "Penyedia teratas"),
        "products": bar_chart([(p.name, p.value) for p in recap.top_products], "Produk teratas", color=PALETTE[2]),
        "umkm": umkm_chart(recap),
        "days_to_pay": bar_chart([(s.code, s.avg_days_to_pay) for s in recap.by_skpd if s.paid_orders],
                                 "Rata-rata hari dari BAST ke pembayaran per SKPD", fmt=days, color=PALETTE[1]),
        "overdue": bar_chart([(s.code, s.overdue) for s in recap.by_skpd if s.overdue],
                             "Pesanan terlambat dibayar per SKPD", fmt=lambda n: f"{n:.0f} pesanan",
                             color=PALETTE[4]),
    }


def public_charts(recap) -> dict[str, Markup]:
    """The charts of the public page: months × storefront, storefronts, kecamatan, UMKM share."""
    return {
        "months": months_chart(recap),
        "etalase": bar_chart([(e.name, e.value) for e in recap.by_etalase], "Nilai per etalase"),
        "kecamatan": bar_chart([(f"Kec. {k.kecamatan}", k.value) for k in recap.by_kecamatan],
                               "Nilai per kecamatan penyedia"),
        "umkm": umkm_chart(recap),
    }

"""Amounts and taxes of an order (PRODUCT.md §5): integer rupiah, each tax rounded half up."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

from app.common.money import round_half_up

GOODS = "barang"
SERVICES = "jasa"


@dataclass(frozen=True)
class Amounts:
    """What an order costs, and what the bendahara withholds at payment."""

    subtotal: int
    ppn: int
    total: int
    withholding_ppn: int
    withholding_pph: int
    pph_kind: str | None
    net_to_supplier: int


def _rate(name: str) -> Decimal:
    return Decimal(str(current_app.config[name]))


def compute(subtotal: int, kind: str, is_pkp: bool, has_pp55: bool) -> Amounts:
    """Compute PPN, total and withholding for a subtotal of goods or of rentals/services."""
    threshold = current_app.config["WITHHOLDING_THRESHOLD"]
    ppn = round_half_up(subtotal * _rate("PPN_RATE")) if is_pkp else 0
    total = subtotal + ppn
    withheld_ppn = ppn if is_pkp and total > threshold else 0
    if has_pp55:
        pph_kind, rate = "final_pp55", _rate("PP55_RATE")
    elif kind == GOODS:
        pph_kind, rate = ("pph22", _rate("PPH22_RATE")) if subtotal > threshold else (None, Decimal(0))
    else:
        pph_kind, rate = "pph23", _rate("PPH23_RATE")
    pph = round_half_up(subtotal * rate)
    return Amounts(
        subtotal=subtotal, ppn=ppn, total=total, withholding_ppn=withheld_ppn,
        withholding_pph=pph, pph_kind=pph_kind, net_to_supplier=total - withheld_ppn - pph,
    )

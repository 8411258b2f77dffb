"""Amounts and taxes of an order (PRODUCT.md §5): integer rupiah, each tax rounded half up.

The rates come in a :class:`TaxRule`: the one in force (from configuration)
when an order is made, and afterwards the one the order kept
(``OrderTerms.rule``, PRODUCT.md §9 "Frozen terms"), so a counter-offer is
recomputed with the rates of the day the order was made.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.common.money import round_half_up

GOODS = "barang"
SERVICES = "jasa"
PPH22, PPH23, FINAL_PP55 = "pph22", "pph23", "final_pp55"
_PPH_RATES = {PPH22: "PPH22_RATE", PPH23: "PPH23_RATE", FINAL_PP55: "PP55_RATE"}
PPH_LABELS = {PPH22: "PPh 22", PPH23: "PPh 23", FINAL_PP55: "PPh final PP 55/2022"}


def percent(rate: Decimal) -> str:
    """A rate as Indonesians write it: ``0.015`` as ``1,5%``."""
    return f"{(Decimal(rate) * 100).normalize():f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class TaxRule:
    """What decides an order's taxes: the PPN rate, PKP status, the income tax that applies and the threshold.

    ``pph_kind`` is the income tax of the order's kind and supplier: the 0.5 %
    final tax of a PP 55/2022 holder, else PPh 22 on goods (withheld only
    above ``threshold``), else PPh 23 on rentals and services.
    """

    ppn_rate: Decimal
    is_pkp: bool
    pph_kind: str
    pph_rate: Decimal
    threshold: int

    @classmethod
    def in_force(cls, kind: str, is_pkp: bool, has_pp55: bool, config) -> TaxRule:
        """The rule configuration sets today for an order of ``kind`` from such a supplier."""
        pph_kind = FINAL_PP55 if has_pp55 else PPH22 if kind == GOODS else PPH23
        return cls(ppn_rate=Decimal(str(config["PPN_RATE"])), is_pkp=is_pkp, pph_kind=pph_kind,
                   pph_rate=Decimal(str(config[_PPH_RATES[pph_kind]])),
                   threshold=int(config["WITHHOLDING_THRESHOLD"]))


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


def compute(subtotal: int, rule: TaxRule) -> Amounts:
    """PPN, total and withholding of a subtotal under ``rule``."""
    ppn = round_half_up(subtotal * rule.ppn_rate) if rule.is_pkp else 0
    total = subtotal + ppn
    withheld_ppn = ppn if rule.is_pkp and total > rule.threshold else 0
    if rule.pph_kind == PPH22 and subtotal <= rule.threshold:
        pph_kind, pph = None, 0
    else:
        pph_kind, pph = rule.pph_kind, round_half_up(subtotal * rule.pph_rate)
    return Amounts(
        subtotal=subtotal, ppn=ppn, total=total, withholding_ppn=withheld_ppn,
        withholding_pph=pph, pph_kind=pph_kind, net_to_supplier=total - withheld_ppn - pph,
    )

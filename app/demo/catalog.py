"""Listing templates of the demo region (``data/catalog.json``), per category of the three storefronts.

An ``Item`` is a product or service with its variants; each variant becomes one listing
named ``"<item> <variant>"``. Prices are ranges in whole rupiah, drawn and rounded by
``app.demo.seed``. ``amount`` is the stock (goods) or the capacity per day (rentals and
services); ``min_order`` and ``lead`` are ranges too. Descriptions may use ``{kel}``
(kelurahan/desa) and ``{kec}`` (kecamatan) of the supplier.
"""
from __future__ import annotations

from dataclasses import dataclass

from .region import load

Range = tuple[int, int]


@dataclass(frozen=True)
class Variant:
    """One sellable form of an item: label, unit and price range, optional overrides of the item's ranges."""

    label: str
    unit: str
    low: int
    high: int
    amount: Range | None = None
    min_order: Range | None = None


@dataclass(frozen=True)
class Item:
    """A product or service with its variants and the ranges they share."""

    name: str
    description: str
    variants: tuple[Variant, ...]
    amount: Range = (20, 200)
    min_order: Range = (1, 1)
    lead: Range = (1, 3)


def _range(value) -> Range | None:
    return tuple(value) if value else None


def _item(data: dict) -> Item:
    variants = tuple(Variant(v["label"], v["unit"], *v["price"], _range(v.get("amount")), _range(v.get("min_order")))
                     for v in data["variants"])
    ranges = {key: tuple(data[key]) for key in ("amount", "min_order", "lead") if key in data}
    return Item(data["name"], data["description"], variants, **ranges)


CATALOG: dict[str, dict[str, list[Item]]] = {
    etalase: {category: [_item(item) for item in items] for category, items in categories.items()}
    for etalase, categories in load("catalog").items()
}

"""The order's statuses and its state table (PRODUCT.md §4), whose transitions are the registry's (``actions.py``)."""
from app.common.state import StateMachine

from .actions import REGISTRY, SYSTEM

__all__ = ["SYSTEM", "OPEN_STATUSES", "ACCEPTED_STATUSES", "RELEASED_STATUSES", "OrderState"]

OPEN_STATUSES = REGISTRY["cancel"].sources  # before the supplier accepts
ACCEPTED_STATUSES = ("diproses", "dikirim", "diterima", "dibayar")
RELEASED_STATUSES = ("ditolak", "dibatalkan", "batal_otomatis")


class OrderState(StateMachine):
    """Every status change of an order goes through :meth:`status_up` with this table."""

    object_label = "Pesanan"
    labels = {
        "menunggu_ppk": "Menunggu persetujuan PPK",
        "menunggu_penyedia": "Menunggu jawaban penyedia",
        "negosiasi": "Negosiasi harga",
        "diproses": "Diproses penyedia",
        "dikirim": "Dikirim / dikerjakan",
        "diterima": "Diterima (BAST)",
        "dibayar": "Dibayar",
        "ditolak": "Ditolak",
        "dibatalkan": "Dibatalkan",
        "batal_otomatis": "Batal otomatis (tidak dijawab)",
    }
    transitions = {action.name: action.transition for action in REGISTRY.values() if action.target is not None}

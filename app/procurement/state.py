"""The order's state table (PRODUCT.md §4): who may do what, from which status."""
from app.auth.roles import PP, PPK, SUPPLIER, BENDAHARA
from app.common.state import StateMachine, Transition

SYSTEM = "sistem"
OPEN_STATUSES = ("menunggu_ppk", "menunggu_penyedia", "negosiasi")
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
    transitions = {
        "approve": Transition(("menunggu_ppk",), "menunggu_penyedia", (PPK,)),
        "reject": Transition(("menunggu_ppk",), "ditolak", (PPK,)),
        "cancel": Transition(OPEN_STATUSES, "dibatalkan", (PP, PPK)),
        "accept": Transition(("menunggu_penyedia",), "diproses", (SUPPLIER,)),
        "decline": Transition(("menunggu_penyedia",), "ditolak", (SUPPLIER,)),
        "counter": Transition(("menunggu_penyedia",), "negosiasi", (SUPPLIER,)),
        "accept-counter": Transition(("negosiasi",), "diproses", (PPK,)),
        "reject-counter": Transition(("negosiasi",), "ditolak", (PPK,)),
        "ship": Transition(("diproses",), "dikirim", (SUPPLIER,)),
        "receive": Transition(("dikirim",), "diterima", (PPK,)),
        "pay": Transition(("diterima",), "dibayar", (BENDAHARA,)),
        "expire": Transition(("menunggu_penyedia",), "batal_otomatis", (SYSTEM,)),
    }

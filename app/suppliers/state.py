"""The supplier's states and who may move it between them (PRODUCT.md §2)."""
from app.auth.roles import ADMIN, SUPPLIER
from app.common.state import StateMachine, Transition


class SupplierState(StateMachine):
    """pending → verified | rejected; rejected → pending; verified ⇄ suspended."""

    object_label = "Penyedia"
    labels = {
        "pending": "Menunggu verifikasi",
        "verified": "Terverifikasi",
        "rejected": "Ditolak",
        "suspended": "Dibekukan",
    }
    transitions = {
        "verify": Transition(("pending",), "verified", (ADMIN,)),
        "reject": Transition(("pending",), "rejected", (ADMIN,)),
        "resubmit": Transition(("rejected",), "pending", (SUPPLIER,)),
        "suspend": Transition(("verified",), "suspended", (ADMIN,)),
        "reinstate": Transition(("suspended",), "verified", (ADMIN,)),
    }

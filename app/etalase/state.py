"""A listing's states (PRODUCT.md §3): draft → submitted → active → inactive | frozen."""
from app.auth.roles import ADMIN, SUPPLIER
from app.common.state import StateMachine, Transition


class ListingState(StateMachine):
    """Who may move a listing, and from where."""

    object_label = "Produk"
    labels = {
        "draft": "Draf",
        "submitted": "Menunggu kurasi",
        "active": "Tayang",
        "inactive": "Tidak tayang",
        "frozen": "Dibekukan",
    }
    transitions = {
        "submit": Transition(("draft", "inactive", "frozen"), "submitted", (SUPPLIER,)),
        "reprice": Transition(("active",), "submitted", (SUPPLIER,), manual=False),
        "approve": Transition(("submitted",), "active", (ADMIN,)),
        "return": Transition(("submitted",), "draft", (ADMIN,)),
        "deactivate": Transition(("active",), "inactive", (SUPPLIER,)),
        "freeze": Transition(("active", "submitted", "inactive"), "frozen", (ADMIN,)),
    }

"""Ways through the order actions of the registry (``app/procurement/actions.py``), for the test worlds.

``path_to(status)`` is the shortest way from a new order of a PP to a status
(the first-declared action first, so the forward way when there are several);
``body_for(action, lines)`` a valid input of an action for an order with those
lines, as the API reads it or as the order page's form posts it.
"""
from __future__ import annotations

import itertools
from collections import deque

from app.common.timeutil import today_wib
from app.procurement.actions import (
    MANUAL,
    CounterInputSchema,
    OrderAction,
    PayInputSchema,
    RateInputSchema,
    ReasonInputSchema,
    ReceiveInputSchema,
)

NEW = "menunggu_ppk"  # where an order of a PP starts
_seq = itertools.count(1)


def path_to(status: str) -> list[OrderAction]:
    """The manual actions that take a new order of a PP to ``status``, fewest first."""
    ways = {NEW: []}
    pending = deque([NEW])
    while pending:
        current = pending.popleft()
        for action in MANUAL.values():
            if current in action.sources and action.target is not None and action.target not in ways:
                ways[action.target] = ways[current] + [action]
                pending.append(action.target)
    return ways[status]


def body_for(action: OrderAction, lines: list[tuple[int, int]], form: bool = False) -> dict:
    """A valid input of ``action`` for an order whose lines are ``(listing_id, unit_price)``."""
    today = today_wib().isoformat()
    if action.schema is CounterInputSchema:
        if form:
            return {f"prices-{i}": str(price - 1_000) for i, (_listing, price) in enumerate(lines)}
        return {"lines": [{"listing_id": listing, "unit_price": price - 1_000} for listing, price in lines]}
    return {
        None: {},
        ReasonInputSchema: {"reason": "Alasan pengujian"},
        ReceiveInputSchema: {"bast_number": f"BAST/{next(_seq):04d}", "date": today},
        PayInputSchema: {"sp2d_number": f"SP2D/{next(_seq):04d}", "date": today},
        RateInputSchema: {"score": 5, "comment": "Rapi dan tepat waktu"},
    }[action.schema]

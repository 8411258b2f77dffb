"""Signals of the order flow, for modules that follow orders without the order code knowing them.

- ``order_created``: sender the new order, keyword ``actor``; sent by
  ``orders.create_order`` once the order (with its lines, terms and first
  events) is flushed — e.g. integrity flags computed at creation.
- ``order_action_done``: sender the action's name (``"pay"``), keywords
  ``order``, ``actor`` (None for the system's ``expire``) and ``values`` (the
  action's input as read by its schema); sent by ``orders.perform`` and
  ``orders.expire_overdue`` once the change is flushed — e.g. a reminder
  after receipt, or splitting a payment at ``pay``. Connect to one action with
  ``order_action_done.connect(receiver, sender="pay")``.

Both are sent inside the request's transaction, before it commits: what a
receiver adds to the session commits or rolls back with the order, and a
receiver that raises a ``ServiceError`` refuses the whole request. Receivers
never commit.
"""
from blinker import Namespace

_signals = Namespace()
order_created = _signals.signal("order-created")
order_action_done = _signals.signal("order-action-done")

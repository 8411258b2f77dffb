"""A small state machine: each kind of object declares its transitions in one place."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import Conflict, Forbidden


@dataclass(frozen=True)
class Transition:
    """An action allowed from some statuses, to one status (None: the status stays), for some roles."""

    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    manual: bool = True


class StateMachine:
    """Subclasses set ``transitions`` (action → Transition) and ``labels``.

    ``status_up`` is the single door through which an object's status changes.
    """

    transitions: dict[str, Transition] = {}
    labels: dict[str, str] = {}
    object_label = "Objek"

    @classmethod
    def check(cls, obj, action: str, role: str) -> Transition:
        """Return the transition, or raise if the role or the status forbids it."""
        transition = cls.transitions.get(action)
        if transition is None:
            raise Conflict(f"Tindakan '{action}' tidak dikenal")
        cls.check_against(obj, action, transition, role)
        return transition

    @classmethod
    def check_against(cls, obj, action: str, transition: Transition, role: str) -> None:
        """Raise if the role or the object's status forbids ``transition`` (one of the table's, or an
        action that keeps the status)."""
        if role not in transition.roles:
            raise Forbidden(f"Peran Anda tidak boleh melakukan tindakan ini ({action})")
        if obj.status not in transition.sources:
            raise Conflict(
                f"{cls.object_label} berstatus '{cls.labels.get(obj.status, obj.status)}'; "
                f"tindakan '{action}' tidak diizinkan"
            )

    @classmethod
    def status_up(cls, obj, action: str, role: str) -> str:
        """Move ``obj`` along ``action``; return the previous status."""
        transition = cls.check(obj, action, role)
        previous = obj.status
        obj.status = transition.target
        return previous

    @classmethod
    def allowed_actions(cls, obj, role: str) -> list[str]:
        """Actions the role may choose on the object now (for showing buttons)."""
        return [
            action
            for action, t in cls.transitions.items()
            if t.manual and role in t.roles and obj.status in t.sources
        ]

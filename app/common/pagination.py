"""Page arithmetic shared by catalog pages and API lists."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence


@dataclass
class Page:
    """One page of results."""

    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.page < self.pages

    def meta(self) -> dict:
        """The ``meta`` object of the API's list answers."""
        return {"page": self.page, "per_page": self.per_page, "total": self.total}

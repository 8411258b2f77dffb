"""The catalog's version: what cached search results and listing pages are validated against.

Every flush that adds, changes or removes a listing, a photo, a category or a
supplier gives the catalog a new version (see ``app.common.versions``).
Stock changes made by orders do not: pages that show stock put it in their key.
"""
from __future__ import annotations

from app.common import versions
from app.suppliers.models import Supplier

from .models import Category, Listing, ListingPhoto

CATALOG = "catalog"
versions.watch(CATALOG, (Listing, ListingPhoto, Category, Supplier))


def current_version() -> int:
    """The catalog's committed version."""
    return versions.current(CATALOG)


def lookup(key, version: int):
    """A cached catalog value for ``key`` at ``version``, or None."""
    return versions.lookup(CATALOG, key, version)


def store(key, version: int, value) -> None:
    """Cache a catalog value for ``key`` at ``version``."""
    versions.store(CATALOG, key, version, value)

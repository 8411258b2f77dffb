"""What cached catalog pages are validated against.

Search results depend on the whole catalog: every flush that adds, changes or
removes a listing, a photo, a category or a supplier gives the catalog a new
version (see ``app.common.versions``). A listing's page depends only on that
listing, its supplier and the storefronts' names and categories: it is kept under
the revisions of the first two and the storefronts' version, so one supplier's
edit leaves every other page cached. Stock changes made by orders move neither:
pages that show stock put it in their key.
"""
from __future__ import annotations

from app.common import versions
from app.suppliers.models import Supplier

from .models import Category, Etalase, Listing, ListingPhoto, PriceChange

CATALOG = "catalog"
STOREFRONTS = "storefronts"
versions.watch(CATALOG, (Listing, ListingPhoto, Category, Supplier))
versions.watch(STOREFRONTS, (Etalase, Category))
versions.revise(Listing)
versions.revise(Supplier)
versions.revise(ListingPhoto, lambda photo: photo.listing)
versions.revise(PriceChange, lambda change: change.listing)


def current_version() -> int:
    """The catalog's committed version."""
    return versions.current(CATALOG)


def lookup(key, version: int):
    """A cached catalog value for ``key`` at ``version``, or None."""
    return versions.lookup(CATALOG, key, version)


def store(key, version: int, value) -> None:
    """Cache a catalog value for ``key`` at ``version``."""
    versions.store(CATALOG, key, version, value)


def lookup_page(key, version: int):
    """A listing page's cached parts for ``key`` at the storefronts' ``version``, or None."""
    return versions.lookup(STOREFRONTS, key, version)


def store_page(key, version: int, parts) -> None:
    """Cache a listing page's parts for ``key`` at the storefronts' ``version``."""
    versions.store(STOREFRONTS, key, version, parts)

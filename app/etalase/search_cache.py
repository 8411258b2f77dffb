"""What cached catalog pages are validated against.

Search results and catalog pages depend on the whole catalog: every transaction
that writes a listing (but for its stock), a photo, a category, a supplier or a
storefront gives the catalog a new version (see ``app.common.versions``). A
listing's page depends only on that listing, its supplier and the storefronts'
names and categories: it is kept under the revisions of the first two and the
storefronts' version, so one supplier's edit leaves every other page cached.

Stock, daily capacity and budget move no version: orders write them all the
time. Stock is shown only by a listing's page, which puts it in its key; daily
capacity is read only by a search for free dates, which is never cached; budget
lines (pagu) are read by buyers' order pages and forms, which are not cached.
"""
from __future__ import annotations

from app.common import versions
from app.suppliers.models import Supplier

from .models import Category, Etalase, Listing, ListingPhoto, PriceChange

CATALOG = "catalog"
STOREFRONTS = "storefronts"
versions.watch(CATALOG, *versions.columns_but(Listing, "stock"), ListingPhoto, Category, Supplier, Etalase)
versions.watch(STOREFRONTS, Etalase, Category)
versions.revise(Listing)
versions.revise(Supplier)
versions.revise(ListingPhoto, lambda photo: photo.listing)
versions.revise(PriceChange, lambda change: change.listing)
LISTING_PAGE_KEYED = (Listing, Supplier, ListingPhoto, PriceChange)

"""Pages: the public catalog (storefronts, search, listing detail, photos)."""
from flask import Blueprint, render_template, request, send_file, url_for
from markupsafe import Markup
from flask_login import current_user

from app.auth import roles
from app.common import uploads
from app.common.errors import Invalid
from app.suppliers.models import KECAMATAN, SCALES

from . import search_cache, services
from .schemas import SORTS

bp = Blueprint("etalase", __name__)

SORT_LABELS = dict(zip(SORTS, ("Paling relevan", "Harga terendah", "Harga tertinggi", "Terbaru", "Rating penyedia")))


def actor():
    """The logged-in user, or None for a visitor."""
    return current_user if current_user.is_authenticated else None


@bp.route("/")
def index():
    """Home: the three storefronts and a search box."""
    return render_template("etalase/index.html", storefronts=services.storefronts())


@bp.route("/katalog")
@bp.route("/katalog/<etalase_code>")
def search(etalase_code=None):
    """Browse a storefront or search the whole catalog, with filters, sorting and pages.

    The catalog part of the page depends only on the query and the catalog, so it is
    rendered once per catalog version (see ``search_cache``); a date filter, which
    depends on bookings, is always rendered afresh.
    """
    key = None if request.args.get("available_from") else \
        ("page", etalase_code, tuple(sorted(request.args.items(multi=True))))
    version = search_cache.current_version() if key else None
    found = search_cache.lookup(key, version) if key else None
    if found is None:
        found = _render_catalog(etalase_code)
        if key:
            search_cache.store(key, version, found)
    title, content = found
    return render_template("etalase/search.html", title=title, content=Markup(content))


def _render_catalog(etalase_code: str | None) -> tuple[str, str]:
    params = {k: v for k, v in request.args.items() if v != ""}
    params["per_page"] = 24
    current = None
    if etalase_code:
        current = services.get_etalase(etalase_code)
        params["etalase"] = etalase_code
    errors = {}
    try:
        page = services.search(params)
    except Invalid as exc:
        errors = exc.details
        page = services.search({"etalase": etalase_code, "per_page": 24} if etalase_code else {"per_page": 24})

    def page_url(number: int) -> str:
        args = {k: v for k, v in request.args.items() if v != "" and k != "page"}
        return url_for("etalase.search", etalase_code=etalase_code, page=number, **args)

    content = render_template(
        "etalase/_catalog.html", page=page, current=current, storefronts=services.storefronts(),
        args=request.args, errors=errors, kecamatan=KECAMATAN, scales=SCALES,
        sort_labels=SORT_LABELS, page_url=page_url,
    )
    return (current.name if current else "Katalog"), content


@bp.route("/produk/<int:listing_id>")
def detail(listing_id):
    """A listing with its supplier, price history and, for buyers, the order box.

    The listing's own part of a public page is rendered once per state of the listing,
    its supplier, its stock and the storefronts (see ``search_cache``); the order box,
    which depends on the buyer, is rendered each time.
    """
    public = services.public_listing_state(listing_id)
    found = search_cache.lookup_page(public.key, public.version) if public else None
    listing = None
    if found is None:
        listing = services.get_listing(actor(), listing_id)
        found = listing_parts(listing)
        if public and public.shows(listing):
            search_cache.store_page(public.key, public.version, found)
    if listing is None and current_user.is_authenticated and current_user.role in roles.BUYERS:
        listing = services.get_listing(actor(), listing_id)
    return render_template("etalase/detail.html", listing=listing, **listing_page_parts(*found))


def listing_parts(listing) -> list[str]:
    """The title and the listing's own parts of its page, rendered (cacheable, JSON-serialisable)."""
    return [listing.name, render_template("etalase/_listing_top.html", listing=listing),
            render_template("etalase/_listing_bottom.html", listing=listing)]


def listing_page_parts(title: str, top: str, bottom: str) -> dict:
    """The context ``etalase/detail.html`` (and pages extending it) expects for the listing's parts."""
    return {"title": title, "top": Markup(top), "bottom": Markup(bottom)}


@bp.route("/katalog/foto/<int:photo_id>")
def photo(photo_id):
    """Serve a listing photo from outside the web root."""
    item = services.get_photo(actor(), photo_id)
    return send_file(uploads.path_of(item.storage_key), mimetype=item.content_type, max_age=3600)


@bp.route("/status")
def status():
    """Service status: one storefront read by primary key, a tiny page (the benchmarks' floor)."""
    return render_template("status.html", etalase=services.get_etalase("produk-unggulan"))

"""Pages: the public catalog (storefronts, search, listing detail, photos)."""
from flask import Blueprint, current_app, render_template, request, send_file, url_for
from markupsafe import Markup
from flask_login import current_user

from app.auth import roles
from app.common import uploads, versions
from app.common.errors import Invalid
from app.suppliers.models import KECAMATAN, SCALES

from . import search_cache, services
from .schemas import SORTS, ListingQuerySchema

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

    The catalog part of the page depends only on the validated query and the catalog,
    so it is rendered once per query and catalog version (see ``search_cache``):
    parameters the query does not know are dropped, before the key is made. A date
    filter, which depends on bookings, and a query with errors are rendered each time.
    """
    params = {k: v for k, v in request.args.items() if v != ""}
    scope = {"per_page": 24, **({"etalase": etalase_code} if etalase_code else {})}
    try:
        values = services.search_query({**params, **scope})
    except Invalid as exc:
        title, content = _render_catalog(etalase_code, services.search_query(scope), params, exc.details)
    else:
        shown = _shown(values)
        if values["available_from"]:
            title, content = _render_catalog(etalase_code, values, shown)
        else:
            title, content = versions.cached(search_cache.CATALOG, ("page", etalase_code, values),
                                             lambda: _render_catalog(etalase_code, values, shown))
    return render_template("etalase/search.html", title=title, content=Markup(content))


_DEFAULTS = {name: field.load_default for name, field in ListingQuerySchema().fields.items()}


def _shown(values: dict) -> dict:
    """A loaded query as the page's form and links show it: the values given, as text."""
    return {name: value.isoformat() if hasattr(value, "isoformat") else str(value)
            for name, value in values.items() if value != _DEFAULTS.get(name) and name not in ("per_page", "page")}


def _render_catalog(etalase_code: str | None, values: dict, args: dict, errors: dict | None = None) -> tuple[str, str]:
    """The catalog part of the page for loaded ``values``, its form filled with ``args``, and the page title."""
    current = services.get_etalase(etalase_code) if etalase_code else None
    page = services.find(values)

    def page_url(number: int) -> str:
        link = {k: v for k, v in args.items() if k != "page" and not (etalase_code and k == "etalase")}
        return url_for("etalase.search", etalase_code=etalase_code, page=number, **link)

    content = render_part(
        "etalase/_catalog.html", page=page, current=current, storefronts=services.storefronts(),
        args=args, errors=errors or {}, kecamatan=KECAMATAN, scales=SCALES,
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
    viewer = actor()
    listing = None

    def render() -> list[str]:
        nonlocal listing
        listing = services.get_listing(viewer, listing_id)
        return listing_parts(listing)

    if public is None:
        found = render()
    else:
        found = versions.cached(search_cache.STOREFRONTS, public.key, render, public.version,
                                keep_if=lambda _parts: listing is not None and public.shows(listing),
                                keyed=search_cache.LISTING_PAGE_KEYED)
    if listing is None and viewer is not None and viewer.role in roles.BUYERS:
        listing = services.get_listing(viewer, listing_id)
    return render_template("etalase/detail.html", listing=listing, **listing_page_parts(*found))


def listing_parts(listing) -> list[str]:
    """The title and the listing's own parts of its page, rendered (cacheable, JSON-serialisable)."""
    return [listing.name, render_part("etalase/_listing_top.html", listing=listing),
            render_part("etalase/_listing_bottom.html", listing=listing)]


def render_part(template: str, **context) -> str:
    """``template`` rendered from ``context`` alone, without the request's (no user, no session): a part
    of a page kept in the cache for everyone."""
    return current_app.jinja_env.get_template(template).render(context)


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

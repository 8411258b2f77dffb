"""Pages of buying: the cart and checkout, orders with their actions, the worklist, notifications.

Views are thin: they call ``orders``, ``budget`` and the catalog's services,
commit once, and on a refusal roll back and show its messages (see
``ServiceForm.submit_to``).
"""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth import roles
from app.auth.access import role_required
from app.common.errors import Invalid
from app.common.timeutil import today_wib, utcnow
from app.etalase import services as catalog
from app.etalase import views as catalog_pages
from app.extensions import db
from app.notifications import services as notifications

from . import actions, budget, cart, orders
from .forms import CartLineForm, CheckoutForm
from .state import OrderState
from .taxes import PPH_LABELS, percent

bp = Blueprint("procurement", __name__)
bp.add_app_template_global(OrderState.labels, "ORDER_STATUS")
bp.add_app_template_global(roles.LABELS, "ROLE_LABELS")
bp.add_app_template_global(actions.next_step)
bp.add_app_template_filter(percent, "persen")
buyers_only = role_required(*roles.BUYERS)

# ---------------------------------------------------------------- template helpers

@bp.app_template_global()
def order_box(listing) -> dict:
    """The order box of a listing page: the cart form and, for chosen dates, the free units per day.

    The form is the one just posted when adding failed, else filled from the
    query (``quantity``, ``start_date``, ``end_date``).
    """
    form = g.get("cart_form") or CartLineForm(formdata=None, data=request.args.to_dict())
    box = {"form": form, "days": None, "errors": {}}
    if listing.stock is None and form.start_date.data and form.end_date.data:
        try:
            box["days"] = catalog.availability(listing, {"start": form.start_date.data, "end": form.end_date.data})
        except Invalid as exc:
            box["errors"] = exc.details
    return box


@bp.app_template_global()
def waiting_for(order):
    """The step of an order that waits for the logged-in user (the action a worklist row names)."""
    return actions.waiting_for(order, current_user)


@bp.app_template_global()
def unread_notifications() -> int:
    """How many notifications the logged-in user has not read."""
    return notifications.unread_count(current_user)


@bp.app_template_global()
def cart_count() -> int:
    """How many lines the cart holds."""
    return cart.count()


# ---------------------------------------------------------------- cart and checkout

@bp.route("/keranjang/tambah/<int:listing_id>", methods=["POST"])
@buyers_only
def cart_add(listing_id):
    """Add a listing to the cart, or (button ``cek``) show the free units per day on the chosen dates."""
    listing = catalog.get_listing(current_user, listing_id)
    form = CartLineForm()
    if "cek" in request.form:
        return redirect(url_for("etalase.detail", listing_id=listing.id, _anchor="pesan", **form.query_args()))
    if form.submit_to(lambda: cart.add(listing, form.service_data())):
        flash(f"{listing.name} ditambahkan ke keranjang.", "success")
        return redirect(url_for("procurement.cart_page"))
    g.cart_form = form
    return catalog_pages.detail(listing_id), form.status


@bp.route("/keranjang")
@buyers_only
def cart_page():
    """The cart by future order (supplier, goods or services), with the checkout form."""
    return _cart_page(_checkout_form(formdata=None))


def _checkout_form(**kwargs) -> CheckoutForm:
    return CheckoutForm(budget_lines=budget.budget_lines_for(current_user, today_wib().year), **kwargs)


def _cart_groups() -> tuple[list, int]:
    """The cart's groups; lines whose listing left the catalog are dropped, and the user told so."""
    groups, dropped = cart.groups(current_user)
    if dropped:
        flash(f"{dropped} produk tidak lagi tayang di katalog dan dikeluarkan dari keranjang.", "warning")
    return groups, dropped


def _cart_page(form: CheckoutForm, status: int = 200):
    groups, _dropped = _cart_groups()
    form.renew_token()
    return render_template("procurement/cart.html", groups=groups, form=form), status


@bp.route("/keranjang/<line_id>/hapus", methods=["POST"])
@buyers_only
def cart_remove(line_id):
    """Take a line out of the cart."""
    cart.remove(line_id)
    flash("Baris dihapus dari keranjang.", "info")
    return redirect(url_for("procurement.cart_page"))


@bp.route("/keranjang/pesan", methods=["POST"])
@buyers_only
def checkout():
    """One order per group of the cart, all in one transaction: every order is created, or none."""
    groups, dropped = _cart_groups()
    if dropped:
        return redirect(url_for("procurement.cart_page"))
    if not groups:
        flash("Keranjang kosong.", "warning")
        return redirect(url_for("procurement.orders_page"))
    form = _checkout_form()

    def place() -> list:
        """Create each group's order; the form knows the group at hand, to show a refusal next to it."""
        placed = []
        for index, group in enumerate(groups):
            form.current_group = group
            order, _created = orders.create_order_once(current_user, form.order_data(group),
                                                       form.idempotency_key(index))
            placed.append(order)
        return placed

    placed = form.submit_to(place)
    if placed:
        cart.clear()
        flash(f"{len(placed)} Surat Pesanan dibuat: {', '.join(order.number for order in placed)}.", "success")
        return redirect(url_for("procurement.orders_page"))
    return _cart_page(form, form.status)


# ---------------------------------------------------------------- orders

@bp.route("/pesanan/tindakan")
@login_required
def worklist():
    """What waits for the user now, with its clock: the supplier's deadline, the days since BAST."""
    return render_template("procurement/worklist.html", orders=orders.worklist(current_user),
                           now=utcnow(), today=today_wib())


@bp.route("/pesanan")
@login_required
def orders_page():
    """The orders the user may see, filtered by status and year."""
    params = {key: request.args[key] for key in ("status", "year", "page") if request.args.get(key)}
    errors = {}
    try:
        page = orders.list_orders(current_user, params)
    except Invalid as exc:
        errors = exc.details
        page = orders.list_orders(current_user, {})

    def page_url(number: int) -> str:
        """The same filters on another page."""
        return url_for("procurement.orders_page", **{**params, "page": number})

    return render_template("procurement/orders.html", page=page, args=params, errors=errors, page_url=page_url)


@bp.route("/pesanan/<int:order_id>")
@login_required
def order_detail(order_id):
    """An order with its lines, amounts, history and the actions open to the user."""
    return _order_page(orders.get_order(current_user, order_id))


@bp.route("/pesanan/<int:order_id>/<action>", methods=["POST"])
@login_required
def order_action(order_id, action):
    """Take one manual action of the registry on an order, through its form."""
    declared = actions.MANUAL.get(action)
    if declared is None:
        abort(404)
    form = declared.form_for(orders.get_order(current_user, order_id))
    if form.submit_to(lambda: orders.perform(current_user, order_id, action, form.service_data())):
        flash(declared.done, "success")
        return redirect(url_for("procurement.order_detail", order_id=order_id))
    return _order_page(orders.get_order(current_user, order_id), form.status, posted=(action, form))


def _order_page(order, status: int = 200, posted=None):
    """The order page: its facts, the actions open to the user with their forms, its steps and the next one."""
    open_now = actions.open_to(order, current_user)
    forms = {action.name: action.form_for(order, formdata=None) for action in open_now}
    if posted is not None:
        forms[posted[0]] = posted[1]
    return render_template(
        "procurement/order.html", order=order, actions=open_now, forms=forms, facts=actions.facts(order),
        pph_labels=PPH_LABELS, past={action.name: action.past for action in actions.REGISTRY.values()},
        now=utcnow(), today=today_wib(),
    ), status


# ---------------------------------------------------------------- notifications

@bp.route("/notifikasi")
@login_required
def notifications_page():
    """The user's newest notifications."""
    return render_template("procurement/notifications.html", items=notifications.unread_for(current_user))


@bp.route("/notifikasi/baca", methods=["POST"])
@login_required
def notifications_read():
    """Mark every notification of the user as read."""
    notifications.mark_all_read(current_user)
    db.session.commit()
    flash("Semua notifikasi ditandai sudah dibaca.", "info")
    return redirect(url_for("procurement.notifications_page"))

"""Pages: the catalog manager's administration (suppliers, curation, SKPD, budget lines, users, categories)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import roles
from app.auth import services as accounts
from app.auth.access import deny_unless
from app.common.forms import Action, ReasonForm, action_forms
from app.common.timeutil import today_wib
from app.etalase import services as catalog
from app.etalase.forms import CategoryForm
from app.etalase.state import ListingState
from app.etalase.views import listing_page_parts, listing_parts
from app.procurement import budget
from app.suppliers import services as suppliers
from app.suppliers.state import SupplierState
from app.suppliers.views import document_file

from .forms import BudgetLineForm, SkpdForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

SUPPLIER_ACTIONS = {
    "verify": Action("Verifikasi", "Penyedia terverifikasi; produknya kini dapat dikurasi."),
    "reject": Action("Tolak", "Pendaftaran ditolak; penyedia dapat memperbaiki profil dan mengajukan ulang.",
                     reason=True, danger=True),
    "suspend": Action("Bekukan", "Penyedia dibekukan; produknya tidak tampil di katalog.", reason=True, danger=True),
    "reinstate": Action("Pulihkan", "Penyedia dipulihkan; produknya yang tayang kembali tampil."),
}
LISTING_ACTIONS = {
    "approve": Action("Setujui dan tayangkan", "Produk disetujui dan tayang di katalog."),
    "return": Action("Kembalikan ke penyedia", "Produk dikembalikan ke penyedia sebagai draf.", reason=True),
    "freeze": Action("Bekukan", "Produk dibekukan dan tidak tampil di katalog.", reason=True, danger=True),
}
ALL_STATUSES = "semua"


@bp.before_request
def _admin_only():
    """Every page here belongs to the catalog manager."""
    return deny_unless(roles.ADMIN)


def _choices(items, label, blank: str | None = None) -> list[tuple[str, str]]:
    """Select-box choices (id as text) for model objects, with an optional blank first choice."""
    choices = [("", blank)] if blank else []
    return choices + [(str(item.id), label(item)) for item in items]


@bp.route("/")
def dashboard():
    """The admin's overview: suppliers waiting for verification, listings waiting for curation."""
    return render_template(
        "admin/dashboard.html", pending=suppliers.list_suppliers("pending"), queue=catalog.curation_queue(),
    )


@bp.route("/penyedia")
def supplier_list():
    """Suppliers by status; the pending ones (the verification queue) first."""
    status = request.args.get("status", "pending")
    if status not in SupplierState.labels:
        status = ALL_STATUSES
    return render_template(
        "admin/suppliers.html", status=status, all_statuses=ALL_STATUSES,
        suppliers=suppliers.list_suppliers(None if status == ALL_STATUSES else status),
    )


@bp.route("/penyedia/<int:supplier_id>")
def supplier(supplier_id):
    """A supplier with its documents, listings and the status changes open to it."""
    return _supplier_page(suppliers.get_supplier(current_user, supplier_id), 200)


@bp.route("/penyedia/<int:supplier_id>/<any(verify, reject, suspend, reinstate):action>", methods=["POST"])
def supplier_action(supplier_id, action):
    """Verify, reject (with a reason), suspend or reinstate a supplier."""
    supplier = suppliers.get_supplier(current_user, supplier_id)
    operation = getattr(suppliers, action)
    form = ReasonForm()
    if SUPPLIER_ACTIONS[action].reason:
        done = form.submit_to(lambda: operation(current_user, supplier, form.service_data()))
    else:
        done = form.submit_to(lambda: operation(current_user, supplier))
    if done:
        flash(SUPPLIER_ACTIONS[action].done, "success")
        return redirect(url_for("admin.supplier", supplier_id=supplier.id))
    return _supplier_page(supplier, form.status, posted=(action, form))


def _supplier_page(supplier, status: int, posted=None):
    return render_template(
        "admin/supplier.html", supplier=supplier, listings=catalog.listings_of_supplier(supplier.id),
        actions=SupplierState.allowed_actions(supplier, roles.ADMIN),
        action_forms=action_forms(SUPPLIER_ACTIONS, posted), action_info=SUPPLIER_ACTIONS,
    ), status


@bp.route("/penyedia/<int:supplier_id>/dokumen/<int:document_id>")
def supplier_document(supplier_id, document_id):
    """A supplier's NIB or NPWP scan, served from outside the web root."""
    supplier = suppliers.get_supplier(current_user, supplier_id)
    return document_file(suppliers.get_document(current_user, supplier, document_id))


@bp.route("/kurasi")
def curation():
    """Listings submitted for curation, oldest first."""
    return render_template("admin/curation.html", listings=catalog.curation_queue())


@bp.route("/produk/<int:listing_id>")
def listing(listing_id):
    """A listing as buyers would see it, with the curation actions open to it."""
    return _listing_page(catalog.get_listing(current_user, listing_id), 200)


@bp.route("/produk/<int:listing_id>/<any(approve, return, freeze):action>", methods=["POST"])
def listing_action(listing_id, action):
    """Approve a listing, return it to its supplier, or freeze it (with a reason)."""
    listing = catalog.get_listing(current_user, listing_id)
    form = ReasonForm()
    if form.submit_to(lambda: catalog.change_status(current_user, listing, action, form.service_data())):
        flash(LISTING_ACTIONS[action].done, "success")
        if action == "freeze":
            return redirect(url_for("admin.listing", listing_id=listing.id))
        return redirect(url_for("admin.curation"))
    return _listing_page(listing, form.status, posted=(action, form))


def _listing_page(listing, status: int, posted=None):
    return render_template(
        "admin/listing.html", listing=listing, **listing_page_parts(*listing_parts(listing)),
        actions=ListingState.allowed_actions(listing, roles.ADMIN),
        action_forms=action_forms(LISTING_ACTIONS, posted), action_info=LISTING_ACTIONS,
    ), status


@bp.route("/skpd", methods=["GET", "POST"])
def skpd():
    """The SKPD, and a form to add one."""
    form = SkpdForm()
    created = form.submit_to(lambda: budget.create_skpd(current_user, form.service_data()))
    if created:
        flash(f"SKPD {created.code} ditambahkan.", "success")
        return redirect(url_for("admin.skpd"))
    return render_template("admin/skpd.html", form=form, skpd_list=budget.list_skpd()), form.status


@bp.route("/anggaran", methods=["GET", "POST"])
def budget_lines():
    """Budget lines (DPA) of one fiscal year, and a form to add one."""
    year = request.args.get("tahun", type=int) or today_wib().year
    skpd_list = budget.list_skpd()
    form = BudgetLineForm(year=str(year))
    form.skpd_id.choices = _choices(skpd_list, lambda s: f"{s.code} — {s.name}", blank="— pilih SKPD —")
    created = form.submit_to(lambda: budget.create_budget_line(current_user, form.service_data()))
    if created:
        flash(f"Mata anggaran {created.code} ditambahkan.", "success")
        return redirect(url_for("admin.budget_lines", tahun=created.year))
    return render_template(
        "admin/budget_lines.html", form=form, year=year, has_skpd=bool(skpd_list),
        lines=budget.budget_lines_for(current_user, year),
    ), form.status


@bp.route("/pengguna", methods=["GET", "POST"])
def users():
    """User accounts (optionally of one role), and a form to add one."""
    role = request.args.get("peran")
    if role not in roles.LABELS:
        role = None
    form = UserForm()
    form.skpd_id.choices = _choices(budget.list_skpd(), lambda s: f"{s.code} — {s.name}", blank="—")
    form.supplier_id.choices = _choices(suppliers.list_suppliers(), lambda s: s.business_name, blank="—")
    created = form.submit_to(lambda: accounts.create_user(current_user, form.service_data()))
    if created:
        flash(f"Pengguna {created.username} ({roles.LABELS[created.role]}) ditambahkan.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/users.html", form=form, role=role, users=accounts.list_users(role)), form.status


@bp.route("/kategori", methods=["GET", "POST"])
def categories():
    """The storefronts' categories, and a form to add one."""
    storefronts = catalog.storefronts()
    form = CategoryForm()
    form.etalase.choices = [(e.code, e.name) for e in storefronts]
    created = form.submit_to(lambda: catalog.create_category(current_user, form.service_data()))
    if created:
        flash(f"Kategori {created.name} ditambahkan.", "success")
        return redirect(url_for("admin.categories"))
    return render_template("admin/categories.html", form=form, storefronts=storefronts), form.status

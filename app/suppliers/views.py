"""Pages: supplier registration and the supplier's own workspace (status, documents, profile, listings)."""
from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.auth import roles, sessions
from app.auth.access import role_required
from app.common import uploads
from app.common.forms import Action, ReasonForm, action_forms
from app.etalase import services as catalog
from app.etalase.forms import ListingForm, PhotoForm
from app.etalase.state import ListingState
from app.extensions import db

from . import services
from .forms import DocumentForm, SupplierProfileForm, SupplierRegistrationForm
from .models import DOCUMENT_KINDS

bp = Blueprint("suppliers", __name__, url_prefix="/penyedia")
supplier_only = role_required(roles.SUPPLIER)

LISTING_ACTIONS = {
    "submit": Action("Ajukan untuk kurasi", "Produk diajukan; admin BPBJ akan mengkurasinya."),
    "deactivate": Action("Turunkan dari katalog", "Produk diturunkan dari katalog.", danger=True),
}


@bp.route("/daftar", methods=["GET", "POST"])
def register():
    """Self-registration of a business with its NIB and NPWP scans."""
    form = SupplierRegistrationForm()
    documents = {kind: request.files.get(f"{kind}_document") for kind in DOCUMENT_KINDS}
    supplier = form.submit_to(lambda: services.register(form.service_data(), documents))
    if supplier:
        sessions.begin(supplier_user(supplier))
        flash("Pendaftaran diterima. Admin BPBJ akan memverifikasi data dan dokumen Anda.", "success")
        return redirect(url_for("suppliers.dashboard"))
    return render_template("suppliers/register.html", form=form), form.status


def supplier_user(supplier):
    """The first user of a supplier."""
    from app.auth.models import User

    return db.session.scalar(db.select(User).where(User.supplier_id == supplier.id).order_by(User.id))


def document_file(document):
    """Send a supplier's document from outside the web root, kept out of every cache."""
    path = uploads.path_of(document.storage_key)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=document.content_type, download_name=document.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/beranda")
@supplier_only
def dashboard():
    """The supplier's workspace: its status, its documents and a summary of its listings."""
    return _dashboard(DocumentForm(formdata=None))


def _dashboard(document_form, status: int = 200):
    listings = catalog.listings_of_supplier(current_user.supplier_id)
    return render_template(
        "suppliers/dashboard.html", supplier=current_user.supplier, document_form=document_form,
        listing_counts=Counter(listing.status for listing in listings), listing_total=len(listings),
    ), status


@bp.route("/dokumen", methods=["POST"])
@supplier_only
def upload_document():
    """Upload or replace the NIB or NPWP scan."""
    form = DocumentForm()
    document = form.submit_to(
        lambda: services.upload_document(current_user, current_user.supplier, form.kind.data, form.file.data)
    )
    if document:
        flash(f"{DOCUMENT_KINDS[document.kind]} tersimpan.", "success")
        return redirect(url_for("suppliers.dashboard"))
    return _dashboard(form, form.status)


@bp.route("/dokumen/<int:document_id>")
@supplier_only
def document(document_id):
    """One of the supplier's own documents."""
    return document_file(services.get_document(current_user, current_user.supplier, document_id))


@bp.route("/profil", methods=["GET", "POST"])
@supplier_only
def profile():
    """Edit the business profile; a rejected supplier resubmits for verification this way."""
    supplier = current_user.supplier
    resubmitting = supplier.status == "rejected"
    form = SupplierProfileForm.of(supplier)
    if form.submit_to(lambda: services.update_profile(current_user, supplier, form.service_data())):
        flash("Profil diperbarui dan diajukan kembali untuk verifikasi." if resubmitting
              else "Profil diperbarui.", "success")
        return redirect(url_for("suppliers.dashboard"))
    return render_template("suppliers/profile.html", form=form, supplier=supplier), form.status


@bp.route("/produk")
@supplier_only
def listings():
    """The supplier's own listings with their status."""
    return render_template(
        "suppliers/listings.html", supplier=current_user.supplier,
        listings=catalog.listings_of_supplier(current_user.supplier_id),
    )


@bp.route("/produk/baru")
@supplier_only
def choose_etalase():
    """First step of a new listing: the storefront, which decides the price basis and capacity."""
    return render_template("suppliers/choose_etalase.html", storefronts=catalog.storefronts())


@bp.route("/produk/baru/<etalase_code>", methods=["GET", "POST"])
@supplier_only
def new_listing(etalase_code):
    """A new listing in a storefront, saved as a draft."""
    etalase = catalog.get_etalase(etalase_code)
    form = ListingForm.for_etalase(etalase)
    listing = form.submit_to(
        lambda: catalog.create_listing(current_user, {**form.service_data(), "etalase": etalase.code})
    )
    if listing:
        flash("Produk tersimpan sebagai draf. Tambahkan foto, lalu ajukan untuk kurasi.", "success")
        return redirect(url_for("suppliers.edit_listing", listing_id=listing.id))
    return render_template("suppliers/listing.html", form=form, etalase=etalase, listing=None), form.status


@bp.route("/produk/<int:listing_id>", methods=["GET", "POST"])
@supplier_only
def edit_listing(listing_id):
    """Edit an own listing; every price change is kept in its history."""
    listing = catalog.get_own_listing(current_user, listing_id)
    form = ListingForm.for_etalase(listing.etalase, listing)
    if form.submit_to(lambda: catalog.update_listing(current_user, listing, form.service_data())):
        flash("Perubahan produk tersimpan.", "success")
        return redirect(url_for("suppliers.edit_listing", listing_id=listing.id))
    return _listing_page(listing, form.status, form=form)


@bp.route("/produk/<int:listing_id>/foto", methods=["POST"])
@supplier_only
def add_photo(listing_id):
    """Add a photo to an own listing."""
    listing = catalog.get_own_listing(current_user, listing_id)
    form = PhotoForm()
    if form.submit_to(lambda: catalog.add_photo(current_user, listing, form.photo.data)):
        flash("Foto ditambahkan.", "success")
        return redirect(url_for("suppliers.edit_listing", listing_id=listing.id))
    return _listing_page(listing, form.status, photo_form=form)


@bp.route("/produk/<int:listing_id>/<any(submit, deactivate):action>", methods=["POST"])
@supplier_only
def listing_action(listing_id, action):
    """Submit an own listing for curation, or take it off the catalog."""
    listing = catalog.get_own_listing(current_user, listing_id)
    form = ReasonForm()
    if form.submit_to(lambda: catalog.change_status(current_user, listing, action)):
        flash(LISTING_ACTIONS[action].done, "success")
        return redirect(url_for("suppliers.listings"))
    return _listing_page(listing, form.status, posted=(action, form))


def _listing_page(listing, status: int, form=None, photo_form=None, posted=None):
    """The listing's management page; the form just posted keeps its input and messages."""
    return render_template(
        "suppliers/listing.html", listing=listing, etalase=listing.etalase,
        form=form or ListingForm.for_etalase(listing.etalase, listing, formdata=None),
        photo_form=photo_form or PhotoForm(formdata=None),
        actions=ListingState.allowed_actions(listing, roles.SUPPLIER),
        action_forms=action_forms(LISTING_ACTIONS, posted), action_info=LISTING_ACTIONS,
    ), status

"""Pages: the supplier's XLSX listing import (template download, upload, every bad row listed)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

import reports.xlsx
from app.auth import roles
from app.auth.access import role_required
from app.common.downloads import XLSX, send_bytes
from app.common.errors import ServiceError
from app.common.forms import CSRF_MESSAGE
from app.extensions import db

from . import imports

bp = Blueprint("listing_import", __name__, url_prefix="/penyedia/impor-produk")
supplier_only = role_required(roles.SUPPLIER)


class ImportForm(FlaskForm):
    """The upload: one XLSX file, with the CSRF token."""

    file = FileField("Berkas XLSX hasil template")


@bp.route("/")
@supplier_only
def page():
    """How the import works, the template to download and the upload form."""
    return render_template("etalase/impor.html", form=ImportForm(formdata=None), errors={})


@bp.route("/template.xlsx")
@supplier_only
def template():
    """The template, with the supplier's listings and the storefronts' categories."""
    return send_bytes(reports.xlsx.listing_template(imports.import_template(current_user)), XLSX,
                      "template-impor-produk.xlsx")


@bp.route("/", methods=["POST"])
@supplier_only
def upload():
    """Import every row, or show every bad row with its reason (nothing saved)."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("etalase/impor.html", form=form, errors={"file": [CSRF_MESSAGE]}), 400
    try:
        result = imports.import_listings(current_user, request.files.get("file"))
    except ServiceError as exc:
        db.session.rollback()
        return render_template("etalase/impor.html", form=form, errors=exc.details, message=exc.message), exc.status
    db.session.commit()
    flash(f"{len(result.created)} produk baru tersimpan sebagai draf dan {len(result.updated)} produk diperbarui.",
          "success")
    return redirect(url_for("listing_import.page"))

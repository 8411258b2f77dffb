"""Supplier operations: registration, documents, verification, scoped reading."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.auth import roles
from app.auth.models import User
from app.common import uploads
from app.common.errors import Conflict, Forbidden, Invalid, NotFound
from app.common.timeutil import utcnow
from app.common.validation import load
from app.extensions import db

from .models import Supplier, SupplierDocument
from .schemas import (
    DocumentUploadSchema,
    ReasonSchema,
    SupplierProfileSchema,
    SupplierRegistrationSchema,
)
from .state import SupplierState


IDENTIFIERS = ("nib", "npwp")


def _check_unique(values: dict, supplier_id: int | None = None) -> None:
    errors = {}
    if "username" in values and db.session.scalar(
        select(User.id).where(User.username == values["username"])
    ):
        errors["username"] = ["Nama pengguna sudah dipakai."]
    same_nib = db.session.scalar(select(Supplier.id).where(Supplier.nib == values["nib"]))
    if same_nib and same_nib != supplier_id:
        errors["nib"] = ["NIB sudah terdaftar."]
    if errors:
        raise Conflict("Data sudah terdaftar.", errors)


def _check_documents(documents: dict) -> dict:
    """Check every given document; return the checked files, or raise ``Invalid`` for all bad ones."""
    checked, errors = {}, {}
    for kind, file_storage in documents.items():
        try:
            checked[kind] = uploads.check_file(
                f"{kind}_document", file_storage, (uploads.PDF, uploads.JPEG, uploads.PNG),
                current_app.config["MAX_DOCUMENT_BYTES"],
            )
        except Invalid as exc:
            errors.update(exc.details)
    if errors:
        raise Invalid(errors)
    return checked


def register(data: dict, documents: dict | None = None) -> Supplier:
    """Register a business and its first user; the supplier starts ``pending``.

    ``documents`` maps ``nib``/``npwp`` to uploaded files (the web form sends
    them with the registration). Every field and file is checked before
    anything is saved, and all problems are reported together.
    """
    errors = {}
    try:
        values = load(SupplierRegistrationSchema(), data)
    except Invalid as exc:
        errors.update(exc.details)
    try:
        checked = _check_documents(documents or {})
    except Invalid as exc:
        errors.update(exc.details)
    if errors:
        raise Invalid(errors)
    _check_unique(values)
    username, password = values.pop("username"), values.pop("password")
    supplier = Supplier(status="pending", **values)
    db.session.add(supplier)
    db.session.flush()
    user = User(
        username=username,
        full_name=values["owner_name"],
        role=roles.SUPPLIER,
        supplier_id=supplier.id,
        email=values["email"],
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(user, "supplier.register", "supplier", supplier.id, {"nib": supplier.nib})
    for kind, file in checked.items():
        _store_document(user, supplier, kind, file)
    return supplier


def update_profile(actor: User, supplier: Supplier, data: dict) -> Supplier:
    """The supplier corrects its profile; a rejected supplier is resubmitted for verification."""
    _require_owner(actor, supplier)
    values = load(SupplierProfileSchema(), data)
    _check_unique(values, supplier.id)
    if supplier.status in ("verified", "suspended"):
        changed = [f for f in IDENTIFIERS if values[f] != getattr(supplier, f)]
        if changed:
            raise Conflict("NIB dan NPWP penyedia terverifikasi hanya dapat diubah melalui admin BPBJ.",
                           {f: ["Tidak dapat diubah setelah verifikasi."] for f in changed})
    for key, value in values.items():
        setattr(supplier, key, value)
    if supplier.status == "rejected":
        SupplierState.status_up(supplier, "resubmit", actor.role)
        supplier.status_reason = None
    record(actor, "supplier.update", "supplier", supplier.id, {"status": supplier.status})
    return supplier


def _require_owner(actor: User, supplier: Supplier) -> None:
    if actor.role != roles.SUPPLIER or actor.supplier_id != supplier.id:
        raise NotFound("Penyedia tidak ditemukan.")


def get_supplier(actor: User | None, supplier_id: int) -> Supplier:
    """A supplier the actor may see: its own, any for admin/finance, verified ones for others."""
    supplier = db.session.get(Supplier, supplier_id)
    if supplier is None or not can_see_full(actor, supplier) and supplier.status != "verified":
        raise NotFound("Penyedia tidak ditemukan.")
    return supplier


def can_see_full(actor: User | None, supplier: Supplier) -> bool:
    """Whether the actor sees the full record (identifiers, bank account, documents)."""
    if actor is None:
        return False
    return actor.role in (roles.ADMIN, roles.FINANCE) or (
        actor.role == roles.SUPPLIER and actor.supplier_id == supplier.id
    )


def list_suppliers(status: str | None = None) -> list[Supplier]:
    """Suppliers for the admin's verification queue, newest first."""
    query = select(Supplier).order_by(Supplier.created_at.desc(), Supplier.id.desc())
    if status:
        query = query.where(Supplier.status == status)
    return list(db.session.scalars(query))


def upload_document(actor: User, supplier: Supplier, kind: str, file_storage) -> SupplierDocument:
    """Store an NIB or NPWP scan after checking its content and size."""
    _require_owner(actor, supplier)
    kind = load(DocumentUploadSchema(), {"kind": kind})["kind"]
    checked = uploads.check_file(
        "file", file_storage, (uploads.PDF, uploads.JPEG, uploads.PNG),
        current_app.config["MAX_DOCUMENT_BYTES"],
    )
    return _store_document(actor, supplier, kind, checked)


def _store_document(actor: User, supplier: Supplier, kind: str, checked: uploads.CheckedFile) -> SupplierDocument:
    document = SupplierDocument(
        supplier=supplier,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        storage_key=uploads.store(checked, f"suppliers/{supplier.id}"),
    )
    db.session.add(document)
    db.session.flush()
    record(actor, "supplier.document", "supplier", supplier.id, {"kind": kind, "sha256": document.sha256})
    return document


def get_document(actor: User, supplier: Supplier, document_id: int) -> SupplierDocument:
    """A document of the supplier, for its owner and admins only."""
    if not can_see_full(actor, supplier):
        raise NotFound("Dokumen tidak ditemukan.")
    document = db.session.get(SupplierDocument, document_id)
    if document is None or document.supplier_id != supplier.id:
        raise NotFound("Dokumen tidak ditemukan.")
    return document


def verify(actor: User, supplier: Supplier) -> Supplier:
    """Admin verifies a pending supplier; both documents must be there."""
    SupplierState.check(supplier, "verify", actor.role)
    if not supplier.has_all_documents:
        raise Conflict("Dokumen NIB dan NPWP harus diunggah sebelum verifikasi.")
    return _move(actor, supplier, "verify", None)


def reject(actor: User, supplier: Supplier, data: dict) -> Supplier:
    """Admin rejects a pending supplier with a reason."""
    reason = load(ReasonSchema(), data)["reason"]
    return _move(actor, supplier, "reject", reason)


def suspend(actor: User, supplier: Supplier, data: dict | None = None) -> Supplier:
    """Admin suspends a verified supplier; its listings leave the catalog."""
    reason = (data or {}).get("reason") or None
    return _move(actor, supplier, "suspend", reason)


def reinstate(actor: User, supplier: Supplier) -> Supplier:
    """Admin lifts a suspension."""
    return _move(actor, supplier, "reinstate", None)


def _move(actor: User, supplier: Supplier, action: str, reason: str | None) -> Supplier:
    if actor.role != roles.ADMIN:
        raise Forbidden("Hanya admin katalog yang boleh melakukan ini.")
    previous = SupplierState.status_up(supplier, action, actor.role)
    supplier.status_reason = reason
    if supplier.status == "verified" and supplier.verified_at is None:
        supplier.verified_at = utcnow()
    record(
        actor, f"supplier.{action}", "supplier", supplier.id,
        {"from": previous, "to": supplier.status, "reason": reason},
    )
    return supplier



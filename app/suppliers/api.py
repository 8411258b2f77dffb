"""API: supplier registration, documents and verification."""
from flask import jsonify, request

from app.api.core import endpoint, json_body
from app.auth import roles
from app.extensions import db

from . import services
from .schemas import ReasonSchema, SupplierPublicSchema, SupplierRegistrationSchema, SupplierSchema


def dump_supplier(user, supplier) -> dict:
    """The full record for those who may see it, the public one for everybody else."""
    schema = SupplierSchema() if services.can_see_full(user, supplier) else SupplierPublicSchema()
    return schema.dump(supplier)


@endpoint("/suppliers", "POST", "Pendaftaran penyedia", body=SupplierRegistrationSchema,
          response=SupplierSchema, status=201, errors=(400, 409, 422))
def register_supplier(_user):
    """A business registers itself; it starts as ``pending``."""
    supplier = services.register(json_body())
    db.session.commit()
    return jsonify(SupplierSchema().dump(supplier)), 201


@endpoint("/suppliers/<int:supplier_id>", "GET", "Data penyedia", response=SupplierSchema, errors=(404,))
def get_supplier(user, supplier_id):
    """A supplier: full for itself, admins and finance; public fields for others."""
    return jsonify(dump_supplier(user, services.get_supplier(user, supplier_id)))


@endpoint("/suppliers/<int:supplier_id>/documents", "POST", "Unggah dokumen NIB/NPWP (PDF, JPEG, PNG, ≤ 5 MB)",
          roles=(roles.SUPPLIER,), multipart={"kind": "string", "file": "binary"},
          response={"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"},
                                                      "content_type": {"type": "string"}, "size": {"type": "integer"}}},
          status=201, errors=(401, 403, 404, 413, 422))
def upload_document(user, supplier_id):
    """The supplier uploads a scan of its NIB or NPWP."""
    supplier = services.get_supplier(user, supplier_id)
    document = services.upload_document(user, supplier, request.form.get("kind", ""), request.files.get("file"))
    db.session.commit()
    return jsonify({"id": document.id, "kind": document.kind,
                    "content_type": document.content_type, "size": document.size}), 201


def _supplier_action(action: str, summary: str, with_reason: bool = False):
    """Declare ``POST /suppliers/{id}/{action}`` for the admin."""

    def view(user, supplier_id):
        supplier = services.get_supplier(user, supplier_id)
        operation = getattr(services, action)
        if with_reason:
            operation(user, supplier, json_body())
        else:
            operation(user, supplier)
        db.session.commit()
        return jsonify(SupplierSchema().dump(supplier))

    view.__name__ = f"supplier_{action}"
    return endpoint(
        f"/suppliers/<int:supplier_id>/{action}", "POST", summary, roles=(roles.ADMIN,),
        body=ReasonSchema if with_reason else None, response=SupplierSchema,
        errors=(401, 403, 404, 409, 422),
    )(view)


_supplier_action("verify", "Verifikasi penyedia (kedua dokumen wajib ada)")
_supplier_action("reject", "Tolak pendaftaran dengan alasan", with_reason=True)
_supplier_action("suspend", "Bekukan penyedia", with_reason=False)
_supplier_action("reinstate", "Pulihkan penyedia yang dibekukan")

"""Marshmallow schemas of suppliers: registration input and the API's output."""
from marshmallow import Schema, fields, pre_load, validate

from app.auth.services import CredentialsSchema

from .models import KECAMATAN, LEGAL_FORMS, SCALES

_digits = validate.Regexp(r"^\d+$", error="Hanya angka.")


class SupplierProfileSchema(Schema):
    """The business fields of §2, shared by registration and profile edits."""

    business_name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    legal_form = fields.String(required=True, validate=validate.OneOf(list(LEGAL_FORMS)))
    nib = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{13}$", error="NIB harus 13 digit angka."),
    )
    npwp = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^(\d{15}|\d{16})$", error="NPWP harus 15 atau 16 digit angka (NIK 16 digit untuk perorangan)."
        ),
    )
    owner_name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    address = fields.String(required=True, validate=validate.Length(min=5, max=300))
    kelurahan = fields.String(required=True, validate=validate.Length(min=2, max=100))
    kecamatan = fields.String(required=True, validate=validate.OneOf(KECAMATAN, error="Pilih kecamatan: Batu, Bumiaji atau Junrejo."))
    phone = fields.String(
        required=True,
        validate=validate.Regexp(r"^(\+62|0)\d{8,13}$", error="Nomor telepon seperti 081234567890."),
    )
    email = fields.Email(required=True, validate=validate.Length(max=200),
                         error_messages={"invalid": "Alamat e-mail tidak sah."})
    kbli = fields.List(
        fields.String(validate=validate.Regexp(r"^\d{5}$", error="Kode KBLI harus 5 digit.")),
        required=True,
        validate=validate.Length(min=1, max=20, error="Isi 1–20 kode KBLI."),
    )
    scale = fields.String(required=True, validate=validate.OneOf(list(SCALES)))
    is_pkp = fields.Boolean(required=True)
    has_pp55 = fields.Boolean(required=True)
    bank_name = fields.String(required=True, validate=validate.Length(min=2, max=100))
    bank_account = fields.String(required=True, validate=[validate.Length(min=5, max=30), _digits])
    bank_account_holder = fields.String(required=True, validate=validate.Length(min=3, max=200))


class SupplierRegistrationSchema(SupplierProfileSchema, CredentialsSchema):
    """Self-registration: the business plus its first user account."""


class SupplierPublicSchema(Schema):
    """What anyone may read of a supplier."""

    id = fields.Integer()
    name = fields.Function(lambda supplier: supplier.business_name, dump_only=True)
    business_name = fields.String()
    legal_form = fields.String()
    kecamatan = fields.String()
    kelurahan = fields.String()
    scale = fields.String()
    status = fields.String()
    rating = fields.Float(allow_none=True)
    kbli = fields.List(fields.String())


class SupplierSchema(SupplierPublicSchema):
    """The full record, for the supplier itself, admins and finance."""

    nib = fields.String()
    npwp = fields.String()
    owner_name = fields.String()
    address = fields.String()
    phone = fields.String()
    email = fields.String()
    is_pkp = fields.Boolean()
    has_pp55 = fields.Boolean()
    bank_name = fields.String()
    bank_account = fields.String()
    bank_account_holder = fields.String()
    status_reason = fields.String(allow_none=True)
    documents = fields.Method("_documents")

    def _documents(self, supplier):
        return [
            {"id": d.id, "kind": d.kind, "content_type": d.content_type, "size": d.size}
            for d in supplier.documents
        ]


class ReasonSchema(Schema):
    """A reason, required for refusals."""

    reason = fields.String(
        required=True,
        validate=validate.Length(min=3, max=1000, error="Alasan wajib diisi, 3–1000 karakter."),
    )

    @pre_load
    def _strip(self, data, **_kwargs):
        """A reason of blanks is no reason."""
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": data["reason"].strip()}
        return data


class DocumentUploadSchema(Schema):
    """The ``kind`` field of a document upload."""

    kind = fields.String(required=True, validate=validate.OneOf(["nib", "npwp"]))

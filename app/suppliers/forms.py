"""Web forms of suppliers. Rules are checked by the service's schema; the form renders and carries CSRF."""
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField

from app.common.forms import ServiceForm

from .models import DOCUMENT_KINDS, KECAMATAN, LEGAL_FORMS, SCALES


class SupplierProfileForm(ServiceForm):
    """The business fields of PRODUCT.md §2."""

    business_name = StringField("Nama usaha")
    legal_form = SelectField("Bentuk usaha", choices=list(LEGAL_FORMS.items()))
    nib = StringField("NIB (13 digit)")
    npwp = StringField("NPWP (15/16 digit) atau NIK")
    owner_name = StringField("Nama pemilik")
    address = TextAreaField("Alamat")
    kelurahan = StringField("Kelurahan/Desa")
    kecamatan = SelectField("Kecamatan", choices=[(k, k) for k in KECAMATAN])
    phone = StringField("Nomor telepon/WA")
    email = StringField("E-mail")
    kbli = StringField("Kode KBLI (5 digit, pisahkan dengan koma)")
    scale = SelectField("Skala usaha", choices=list(SCALES.items()))
    is_pkp = BooleanField("Pengusaha Kena Pajak (memungut PPN)")
    has_pp55 = BooleanField("Memiliki surat keterangan PP 55/2022 (PPh final 0,5 %)")
    bank_name = StringField("Nama bank")
    bank_account = StringField("Nomor rekening")
    bank_account_holder = StringField("Nama pemilik rekening")

    @classmethod
    def of(cls, supplier) -> "SupplierProfileForm":
        """The form filled with a supplier's current profile (its KBLI codes as one line)."""
        form = cls(obj=supplier)
        if isinstance(form.kbli.data, list):
            form.kbli.data = ", ".join(form.kbli.data)
        return form

    def service_data(self) -> dict:
        """The form's values, with the KBLI codes as a list."""
        data = super().service_data()
        data["kbli"] = [code.strip() for code in (self.kbli.data or "").split(",") if code.strip()]
        return data


class SupplierRegistrationForm(SupplierProfileForm):
    """Registration: the business, its documents and the first login."""

    username = StringField("Nama pengguna untuk masuk")
    password = PasswordField("Kata sandi (minimal 8 karakter)")
    nib_document = FileField("Pindaian NIB (PDF/JPEG/PNG, maks. 5 MB)")
    npwp_document = FileField("Pindaian NPWP (PDF/JPEG/PNG, maks. 5 MB)")


class DocumentForm(ServiceForm):
    """Upload or replace one document."""

    kind = SelectField("Jenis dokumen", choices=list(DOCUMENT_KINDS.items()))
    file = FileField("Berkas (PDF/JPEG/PNG, maks. 5 MB)")

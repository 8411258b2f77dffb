"""Web forms of the catalog manager: SKPD, budget lines and users.

The rules are the services' schemas (``SkpdSchema``, ``BudgetLineSchema``,
``UserSchema``); the select boxes get their choices from the view.
"""
from wtforms import PasswordField, SelectField, StringField

from app.auth import roles
from app.common.forms import ServiceForm


class SkpdForm(ServiceForm):
    """A new SKPD."""

    code = StringField("Kode (huruf kapital, mis. DISPAR)")
    name = StringField("Nama SKPD")


class BudgetLineForm(ServiceForm):
    """A new budget line (DPA) of an SKPD."""

    integer_fields = ("skpd_id", "year", "ceiling")

    skpd_id = SelectField("SKPD", validate_choice=False)
    year = StringField("Tahun anggaran")
    code = StringField("Kode rekening (mis. 5.1.02.01.01.0024)")
    name = StringField("Uraian")
    ceiling = StringField("Pagu (Rp)")


class UserForm(ServiceForm):
    """A new user with a role, tied to an SKPD or a supplier where the role needs one."""

    integer_fields = ("skpd_id", "supplier_id")
    optional_fields = ("nip", "email")

    username = StringField("Nama pengguna")
    password = PasswordField("Kata sandi awal (minimal 8 karakter)")
    full_name = StringField("Nama lengkap")
    role = SelectField("Peran", choices=list(roles.LABELS.items()), validate_choice=False)
    skpd_id = SelectField("SKPD (untuk PP, PPK, bendahara)", validate_choice=False)
    supplier_id = SelectField("Penyedia (untuk peran penyedia)", validate_choice=False)
    nip = StringField("NIP (18 digit, boleh kosong)")
    email = StringField("E-mail (boleh kosong)")

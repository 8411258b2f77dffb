"""Loading input through marshmallow schemas, with the project's error type."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from .errors import Invalid


def _has_nul(value) -> bool:
    """Whether a NUL character is in a string anywhere inside ``value`` (walked without recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
    return False


def load(schema: Schema, data, **kwargs) -> dict:
    """Validate ``data`` with ``schema``; raise ``Invalid`` mapping each field to its messages.

    A NUL character is refused in every field: PostgreSQL cannot store it in text.
    """
    if isinstance(data, dict):
        bad = {str(key).replace("\x00", ""): ["Karakter NUL tidak diizinkan."]
               for key, value in data.items() if _has_nul(key) or _has_nul(value)}
        if bad:
            raise Invalid(bad)
    try:
        return schema.load(data if data is not None else {}, **kwargs)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise Invalid(messages) from None


MESSAGES = {
    fields.Field: {"required": "Wajib diisi.", "null": "Tidak boleh kosong.", "validator_failed": "Nilai tidak sah."},
    fields.String: {"invalid": "Harus berupa teks.", "invalid_utf8": "Teks harus UTF-8 yang sah."},
    fields.Number: {"invalid": "Harus berupa angka.", "too_large": "Angka terlalu besar."},
    fields.Integer: {"invalid": "Harus berupa bilangan bulat."},
    fields.Boolean: {"invalid": "Harus benar atau salah (true/false)."},
    fields.Date: {"invalid": "Tanggal tidak sah (format YYYY-MM-DD).", "format": "Tanggal tidak sah."},
    fields.DateTime: {"invalid": "Waktu tidak sah (ISO 8601).", "format": "Waktu tidak sah."},
    fields.List: {"invalid": "Harus berupa daftar."},
    fields.Nested: {"type": "Harus berupa objek."},
    fields.Email: {"invalid": "Alamat e-mail tidak sah."},
}
VALIDATOR_MESSAGES = {
    (validate.Length, "message_min"): "Paling sedikit {min} karakter/butir.",
    (validate.Length, "message_max"): "Paling banyak {max} karakter/butir.",
    (validate.Length, "message_all"): "Panjang harus {min}–{max}.",
    (validate.Length, "message_equal"): "Panjang harus {equal}.",
    (validate.Range, "message_min"): "Harus {min_op} {{min}}.",
    (validate.Range, "message_max"): "Harus {max_op} {{max}}.",
    (validate.Range, "message_all"): "Harus {min_op} {{min}} dan {max_op} {{max}}.",
    (validate.Range, "message_gte"): "lebih dari atau sama dengan",
    (validate.Range, "message_gt"): "lebih dari",
    (validate.Range, "message_lte"): "kurang dari atau sama dengan",
    (validate.Range, "message_lt"): "kurang dari",
    (validate.OneOf, "default_message"): "Harus salah satu dari: {choices}.",
    (validate.Regexp, "default_message"): "Format tidak sesuai.",
}


def use_indonesian_messages() -> None:
    """Make marshmallow's default validation messages Indonesian, for pages and the API alike."""
    for field_class, messages in MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    for (validator, attribute), message in VALIDATOR_MESSAGES.items():
        setattr(validator, attribute, message)
    Schema._default_error_messages = {**Schema._default_error_messages,
                                      "type": "Data harus berupa objek.", "unknown": "Kolom tidak dikenal."}


use_indonesian_messages()

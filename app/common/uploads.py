"""Uploaded files: checked by content and size, stored outside the web root."""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError

from .errors import Invalid

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia)\b")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_OBJSTM_LIMIT = 20 * 1024 * 1024


def _pdf_is_active(data: bytes) -> bool:
    """Whether a PDF names scripts or actions in its objects.

    Stream payloads (compressed page images) are skipped, so random bytes of a scan
    are not mistaken for a name; object streams, which hold objects themselves, are
    inflated and searched. Hex-escaped names (``/J#61vaScript``) are unescaped.
    """
    parts, position = [], 0
    for match in _PDF_STREAM.finditer(data):
        before = data[position:match.start()]
        parts.append(before)
        if b"/ObjStm" in before[-1024:]:
            try:
                parts.append(zlib.decompressobj().decompress(match.group(1), _OBJSTM_LIMIT))
            except zlib.error:
                return True  # objects that cannot be read cannot be trusted
        position = match.end()
    parts.append(data[position:])
    objects = b"\n".join(parts)
    unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), objects)
    return bool(_PDF_ACTIVE.search(objects) or _PDF_ACTIVE.search(unescaped))


@dataclass
class CheckedFile:
    """A file whose content has been checked."""

    data: bytes
    content_type: str
    original_name: str

    @property
    def sha256(self) -> str:
        """Hex digest of the content."""
        return hashlib.sha256(self.data).hexdigest()


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:] or _pdf_is_active(data):
            return None
        return PDF
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return JPEG if image.format == "JPEG" else PNG if image.format == "PNG" else None
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
            # a decompression bomb claims more pixels than any scan or photo has
            return None
    return None


def check_file(field: str, file_storage, allowed: tuple[str, ...], max_bytes: int) -> CheckedFile:
    """Read an uploaded file and check its real type and size, or raise ``Invalid`` for ``field``."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise Invalid({field: ["Berkas wajib diunggah."]})
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        limit_mb = max_bytes // (1024 * 1024)
        raise Invalid({field: [f"Ukuran berkas melebihi {limit_mb} MB."]})
    if not data:
        raise Invalid({field: ["Berkas kosong."]})
    content_type = _sniff(data)
    if content_type not in allowed:
        names = ", ".join(EXTENSIONS[t].upper() for t in allowed)
        raise Invalid({field: [f"Isi berkas bukan {names} yang sah."]})
    name = os.path.basename(file_storage.filename or "berkas")[:255]
    return CheckedFile(data=data, content_type=content_type, original_name=name)


def _root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store(checked: CheckedFile, folder: str) -> str:
    """Write the file under the upload folder; return its storage key."""
    key = f"{folder}/{secrets.token_hex(16)}.{EXTENSIONS[checked.content_type]}"
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(checked.data)
    return key


def path_of(key: str) -> Path:
    """The file system path of a storage key (for sending the file)."""
    return _root() / key

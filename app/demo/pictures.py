"""Pictures of the demo listings: a drawn image per listing in its category's colours and motif.

Each category (``data/pictures.json``) has two colours for a gradient and a motif:
shapes in a 100 × 100 box that Pillow draws above a band with the category and the
listing's name, in the font Pillow ships. The same name gives the same bytes.
"""
from __future__ import annotations

import io
import unicodedata
import zlib
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from .region import REGION_NAME, load

MOTIF = (250, 28, 300)  # left, top and size of the motif box, in pixels
BAND = 360  # where the text band starts
MARGIN = 40
NAME_SIZE, NAME_LINES = 46, 2
QUALITY = 82


def _spec() -> dict:
    return load("pictures")


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _scaled(values: list[float]) -> list[float]:
    left, top, size = MOTIF
    return [(left if n % 2 == 0 else top) + v * size / 100 for n, v in enumerate(values)]


def _draw_motif(draw: ImageDraw.ImageDraw, shapes: list[dict]) -> None:
    size = MOTIF[2]
    for shape in shapes:
        options = {key: shape[key] for key in ("fill", "outline", "start", "end") if key in shape}
        if "width" in shape:
            options["width"] = round(shape["width"] * size / 100)
        if "radius" in shape:
            options["radius"] = round(shape["radius"] * size / 100)
        getattr(draw, shape["shape"])(_scaled(shape.get("box") or shape["points"]), **options)


@cache
def _background(category: str) -> Image.Image:
    """The gradient, a few soft circles, the motif and the darker band of a category."""
    spec = _spec()
    style = spec["categories"].get(category, spec["default"])
    size = tuple(spec["size"])
    top, bottom = style["colours"]
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top),
                            Image.linear_gradient("L").resize(size)).convert("RGBA")
    overlay = Image.new("RGBA", size)
    shade = ImageDraw.Draw(overlay)
    seed = zlib.crc32(category.encode())
    for n in range(5):
        x, y, r = (seed >> (n * 3)) % size[0], (seed >> (n * 5)) % BAND, 60 + (seed >> n) % 90
        shade.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 28))
    shade.rectangle((0, BAND, size[0], size[1]), fill=(0, 0, 0, 96))
    image = Image.alpha_composite(image, overlay).convert("RGB")
    _draw_motif(ImageDraw.Draw(image), style["motif"])
    return image


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines = [""]
    for word in text.split():
        candidate = f"{lines[-1]} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not lines[-1]:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > NAME_LINES:
        lines = lines[:NAME_LINES]
        lines[-1] += " …"
    return lines


def picture(category: str, name: str) -> bytes:
    """A JPEG of the listing ``name`` in ``category`` (800 × 600 by default)."""
    image = _background(category).copy()
    draw = ImageDraw.Draw(image)
    width, height = image.size
    draw.text((MARGIN, BAND + 20), category.upper(), font=_font(24), fill="#f5f5f5")
    y = BAND + 58
    shown = unicodedata.normalize("NFKC", name)  # m² as m2: the font has no superscripts
    for line in _wrap(draw, shown, _font(NAME_SIZE), width - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=_font(NAME_SIZE), fill="#ffffff")
        y += NAME_SIZE + 10
    draw.text((MARGIN, height - 46), f"E-Lokal · {REGION_NAME}", font=_font(22), fill="#e0e0e0")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()

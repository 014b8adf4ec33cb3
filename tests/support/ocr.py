"""Images of Arabic text, for the OCR tests."""

from __future__ import annotations

import io

from models.study.export import ARABIC_FONT_FILE

OCR_LINES = ["اتفقت اليابان وكندا على بدء المحادثات رسميا.", "وقالت وزارة الخارجية إن الاتفاق مهم للمنطقة."]


def arabic_png(lines: list[str], size: int = 36) -> bytes:
    """Black Arabic text on white, right-aligned, rendered with the repo's Naskh font."""
    from PIL import Image, ImageDraw, ImageFont, features

    font = ImageFont.truetype(str(ARABIC_FONT_FILE), size)
    if not features.check("raqm"):  # no shaping engine in Pillow: shape and reorder by hand
        from arabic_reshaper import reshape
        from bidi.algorithm import get_display

        lines = [get_display(reshape(line)) for line in lines]
        direction = None
    else:
        direction = "rtl"
    width = max(int(font.getlength(line, direction=direction)) for line in lines) + 2 * size
    image = Image.new("L", (width, (2 * len(lines) + 1) * size), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text(
            (width - size, size // 2 + 2 * i * size),
            line,
            font=font,
            fill=0,
            direction=direction,
            anchor="ra",
        )
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()

"""Draws the app's icons (web/static/icons/) with Pillow: two waves, ebb and flow, in
the sand of the page on its sea colour (web/static/style.css). Run once when the
design changes: `.venv/bin/python deploy/draw_icons.py`; the PNGs are committed."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

SEA = (47, 111, 126, 255)  # --sea
SAND = (246, 241, 233, 255)  # --sand
ICONS = Path(__file__).resolve().parents[1] / "web" / "static" / "icons"
SCALE = 4  # drawn large, then scaled down: smooth edges without anti-aliasing support


def wave_points(size: int, middle: float, span: float, height: float,
                phase: float) -> list[tuple[float, float]]:
    left = (size - span) / 2
    return [(left + span * i / 400,
             middle + height * math.sin(phase + 2 * math.pi * 1.25 * i / 400))
            for i in range(401)]


def draw(size: int, safe: float, rounded: bool) -> Image.Image:
    """An icon of `size` px whose waves keep within the middle `safe` of it."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = big // 5 if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=SEA)
    span, height, width = big * safe * 0.72, big * safe * 0.07, max(2, int(big * safe * 0.075))
    for offset in (-0.12, 0.12):  # a round brush stamped along each wave
        for x, y in wave_points(big, big / 2 + big * safe * offset, span, height, 0.0):
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=SAND)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, 1.0, rounded=True).save(ICONS / f"icon-{size}.png", optimize=True)
        draw(size, 0.8, rounded=False).save(ICONS / f"maskable-{size}.png", optimize=True)
    draw(180, 0.85, rounded=False).convert("RGB").save(ICONS / "apple-touch-icon.png",
                                                       optimize=True)
    draw(32, 1.0, rounded=True).save(ICONS / "favicon-32.png", optimize=True)


if __name__ == "__main__":
    main()

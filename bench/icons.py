"""Draws the app icons once: the favicon's four squares, as PNGs for the web app manifest and
the home screen. Run it again only when the mark changes:

    .venv/bin/python bench/icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "fourfold/web/static/fourfold/icons"
BLUE = (0x01, 0x72, 0xAD, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
CLEAR = (0, 0, 0, 0)


def draw(size: int, *, mark: float, background: tuple[int, int, int, int]) -> Image.Image:
    """The four squares spanning ``mark`` of the icon's width, centred. Each square is .9 of
    half the mark, as in the favicon's 2-by-2 view box."""
    image = Image.new("RGBA", (size, size), background)
    pen = ImageDraw.Draw(image)
    span = size * mark
    origin = (size - span) / 2
    side = span * 0.45
    for column in (0, 1):
        for row in (0, 1):
            left = origin + column * span * 0.55
            top = origin + row * span * 0.55
            pen.rectangle(
                (round(left), round(top), round(left + side) - 1, round(top + side) - 1), fill=BLUE
            )
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    # "any" icons: the mark nearly fills them, on nothing.
    draw(192, mark=0.875, background=CLEAR).save(ICONS / "icon-192.png", optimize=True)
    draw(512, mark=0.875, background=CLEAR).save(ICONS / "icon-512.png", optimize=True)
    # A maskable icon may be cut to any shape inside the centre circle of 80 % of its width: the
    # mark's corners stay inside it (a square of side .8 / sqrt(2) = .566), on a full background.
    draw(512, mark=0.55, background=WHITE).save(ICONS / "maskable-512.png", optimize=True)
    # iOS fills transparency with black and rounds the corners itself.
    draw(180, mark=0.7, background=WHITE).save(ICONS / "apple-touch-icon.png", optimize=True)
    for path in sorted(ICONS.glob("*.png")):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()

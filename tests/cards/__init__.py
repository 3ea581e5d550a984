"""Quote cards and screenshots of posts drawn with Pillow, for the picture tests and bench/images.py.

Real fonts from PyPI packages (Roboto, Lato, Source Sans Pro, Caladea, Fjalla One) and Pillow's own
built-in font; plain, gradient and photo-like noisy backgrounds; a post as a phone screenshot shows
it; then turned a few degrees and saved as JPEG, as pictures are when people pass them on.
"""

from __future__ import annotations

import io
import random
import threading
from dataclasses import dataclass, replace
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont


def font_files() -> dict[str, str]:
    """Font name → TTF/OTF file, from the font packages installed with the test extra."""
    import font_caladea
    import font_fjallaone
    import font_lato
    import font_roboto
    import font_source_sans_pro

    return {
        "Roboto": font_roboto.Roboto,
        "Roboto Bold": font_roboto.RobotoBold,
        "Lato": font_lato.Lato,
        "Lato Italic": font_lato.LatoItalic,
        "Source Sans Pro": font_source_sans_pro.SourceSansPro,
        "Caladea": font_caladea.Caladea,
        "Caladea Italic": font_caladea.CaladeaItalic,
        "Fjalla One": str(font_fjallaone.FjallaOne),
        "Pillow": "",  # Pillow's built-in scalable font
    }


def font(name: str, size: int) -> Any:
    path = font_files()[name]
    return ImageFont.load_default(size) if not path else ImageFont.truetype(path, size)


@dataclass(frozen=True)
class CardStyle:
    """How a card looks: font and size, colours, background, quotation marks, and how it was passed on."""

    font: str = "Roboto"
    size: int = 44
    width: int = 1080
    height: int = 1080
    ink: tuple[int, int, int] = (255, 255, 255)
    paper: tuple[int, int, int] = (24, 38, 72)
    background: str = "plain"  # plain, gradient, photo
    marks: bool = True  # curly quotation marks around the words
    dash: str = "\u2014"  # before the name; "" for a bare name
    rotation: float = 0.0  # degrees
    jpeg: int | None = None  # JPEG quality, None for PNG


def wrap(text: str, face: Any, width: int) -> list[str]:
    """`text` in lines no wider than `width` pixels."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and face.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


def _background(style: CardStyle, rng: random.Random) -> Image.Image:
    size = (style.width, style.height)
    if style.background == "plain":
        return Image.new("RGB", size, style.paper)
    if style.background == "gradient":
        top = Image.new("RGB", size, style.paper)
        bottom = Image.new("RGB", size, tuple(min(255, c + 70) for c in style.paper))
        mask = Image.linear_gradient("L").resize(size)
        return Image.composite(bottom, top, mask)
    # A photo: blurred blobs of colour (sky, faces, buildings) with grain, as behind a politician's quote.
    small = Image.new("RGB", (24, 24))
    small.putdata([tuple(rng.randint(30, 220) for _ in range(3)) for _ in range(24 * 24)])
    photo = small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(18))
    grain = Image.frombytes("L", size, rng.randbytes(size[0] * size[1])).convert("RGB")  # seeded: the same card each run
    photo = Image.blend(photo, grain, 0.18)
    return Image.blend(photo, Image.new("RGB", size, (0, 0, 0)), 0.35)  # darkened, as cards do for white text


def quote_card(quote: str, speaker: str | None, style: CardStyle = CardStyle(), seed: int = 0) -> bytes:
    """A quote card: the words centred on the background, the name signed under them; encoded bytes."""
    rng = random.Random(seed)
    image = _background(style, rng)
    draw = ImageDraw.Draw(image)
    face = font(style.font, style.size)
    text = f"\u201c{quote}\u201d" if style.marks else quote
    lines = wrap(text, face, int(style.width * 0.8))
    line_height = int(style.size * 1.35)
    name_face = font(style.font, max(int(style.size * 0.75), 14))
    total = line_height * len(lines) + (int(style.size * 2) if speaker else 0)
    y = max((style.height - total) // 2, 10)
    stroke = 2 if style.background == "photo" else 0
    for line in lines:
        x = (style.width - face.getlength(line)) / 2
        draw.text((x, y), line, font=face, fill=style.ink, stroke_width=stroke, stroke_fill=(0, 0, 0))
        y += line_height
    if speaker:
        signed = f"{style.dash} {speaker}" if style.dash else speaker
        y += int(style.size * 0.6)
        x = (style.width - name_face.getlength(signed)) / 2
        draw.text((x, y), signed, font=name_face, fill=style.ink, stroke_width=stroke, stroke_fill=(0, 0, 0))
    return _passed_on(image, style)


def post_card(text: str, author: str, handle: str, *, dark: bool = False, font_name: str = "Roboto",
              rotation: float = 0.0, jpeg: int | None = None) -> bytes:
    """A screenshot of a social media post: avatar, display name and @handle, the post, its time and counts."""
    paper, ink, grey = ((21, 32, 43), (247, 249, 249), (139, 152, 165)) if dark else ((255, 255, 255), (15, 20, 25), (83, 100, 113))
    width = 1080
    body = font(font_name, 40)
    lines = wrap(text, body, width - 120)
    height = 330 + 56 * len(lines)
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    draw.ellipse((50, 40, 150, 140), fill=(29, 155, 240))
    draw.text((175, 52), author, font=font(font_name + " Bold" if font_name == "Roboto" else font_name, 36), fill=ink)
    draw.text((175, 98), f"@{handle}", font=font(font_name, 30), fill=grey)
    y = 175
    for line in lines:
        draw.text((60, y), line, font=body, fill=ink)
        y += 56
    draw.text((60, y + 25), "10:24 AM · May 19, 2025", font=font(font_name, 28), fill=grey)
    draw.line((60, y + 80, width - 60, y + 80), fill=grey, width=1)
    draw.text((60, y + 95), "1,204 Reposts   312 Quotes   5,318 Likes", font=font(font_name, 28), fill=grey)
    style = CardStyle(paper=paper, rotation=rotation, jpeg=jpeg)
    return _passed_on(image, style)


def _passed_on(image: Image.Image, style: CardStyle) -> bytes:
    """Turned by a few degrees and saved (JPEG at the style's quality, else PNG)."""
    if style.rotation:
        image = image.rotate(style.rotation, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=style.paper)
    out = io.BytesIO()
    if style.jpeg:
        image.save(out, "JPEG", quality=style.jpeg)
    else:
        image.save(out, "PNG")
    return out.getvalue()


PALETTES = [
    ((255, 255, 255), (24, 38, 72)),
    ((20, 20, 20), (245, 238, 220)),
    ((250, 220, 90), (40, 40, 40)),
    ((30, 30, 90), (200, 225, 245)),
    ((255, 255, 255), (150, 30, 40)),
]


def random_style(rng: random.Random) -> CardStyle:
    """A card style drawn at random among fonts, sizes, colours, backgrounds, angles and compressions."""
    ink, paper = rng.choice(PALETTES)
    background = rng.choice(["plain", "plain", "gradient", "photo"])
    if background == "photo":
        ink = (255, 255, 255)
    return replace(
        CardStyle(),
        font=rng.choice(list(font_files())),
        size=rng.choice([34, 40, 48, 56, 64]),
        ink=ink,
        paper=paper,
        background=background,
        marks=rng.random() < 0.7,
        dash=rng.choice(["\u2014", "\u2014", "-", "~", ""]),
        rotation=rng.choice([0.0, 0.0, rng.uniform(-4, 4)]),
        jpeg=rng.choice([None, 85, 60, 40]),
    )


class GatedEngine:
    """The real OCR engine, held at a gate until the test opens it: a picture that takes as long as the
    test wants (the gate opens by itself after `wait` seconds)."""

    name = "gated"

    def __init__(self, wait: float = 60) -> None:
        from bot.imaging.engine import RapidOcrEngine

        self.inner = RapidOcrEngine()
        self.wait = wait
        self.gate = threading.Event()
        self.started = threading.Event()

    def read(self, image: Any) -> Any:
        self.started.set()
        self.gate.wait(self.wait)
        return self.inner.read(image)

"""Decoding an uploaded picture without letting it cost more than a picture should.

The byte size is checked before anything is read, the pixel size from the file's header before a
single pixel is decoded (a 30 KB PNG can claim 50,000 × 50,000 pixels: a decompression bomb), and
only the common still-image formats are opened. Large photos are decoded at a reduced scale where
the format allows it (JPEG), then shrunk: text recognition does not need more than `work_side`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from bot.config import LimitSettings
from bot.core.errors import QuotecheckError

MB = 1024 * 1024


class ImageError(QuotecheckError, ValueError):
    """A picture that cannot be read; the message is one plain line that is safe to show to the user."""


@dataclass(frozen=True)
class ImageLimits:
    """How big a picture may be (bytes, pixels, pixels a side) and the size it is read at."""

    max_bytes: int = 10 * MB
    max_pixels: int = 40_000_000
    max_side: int = 12_000
    work_side: int = 2000

    @classmethod
    def from_settings(cls, limits: LimitSettings) -> ImageLimits:
        """The limits of the `[limits]` section of the settings (`image_max_mb`, `image_max_megapixels`, `image_max_side`)."""
        return cls(max_bytes=int(limits.image_max_mb * MB), max_pixels=int(limits.image_max_megapixels * 1e6),
                   max_side=limits.image_max_side)


FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")


def check_size(size: int, limits: ImageLimits) -> None:
    """ImageError when a file of `size` bytes is over the limit (checked before it is downloaded or read)."""
    if size > limits.max_bytes:
        raise ImageError(f"The image is too large ({size / MB:.1f} MB; the limit is {limits.max_bytes / MB:.0f} MB).")
    if size == 0:
        raise ImageError("The image file is empty.")


def decode(data: bytes, limits: ImageLimits) -> Any:
    """The picture as an RGB Pillow image at most `work_side` pixels a side; ImageError when it is too big,
    not a picture, or damaged."""
    from PIL import Image, UnidentifiedImageError

    check_size(len(data), limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
            width, height = image.size
            if width <= 0 or height <= 0:
                raise ImageError("The image has no pixels.")
            if width > limits.max_side or height > limits.max_side or width * height > limits.max_pixels:
                raise ImageError(
                    f"The image is {width}×{height} pixels; the limit is {limits.max_pixels / 1e6:.0f} megapixels "
                    f"and {limits.max_side} pixels a side."
                )
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # an animation: its first frame
            image.draft("RGB", (limits.work_side, limits.work_side))  # JPEG: decode at a reduced scale
            image = _flatten(image)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard, from the header, for sizes far beyond ours.
        raise ImageError(f"The image has too many pixels; the limit is {limits.max_pixels / 1e6:.0f} megapixels.") from None
    except UnidentifiedImageError:
        raise ImageError("That file is not a picture I can read (PNG, JPEG, WebP, GIF or BMP).") from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, MemoryError):
        raise ImageError("The image file is damaged and could not be decoded.") from None
    if max(image.size) > limits.work_side:
        image.thumbnail((limits.work_side, limits.work_side))
    return image


def _flatten(image: Any) -> Any:
    """RGB pixels, with transparency laid on white (text on a transparent sticker stays readable)."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")

"""Decoding within limits: sizes checked before decoding, hostile and damaged files refused with one plain line."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.imaging.decode import MB, ImageError, ImageLimits, decode
from tests.imaging.conftest import png_claiming

LIMITS = ImageLimits()


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def refusal(data: bytes, limits: ImageLimits = LIMITS) -> str:
    with pytest.raises(ImageError) as caught:
        decode(data, limits)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200
    return message


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 200
    assert "too many pixels" in refusal(bomb)  # 2.5 gigapixels: refused from the header, nothing decoded


@pytest.mark.parametrize("size", [(12_001, 10), (8_000, 8_000), (30_000, 30_000)])
def test_too_many_pixels_or_too_long_a_side_is_refused(size):
    assert "pixels" in refusal(png_claiming(*size))


def test_too_many_bytes_is_refused_before_reading():
    assert "too large" in refusal(b"\x89PNG" + b"\x00" * (LIMITS.max_bytes + 1))


def test_a_damaged_file_says_so():
    whole = encoded(Image.new("RGB", (400, 300), (200, 30, 30)))
    assert "damaged" in refusal(whole[: len(whole) // 2])


@pytest.mark.parametrize("data", [b"just some text, not a picture", b"", b"%PDF-1.7\n" + b"0" * 100,
                                  encoded(Image.new("RGB", (20, 20)), "TIFF")])
def test_a_file_that_is_not_a_readable_picture_says_so(data):
    message = refusal(data)
    assert "not a picture" in message or "empty" in message


def test_a_large_photo_is_read_at_a_reduced_size():
    photo = encoded(Image.new("RGB", (4000, 3000), (120, 60, 30)), "JPEG", quality=80)
    image = decode(photo, LIMITS)
    assert max(image.size) <= LIMITS.work_side and image.mode == "RGB"


def test_transparency_is_laid_on_white_and_animations_give_their_first_frame():
    sticker = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    assert decode(encoded(sticker), LIMITS).getpixel((10, 10)) == (255, 255, 255)
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    assert decode(gif.getvalue(), LIMITS).getpixel((5, 5))[0] > 200


def test_the_limits_come_from_the_settings():
    from bot.config import LimitSettings
    from bot.imaging.reader import ImageReader

    tight = ImageLimits.from_settings(LimitSettings(image_max_mb=0.5, image_max_megapixels=0.5, image_max_side=900))
    assert "too large" in refusal(b"\x89PNG" + b"\x00" * (MB // 2 + 1), tight)
    assert "pixels" in refusal(png_claiming(1000, 100), tight)  # one side over 900
    assert "pixels" in refusal(png_claiming(800, 800), tight)  # 0.64 megapixels
    assert decode(encoded(Image.new("RGB", (700, 700))), tight).size == (700, 700)
    reader = ImageReader.from_settings(LimitSettings(image_seconds=7.0, images_in_flight=2))
    try:
        assert (reader.timeout, reader.max_pending) == (7.0, 2)
    finally:
        reader.close()

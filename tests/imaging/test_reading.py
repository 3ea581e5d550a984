"""Real pictures read by the real OCR engine: quote cards drawn with Pillow in several fonts, sizes,
colours and backgrounds, turned and JPEG-compressed, and a screenshot of a post. A handful only:
bench/images.py reads hundreds and measures the rates."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.core.normalize import match_text
from bot.imaging.decode import ImageError
from bot.imaging.reader import ImageReader
from tests.cards import CardStyle, GatedEngine, post_card, quote_card

EXCELLENT = "The tone and spirit of the conversation were excellent"
UKRAINE = "I asked him before his conversation with Putin not to make decisions about Ukraine without us"
SEED = Path(__file__).resolve().parents[2] / "corpus" / "000_41f3c08ac7623368.txt"

CARDS = [
    ("Roboto, white on navy, PNG", CardStyle(font="Roboto", size=48)),
    ("Caladea italic on a noisy photo, turned 3 degrees, JPEG 60",
     CardStyle(font="Caladea Italic", size=44, background="photo", rotation=3.0, jpeg=60)),
    ("Lato on a gradient, dark ink, plain hyphen, JPEG 40",
     CardStyle(font="Lato", size=56, ink=(20, 20, 20), paper=(245, 238, 220), background="gradient", dash="-", jpeg=40)),
    ("Pillow's built-in font, no quotation marks, bare name, turned -2 degrees",
     CardStyle(font="Pillow", size=40, marks=False, dash="", rotation=-2.0)),
    ("Fjalla One, large, yellow on grey", CardStyle(font="Fjalla One", size=64, ink=(250, 220, 90), paper=(40, 40, 40))),
]


@pytest.mark.parametrize("style", [style for _, style in CARDS], ids=[name for name, _ in CARDS])
def test_a_quote_card_gives_its_words_and_speaker(reader, style):
    read = reader.read(quote_card(UKRAINE, "Volodymyr Zelenskyy", style))
    assert len(read.claims) == 1, read
    quote, speaker = read.claims[0]
    assert match_text(quote) == match_text(UKRAINE), read.text
    assert speaker == "Volodymyr Zelenskyy"


def test_a_screenshot_of_a_post_gives_the_post_and_its_author(reader):
    read = reader.read(post_card(EXCELLENT + ".", "Donald J. Trump", "realDonaldTrump", dark=True, jpeg=70))
    assert [(match_text(q), s) for q, s in read.claims] == [(match_text(EXCELLENT), "Donald J. Trump")]
    assert "Likes" in read.text  # shown as read; left out of the quotation


def test_a_picture_without_text_gives_none(reader):
    blank = io.BytesIO()
    Image.new("RGB", (600, 400), (90, 140, 200)).save(blank, "PNG")
    read = reader.read(blank.getvalue())
    assert read.text == "" and read.claims == ()


def test_a_slow_picture_is_given_up_after_the_time_limit_and_others_are_told_to_wait():
    engine = GatedEngine(wait=30)
    slow = ImageReader(engine, timeout=0.3, max_pending=1)
    card = quote_card(EXCELLENT, "Donald Trump")
    try:
        with pytest.raises(ImageError, match="took too long"):
            slow.read(card)
        assert engine.started.wait(60)  # the picture given up is still being read (decoded, then held at the gate)
        with pytest.raises(ImageError, match="Too many pictures"):
            slow.read(card)  # the overrun picture still holds the only slot
        engine.gate.set()
        slow.timeout = 120
        read = None
        for _ in range(240):  # the slot comes free when the overrun read finishes
            try:
                read = slow.read(card)
                break
            except ImageError:
                time.sleep(0.25)
        assert read is not None
        assert match_text(read.claims[0][0]) == match_text(EXCELLENT)
    finally:
        engine.gate.set()
        slow.close()


@pytest.fixture
def seed_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    assert main(["ingest", str(SEED), "--db", url, "-q"]) == 0
    capsys.readouterr()
    return url


def test_check_image_shows_the_text_read_and_the_verdicts(seed_db, tmp_path, capsys):
    card = tmp_path / "card.jpg"
    card.write_bytes(quote_card(EXCELLENT + ".", "Donald Trump", CardStyle(font="Roboto Bold", jpeg=70)))
    assert main(["check", "--image", str(card), "--db", seed_db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Text read from the picture:\n> ")
    assert "given to Donald Trump" in out and "VERIFIED" in out
    assert main(["check", "--image", str(card), "--speaker", "Vladimir Putin", "--json", "--db", seed_db]) == 0
    import json

    shown = json.loads(capsys.readouterr().out)
    assert shown["image"] == str(card) and "excellent" in shown["text"]
    assert [r["verdict"] for r in shown["results"]] == ["misattributed"]  # the speaker given overrides the card


def test_check_image_refuses_hostile_files_with_one_line(seed_db, tmp_path, capsys):
    from tests.imaging.conftest import png_claiming

    cases = {
        "bomb.png": (png_claiming(50_000, 50_000), "too many pixels"),
        "broken.png": (quote_card(EXCELLENT, "Donald Trump")[:5000], "damaged"),
        "huge.jpg": (b"\xff\xd8" + bytes(11 * 1024 * 1024), "too large"),
        "notes.txt": (b"hello", "not a picture"),
    }
    for name, (data, why) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert main(["check", "--image", str(path), "--db", seed_db]) == 1, name
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and why in err and err.startswith("quotecheck: error: "), (name, err)
    assert main(["check", "--image", str(tmp_path / "missing.png"), "--db", seed_db]) == 2
    assert main(["check", "--image", str(tmp_path / "bomb.png"), "some quote", "--db", seed_db]) == 2


def test_the_console_checks_a_picture(seed_db, tmp_path):
    from bot.config import Settings
    from bot.console import run_console
    from bot.service import QuoteService
    from tests.imaging.conftest import png_claiming

    card = tmp_path / "card.png"
    card.write_bytes(quote_card(UKRAINE, "Volodymyr Zelenskyy", CardStyle(font="Source Sans Pro", size=40)))
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_claiming(50_000, 50_000))
    service = QuoteService.open(Settings(database_url=seed_db), progress=False)
    out = io.StringIO()
    try:
        lines = f"check --image {card}\ncheck --image {bomb}\ncheck --image {tmp_path / 'gone.png'}\n"
        assert run_console(service, stdin=io.StringIO(lines), stdout=out) == 0
    finally:
        service.close()
    shown = out.getvalue()
    assert "Text read from the picture:" in shown and "given to Volodymyr Zelenskyy" in shown and "VERIFIED" in shown
    assert "error: The image has too many pixels" in shown and "error: There is no file" in shown

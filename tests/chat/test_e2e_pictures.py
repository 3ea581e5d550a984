"""End to end: quote cards through /verify and the "Verify quotes" menu, with the real discord.py client,
the local Discord server serving the files, and the real OCR engine; hostile pictures get one plain line."""

from __future__ import annotations

import re

import pytest

from tests.cards import CardStyle, GatedEngine, quote_card
from tests.fakediscord import Attachment

pytestmark = pytest.mark.e2e

EXCELLENT = "The tone and spirit of the conversation were excellent."
UKRAINE = "I asked him before his conversation with Putin not to make decisions about Ukraine without us"
OCR_WAIT = 120.0  # seconds a test waits for an answer that needs the OCR engine (the model loads on first use)


@pytest.fixture(autouse=True)
def patient_reader(env):
    """The bot's reader with a time limit for a machine busy with other work (the limit itself is tested below)."""
    from bot.imaging.reader import ImageReader

    env.bot.image_reader = ImageReader(timeout=OCR_WAIT)
    yield
    env.bot.image_reader.close()


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def png(quote: str, speaker: str, **style: object) -> Attachment:
    return Attachment("card.png", quote_card(quote, speaker, CardStyle(**style)), "image/png")


def one_line_error(rec) -> str:
    assert rec.ephemeral, rec.reply
    text = rec.text()
    assert text.count("\n") == 0 and len(text) < 300, text
    return text


async def test_verify_reads_a_quote_card(env):
    fake = env.fake
    rec = await fake.slash("verify", {"image": png(EXCELLENT, "Donald Trump")}, timeout=OCR_WAIT)
    assert not rec.ephemeral, rec.text()
    content = rec.reply["content"]
    assert "Text read from card.png" in unescape(content)
    block = [line for line in content.splitlines() if line.startswith("> ")]
    assert "excellent" in unescape(" ".join(block))
    assert re.search(r"\\[.\-]", content)  # the text read is escaped (a full stop, a dash)
    embed = rec.reply["embeds"][0]
    assert embed["title"].startswith("✅ Verified"), embed
    assert "Donald Trump" in unescape(rec.text())
    assert fake.limit_violations() == [] and fake.pinged == []


async def test_verify_quotes_menu_reads_attachments_embeds_and_text(env):
    fake = env.fake
    preview = fake.host(Attachment("zelenskyy.png", quote_card(UKRAINE, "Volodymyr Zelenskyy", CardStyle(
        font="Caladea", background="photo", jpeg=70, rotation=2.0)), "image/jpeg"))
    message = fake.post_message(
        'Trump: "The tone and spirit of the conversation were terrible"',
        attachments=[Attachment("putin.png", quote_card(
            "is ready to work with the Ukrainian side on a memorandum on a possible future peace accord",
            "Vladimir Putin", CardStyle(font="Lato", ink=(20, 20, 20), paper=(245, 238, 220))), "image/png")],
        embeds=[{"type": "image", "url": preview, "thumbnail": {"url": preview, "proxy_url": preview, "width": 1080, "height": 1080}}],
    )
    rec = await fake.message_command("Verify quotes", message, timeout=OCR_WAIT)
    content = unescape(rec.reply["content"])
    assert "Checked 3 quotations" in content
    assert "Text read from putin.png" in content and "Text read from zelenskyy.png" in content
    titles = [e["title"] for e in rec.reply["embeds"]]
    assert titles[0].startswith("🟧 Altered")  # the typed words come first
    assert all(t.startswith("✅ Verified") for t in titles[1:]), titles
    assert fake.limit_violations() == [] and fake.pinged == []


async def test_hostile_pictures_get_one_plain_line_and_the_bot_keeps_answering(env):
    from tests.imaging.conftest import png_claiming

    fake = env.fake
    upload = await fake.slash("verify", {"image": Attachment("huge.png", b"\x89PNG" + bytes(50 * 1024 * 1024), "image/png")})
    assert "too large" in one_line_error(upload)
    assert fake.downloads == []  # refused from the size Discord declares, never downloaded
    bomb = await fake.slash("verify", {"image": Attachment("bomb.png", png_claiming(60_000, 60_000), "image/png")})
    assert "too many pixels" in one_line_error(bomb)
    broken = await fake.slash("verify", {"image": Attachment("broken.png", quote_card(EXCELLENT, "Donald Trump")[:3000], "image/png")})
    assert "damaged" in one_line_error(broken)
    text = await fake.slash("verify", {"image": Attachment("notes.png", b"plain words", "text/plain")})
    assert "not a picture" in one_line_error(text)
    both = await fake.slash("verify", {"quote": EXCELLENT, "image": png(EXCELLENT, "Donald Trump")})
    assert "either a quote or a picture" in one_line_error(both)
    nothing = await fake.slash("verify", {})
    assert "attach a picture" in one_line_error(nothing)
    ok = await fake.slash("verify", {"quote": EXCELLENT})
    assert ok.reply["embeds"][0]["title"].startswith("✅ Verified")
    assert fake.limit_violations() == [] and fake.pinged == []


async def test_a_picture_elsewhere_than_discord_is_not_fetched_and_a_blank_one_has_no_text(env):
    import io

    from PIL import Image

    fake = env.fake
    outside = fake.post_message("", embeds=[{"type": "image", "url": "https://example.invalid/card.png",
                                             "thumbnail": {"url": "https://example.invalid/card.png"}}])
    rec = await fake.message_command("Verify quotes", outside)
    assert "not hosted on Discord" in one_line_error(rec)
    blank = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 90, 160)).save(blank, "PNG")
    empty = await fake.slash("verify", {"image": Attachment("sky.png", blank.getvalue(), "image/png")}, timeout=OCR_WAIT)
    assert "no text found" in one_line_error(empty)


async def test_lookups_are_answered_while_a_picture_is_read_and_a_slow_one_is_given_up(env):
    from bot.imaging.reader import ImageReader

    fake = env.fake
    engine = GatedEngine()
    env.bot.image_reader.close()
    env.bot.image_reader = ImageReader(engine, timeout=60, max_pending=2)
    try:
        slow = await fake.slash("verify", {"image": png(EXCELLENT, "Donald Trump")}, wait=False)
        await fake.wait_until(engine.started.is_set, timeout=20)
        text = await fake.slash("verify", {"quote": EXCELLENT})  # answered while the picture is being read
        assert text.reply["embeds"][0]["title"].startswith("✅ Verified")
        assert not slow.complete
        engine.gate.set()
        await fake.wait_until(lambda: slow.complete, timeout=OCR_WAIT)
        assert slow.reply["embeds"][0]["title"].startswith("✅ Verified")

        engine.gate.clear()
        env.bot.image_reader.close()
        env.bot.image_reader = ImageReader(engine, timeout=0.5, max_pending=1)
        late = await fake.slash("verify", {"image": png(EXCELLENT, "Donald Trump")}, timeout=OCR_WAIT)
        assert "took too long" in one_line_error(late)
        busy = await fake.slash("verify", {"image": png(EXCELLENT, "Donald Trump")}, timeout=OCR_WAIT)
        assert "Too many pictures" in one_line_error(busy)
    finally:
        engine.gate.set()


async def test_an_embed_image_over_the_byte_limit_is_refused_at_download(env):
    fake = env.fake
    # A link preview's image comes with no size from Discord: the download itself checks it.
    url = fake.host(Attachment("poster.png", b"\x89PNG" + bytes(11 * 1024 * 1024), "image/png"))
    message = fake.post_message("", embeds=[{"type": "image", "url": url, "thumbnail": {"url": url, "proxy_url": url}}])
    rec = await fake.message_command("Verify quotes", message, timeout=OCR_WAIT)
    assert "too large" in one_line_error(rec)
    assert len(fake.downloads) == 1  # requested once; refused from the length the server sends

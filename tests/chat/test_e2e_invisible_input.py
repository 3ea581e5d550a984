"""End to end: text a moderator types into /corpus add and edit loses its invisible characters, as imports do.

Zero-width and bidi characters inside a name or a quote would make "Jane\u200bDoe" a different speaker and
could reorder what readers see; they carry no meaning, so the forms store the words without them."""

from __future__ import annotations

import re

import pytest

from tests.chat.test_e2e_corpus import own_statement

pytestmark = pytest.mark.e2e

ZWSP, RLO, PDF, SHY = "\u200b", "\u202e", "\u202c", "\u00ad"


async def test_add_form_drops_invisible_characters(env):
    fake = env.fake
    shown = await fake.slash("corpus add", member=fake.moderator)
    done = await fake.submit_modal(shown, {
        "Quote (exact words)": f"Our light{ZWSP}house will {RLO}shine{PDF} again before the winter",
        "Speaker": f"Harbour Master Jane{SHY} D{ZWSP}oe",
        "Source title and link": f"Town hall{ZWSP} minutes https://example.org/minutes",
        "Context (what was said around it)": f"At the {RLO}town{PDF} meeting.",
    })
    new_id = re.search(r"`([0-9a-z]+)`", done.text()).group(1)
    stored = env.service.get(new_id, int(fake.guild_id))
    assert stored.text == "Our lighthouse will shine again before the winter"
    assert stored.speaker == "Harbour Master Jane Doe"
    assert stored.context_before == "At the town meeting."
    assert stored.source.title == "Town hall minutes"
    check = await fake.slash("verify", {"quote": "Our lighthouse will shine again", "speaker": "Harbour Master Jane Doe"})
    assert check.reply["embeds"][0]["title"].startswith("✅ Verified")


async def test_edit_form_drops_invisible_characters(env):
    fake = env.fake
    own = own_statement(env)
    shown = await fake.slash("corpus edit", {"id": own}, member=fake.moderator)
    saved = await fake.submit_modal(shown, {"Speaker": f"Jane{ZWSP} Q.{RLO} Doe"})
    assert "Saved" in saved.text()
    assert env.service.get(own, int(fake.guild_id)).speaker == "Jane Q. Doe"

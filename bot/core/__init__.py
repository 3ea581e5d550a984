"""The pure core: normalisation, quote extraction, document parsing, the fuzzy index, verdicts, rendering.

Nothing in this package imports discord, sqlmodel, sqlalchemy, apscheduler or asyncio.
"""

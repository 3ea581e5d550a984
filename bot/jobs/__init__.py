"""Scheduled work: inbox and feed ingestion, the moderators' digest, backups and retention.

`start_scheduler` (in `startup.py`) is the one entry point the chat bot calls from its setup hook;
every job is also runnable once from the command line (`quotecheck jobs run NAME`).
"""

"""The Discord adapter: commands, views and embeds around the QuoteService (imports discord.py)."""

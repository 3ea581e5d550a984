"""Storage adapter: the corpus database (SQLite or PostgreSQL) behind `CorpusStore`."""

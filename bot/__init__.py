"""quotecheck: verify quotations against a corpus of verified statements."""

__version__ = "0.1.0"

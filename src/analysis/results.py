"""``analysis.results.load(sweep)``: a sweep's results table as a DataFrame (the analysts' entry point; the code
lives in :mod:`analysis.book.results`, this name stays stable above the layers, like the CLI)."""

from analysis.book.results import load

__all__ = ["load"]

"""Readers: one per source format (Eurostat TSV/SDMX/xlsx, ILO, crosswalks, annexes) and fetch."""

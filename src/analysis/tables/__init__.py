"""Tables: the processed-table registry, schemas and processing (data/raw -> data/processed)."""

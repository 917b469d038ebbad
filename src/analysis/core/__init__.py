"""Bottom layer: paths, atomic storage, number formatting, figure style, cache keys, codelists."""

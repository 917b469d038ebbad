"""Chapters: one module per notebook (parameters, tables read, computations, sentences)."""

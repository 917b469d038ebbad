"""Helper package of the Apply AI Evidence Book.

Logic lives here; notebooks load, call, plot and explain. Submodules by domain:
``config`` (paths), ``sources`` (registry and fetch), ``eurostat`` (bulk TSV / SDMX-CSV / xlsx readers),
``ilo`` (exposure scores), ``annexes`` (the strategy's annex tables), ``process`` (processed tables),
``params`` (notebook parameters), ``figures`` (house style), ``build`` (pipeline) and ``__main__`` (CLI).
"""

__version__ = "0.1.0"

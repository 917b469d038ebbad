"""Helper package of the Apply AI Evidence Book.

Logic lives here; notebooks load, call, plot and explain. Layers, importing downwards only (``.importlinter``):
``book`` (runs, execution, pages) → ``chapters`` (one module per notebook, ``params``, ``registry``) → ``tables``
(``process``: processed tables, schemas) → ``readers`` (one per source format; ``sources``: fetch) → ``core``
(``config``, ``storage``, ``fmt``, ``figures``, ``cache``, ``envlock``, ``codelists``); ``__main__`` is the CLI.
"""

__version__ = "0.1.0"

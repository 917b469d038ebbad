"""Book: runs, execution, cache keys of runs, pages, status (the CLI is analysis.__main__)."""

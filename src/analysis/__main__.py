"""Command line: ``python -m analysis fetch|process|run|sweep|params|render|pdf|build|toc``."""

from __future__ import annotations

import argparse
import errno
import sys
import time

from analysis.core import config


def _log(line: str) -> None:
    """Progress to stdout; a failed run's one-line summary (notebook, cell, error) to stderr."""
    print(line, file=sys.stderr if line.startswith("FAILED") else sys.stdout, flush=True)


def cmd_fetch(args) -> None:
    from analysis.readers.sources import fetch

    fetch(args.ids, strict=args.strict, update=args.update)


def cmd_process(args) -> None:
    from analysis.chapters import registry
    from analysis.tables.process import process

    registry.load_all()  # every chapter module's PROCESSED_TABLES
    process(args.tables or None, force=args.force)


def cmd_run(args) -> None:
    from analysis.book.build import (
        Run,
        execute_run,
        git_commit,
        load_book,
        prune_ad_hoc_downloads,
        run_all,
        run_id_for,
        tree_lock,
    )
    from analysis.chapters.params import ParameterError, coerce_cli, validate

    if not args.notebook:
        if args.p:
            raise ParameterError("-p needs a notebook: `python -m analysis run NOTEBOOK -p name value`; "
                                 "`run` alone runs book/runs.yml with its own parameters")
        with tree_lock():
            run_all(load_book().runs(), workers=args.workers, log=_log)
        return
    raw = {}
    for name, value in args.p or []:
        if name in raw:
            raise ParameterError(f"{args.notebook}: parameter {name} given twice; give each parameter once")
        raw[name] = coerce_cli(args.notebook, name, value)
    params = validate(args.notebook, raw)  # fails before any work
    run = Run(id=run_id_for(args.notebook, raw), notebook=args.notebook, parameters=params.model_dump())
    rec = execute_run(run, git_commit(), output_dir=config.build_dir() / "runs", adhoc=True)
    moved = prune_ad_hoc_downloads()  # ad hoc outputs never reach the published site
    where = next((m for m in moved if m.parent.name == run.id), config.build_dir() / "runs" / run.id / "downloads")
    rel = where.relative_to(config.project_root()) if where.is_relative_to(config.project_root()) else where
    print(f"wrote {rec['output']} ({rec['seconds']} s); figures and their data in {rel}/")
    if not args.no_page:
        from analysis.book.runpages import render_run

        try:
            print(f"page: {render_run(config.project_root() / rec['output'])}")
        except RuntimeError as exc:  # the executed notebook is written; say why its page is not
            print(f"page not written: {exc}", file=sys.stderr)


def cmd_sweep(args) -> int:
    from analysis.book import sweep

    grid = sweep.parse_grid(args.notebook, [tuple(p) for p in args.p or []])
    runs = sweep.plan(args.notebook, grid, yes=args.yes)  # every combination validated before any run
    print(f"sweep {args.name or sweep.default_name(args.notebook)}: {len(runs)} runs of {args.notebook}")
    result = sweep.run_sweep(args.notebook, runs, name=args.name, executor=args.executor, scheduler=args.scheduler,
                             workers=args.workers, pages=not args.no_pages)
    print(result.summary())
    for label, path in result.files.items():
        print(f"{label}: {path}")
    return 1 if result.failed else 0


def cmd_params(args) -> None:
    from analysis.book.paramdoc import describe

    print(describe(args.notebook))


def cmd_render(args) -> None:
    from analysis.book.build import render, tree_lock

    with tree_lock():
        render(force=args.force)


def cmd_pdf(args) -> None:
    from analysis.book.pdf import build_pdf

    build_pdf(force=args.force)


def cmd_toc(args) -> None:
    from analysis.book.build import write_toc

    print(f"wrote {write_toc()}")


def cmd_refresh(args) -> None:
    from analysis.book.build import refresh_notebook

    for name in args.notebooks:
        print(f"refreshed {refresh_notebook(name)}")


def cmd_build(args) -> None:
    from analysis.book.build import RunsFailed, load_book, render, run_all, tree_lock
    from analysis.chapters import registry
    from analysis.readers.sources import fetch
    from analysis.tables.process import process

    t0 = time.perf_counter()
    book = load_book()
    with tree_lock():
        fetch(strict=args.strict)
        registry.load_all()  # every chapter module's PROCESSED_TABLES
        process()
        try:
            run_all(book.runs(), workers=args.workers, log=_log)
        except RunsFailed:
            render()  # the site says which runs failed (banners, status page); the build still fails
            raise
        render()
        t_pdf = time.perf_counter()
        if not args.no_pdf:
            from analysis.book.pdf import build_pdf

            build_pdf()
    print(f"build finished in {time.perf_counter() - t0:.1f} s (PDF {time.perf_counter() - t_pdf:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fetch", help="fetch and verify raw files into data/raw/")
    p.add_argument("ids", nargs="*", help="source ids (default: all)")
    p.add_argument("--strict", action="store_true", help="refuse any file that is not the pinned one (CI)")
    p.add_argument("--update", action="store_true", help="pin a newly downloaded vintage in sources.yml")
    p.set_defaults(func=cmd_fetch)
    p = sub.add_parser("process", help="build data/processed/ tables")
    p.add_argument("tables", nargs="*")
    p.add_argument("--force", action="store_true", help="rebuild tables even when their inputs are unchanged")
    p.set_defaults(func=cmd_process)
    from analysis.chapters.params import notebooks

    names = ", ".join(notebooks())
    p = sub.add_parser("run", help="run all notebooks of book/runs.yml, or one notebook with -p name value",
                       epilog=f"notebooks: {names}. Their parameters: python -m analysis params [NOTEBOOK]")
    p.add_argument("notebook", nargs="?", help=f"one of: {names}")
    p.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-page", action="store_true", help="skip the readable HTML page of a single run")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("sweep", help="run one notebook over a grid of parameters; results in one table",
                       epilog="example: python -m analysis sweep sme_adoption_gap -p geo AT,BE -p year all. "
                              "Files in _build/sweeps/NAME/; parameters: python -m analysis params NOTEBOOK")
    p.add_argument("notebook", help=f"one of: {names}")
    p.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUES"),
                   help="comma-separated values, or `all` (every valid value)")
    p.add_argument("--name", help="sweep name (default: the notebook's)")
    p.add_argument("--executor", choices=["pool", "dask"], default="pool",
                   help="pool: local processes; dask: a dask.distributed LocalCluster (or --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a running dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, default=2, help="local processes or LocalCluster workers")
    p.add_argument("--yes", action="store_true", help="allow more than 10,000 runs")
    p.add_argument("--no-pages", action="store_true", help="skip the readable HTML pages of the runs")
    p.set_defaults(func=cmd_sweep)
    p = sub.add_parser("params", help="each notebook's parameters: type, default, valid values")
    p.add_argument("notebook", nargs="?", help=f"one of: {names} (default: all)")
    p.set_defaults(func=cmd_params)
    p = sub.add_parser("render", help="build the HTML with Jupyter Book (execution off)")
    p.add_argument("--force", action="store_true", help="render every page even when nothing changed")
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("pdf", help="write the PDF edition of the rendered book (_build/html/apply-ai-evidence.pdf)")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.set_defaults(func=cmd_pdf)
    p = sub.add_parser("toc", help="regenerate _toc.yml from book/runs.yml")
    p.set_defaults(func=cmd_toc)
    p = sub.add_parser("refresh", help="re-execute committed notebooks, keeping only headline outputs")
    p.add_argument("notebooks", nargs="+")
    p.set_defaults(func=cmd_refresh)
    p = sub.add_parser("build", help="fetch → process → run → render → PDF")
    p.add_argument("--strict", action="store_true")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF edition")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_build)
    args = parser.parse_args(argv)
    import os

    try:
        rc = args.func(args)
    except KeyboardInterrupt as exc:  # Ctrl-C: one line saying what was done and what was not
        if os.environ.get("ANALYSIS_DEBUG"):
            raise
        print(str(exc) or f"interrupted: `{args.command}` stopped; files already written are whole (atomic writes), "
              "the rest was not written", file=sys.stderr)
        return 130
    except Exception as exc:  # one clear message, non-zero exit; tracebacks with ANALYSIS_DEBUG=1
        if os.environ.get("ANALYSIS_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            print(f"error: disk full (no space left on device) while writing {exc.filename or 'a file'}; "
                  "free some space and run again (files already written are whole)", file=sys.stderr)
            return 1
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return rc or 0


if __name__ == "__main__":
    sys.exit(main())

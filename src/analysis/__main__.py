"""Command line: ``python -m analysis fetch|process|run|render|pdf|build|toc``."""

from __future__ import annotations

import argparse
import re
import sys
import time

from analysis import config


def _run_id(notebook: str, params: dict) -> str:
    if not params:
        return notebook
    text = "_".join(f"{k}-{v}" for k, v in params.items())
    return f"{notebook}__{re.sub(r'[^A-Za-z0-9_-]+', '-', text)[:80]}"


def cmd_fetch(args) -> None:
    from analysis.sources import fetch

    fetch(args.ids, strict=args.strict, update=args.update)


def cmd_process(args) -> None:
    from analysis.process import process

    process(args.tables or None, force=args.force)


def cmd_run(args) -> None:
    from analysis.build import Run, execute_run, git_commit, load_book, run_all
    from analysis.params import coerce_cli, validate

    if not args.notebook:
        run_all(load_book().runs(), workers=args.workers)
        return
    raw = {}
    for name, value in args.p or []:
        raw[name] = coerce_cli(args.notebook, name, value)
    params = validate(args.notebook, raw)  # fails before any work
    run = Run(id=_run_id(args.notebook, raw), notebook=args.notebook, parameters=params.model_dump())
    rec = execute_run(run, git_commit(), output_dir=config.build_dir() / "runs")
    print(f"wrote {rec['output']} ({rec['seconds']} s); figures and their data in "
          f"book/generated/site/downloads/{run.id}/")


def cmd_render(args) -> None:
    from analysis.build import render

    render()


def cmd_pdf(args) -> None:
    from analysis.pdf import build_pdf

    build_pdf(force=args.force)


def cmd_toc(args) -> None:
    from analysis.build import write_toc

    print(f"wrote {write_toc()}")


def cmd_refresh(args) -> None:
    from analysis.build import refresh_notebook

    for name in args.notebooks:
        print(f"refreshed {refresh_notebook(name)}")


def cmd_build(args) -> None:
    from analysis.build import load_book, render, run_all
    from analysis.process import process
    from analysis.sources import fetch

    t0 = time.perf_counter()
    book = load_book()
    fetch(strict=args.strict)
    process()
    run_all(book.runs(), workers=args.workers)
    render()
    t_pdf = time.perf_counter()
    if not args.no_pdf:
        from analysis.pdf import build_pdf

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
    p = sub.add_parser("run", help="run all notebooks of book/runs.yml, or one notebook with -p name value")
    p.add_argument("notebook", nargs="?")
    p.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"))
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("render", help="build the HTML with Jupyter Book (execution off)")
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
    try:
        args.func(args)
    except Exception as exc:  # one clear message, non-zero exit; tracebacks with ANALYSIS_DEBUG=1
        import os

        if os.environ.get("ANALYSIS_DEBUG"):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

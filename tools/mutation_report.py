"""Summarise a mutmut run (``make mutate``): score per module and the surviving mutants with their diffs.

Reads ``mutmut results --all true`` (one line per mutant: ``analysis.<module>.x_<function>__mutmut_<n>: <status>``)
and, for each survivor, ``mutmut show <name>``. Writes markdown to stdout. The score of a module is
killed / (killed + survived + no tests + timeout + suspicious): a mutant no test runs counts as surviving.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

LINE = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+):\s*(?P<status>.+?)\s*$")
#: Statuses that count against the score (the mutant was not caught by a failing test).
NOT_KILLED = {"survived", "no tests", "timeout", "suspicious"}


def _mutmut(*args: str) -> str:
    exe = Path(sys.executable).with_name("mutmut")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=True).stdout


def parse(text: str) -> list[tuple[str, str, str]]:
    """``(module, mutant name, status)`` for each mutant line of ``mutmut results --all true``."""
    out = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        name = m["name"]
        module = name.split(".x_")[0] if ".x_" in name else name.rsplit(".", 1)[0]
        out.append((module, name, m["status"]))
    return out


def report(rows: list[tuple[str, str, str]], show=lambda name: "") -> str:
    """The markdown report: a table of scores per module, then each surviving mutant with its diff."""
    by_module: dict[str, Counter] = defaultdict(Counter)
    for module, _, status in rows:
        by_module[module][status] += 1
    lines = ["# Mutation testing report", "", "| module | mutants | killed | survived | no tests | other | score |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    total_k = total_n = 0
    for module in sorted(by_module):
        c = by_module[module]
        killed = c["killed"]
        counted = killed + sum(c[s] for s in NOT_KILLED)
        other = sum(v for k, v in c.items() if k not in NOT_KILLED | {"killed", "survived", "no tests"})
        score = f"{100 * killed / counted:.1f} %" if counted else "n/a"
        lines.append(f"| {module} | {sum(c.values())} | {killed} | {c['survived']} | {c['no tests']} | "
                     f"{other + c['timeout'] + c['suspicious']} | {score} |")
        total_k += killed
        total_n += counted
    if total_n:
        lines.append(f"| **all** | | {total_k} | | | | **{100 * total_k / total_n:.1f} %** |")
    survivors = [(m, n) for m, n, s in rows if s in NOT_KILLED]
    lines += ["", f"## Not killed ({len(survivors)})", ""]
    for _, name in survivors:
        lines += [f"### `{name}`", "", "```diff", show(name).strip(), "```", ""]
    return "\n".join(lines) + "\n"


def main() -> int:
    rows = parse(_mutmut("results", "--all", "true"))
    if not rows:
        print("no mutmut results: run `make mutate` first", file=sys.stderr)
        return 1
    print(report(rows, show=lambda name: _mutmut("show", name)), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``python -m analysis params [NOTEBOOK]``: each notebook's parameters with type, default and valid values.

Valid values come from the parameter models themselves (:meth:`analysis.chapters.params.NotebookParams.choices`,
i.e. the same checks that validate a run), computed with the other parameters at their defaults: countries are
shown with their names, years are the years present in the processed data.
"""

from __future__ import annotations

from typing import Any

from analysis.chapters.params import ParameterError, model_for, notebooks, type_name
from analysis.core.codelists import COUNTRY_NAMES


def _names() -> dict[str, str]:
    return dict(COUNTRY_NAMES)


def _show(name: str, value: Any, names: dict[str, str]) -> str:
    if "geo" in name and isinstance(value, str) and value in names and names[value] != value:
        return f"{value} ({names[value]})"
    return str(value)


def _constraint(meta: Any) -> str:
    """``Ge(ge=0)`` → ``>= 0`` (annotated-types bounds as a reader writes them)."""
    for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if hasattr(meta, attr):
            return f"{sign} {getattr(meta, attr)}"
    return str(meta)


def valid_values(notebook: str, name: str) -> list[Any] | None:
    """The valid values of one parameter with the others at their defaults (None: not a finite list)."""
    return model_for(notebook).choices(name)


def describe(notebook: str | None = None) -> str:
    """Plain text: for each notebook (or the one named), each parameter's type, default and valid values."""
    names = _names()
    out: list[str] = []
    for nb in [notebook] if notebook else notebooks():
        model = model_for(nb)
        out.append(f"{nb}  (python -m analysis run {nb} -p NAME VALUE)")
        if not model.model_fields:
            out.append("  no parameters")
        for pname, f in model.model_fields.items():
            out.append(f"  {pname}: {type_name(f.annotation)}, default {f.default!r}")
            try:
                choices = valid_values(nb, pname)
            except ParameterError as exc:
                out.append(f"    valid values: could not be listed ({exc})")
                continue
            if choices is None:
                constraints = ", ".join(_constraint(m) for m in f.metadata)
                out.append(f"    valid values: any {type_name(f.annotation)}" + (f" ({constraints})" if constraints
                                                                                   else ""))
            else:
                out.append(f"    valid values ({len(choices)}): " + ", ".join(_show(pname, c, names) for c in choices))
        out.append("")
    return "\n".join(out).rstrip() + "\n"

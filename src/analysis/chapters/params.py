"""Parameters of each notebook, validated by the package before any work (papermill does not validate).

An unknown name, a wrong type or a value absent from the data raises :class:`ParameterError`, whose message
names the notebook, the parameter and the valid choices. Each notebook's second cell calls
:func:`validate` with its ``parameters`` cell's values; ``python -m analysis run`` calls it before papermill.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from analysis.chapters import registry
from analysis.tables.process import table_names


class ParameterError(ValueError):
    """Invalid notebook parameters; the message lists what is valid. ``parameter`` and ``valid`` are set when
    the error is about one parameter's value (see :func:`choice_error`)."""

    parameter: str | None = None
    valid: list[Any] | None = None


class NotebookParams(BaseModel):
    """Base of every notebook's parameters: strict types, unknown names forbidden."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    notebook: ClassVar[str] = ""

    #: The processed tables the notebook reads (empty: all of them). Drives the incremental build: a changed
    #: table re-runs exactly the notebooks that read it.
    reads: ClassVar[tuple[str, ...]] = ()

    def check_data(self) -> None:
        """Checks against the data (countries, years…); subclasses override. Raise :class:`ParameterError`."""

    @classmethod
    def choices(cls, name: str, **context: Any) -> list[Any] | None:
        """The valid values of parameter ``name`` given the other parameters' values ``context`` (defaults for
        the rest): a ``Literal``'s values, ``[False, True]`` for a bool, else the list the model's
        :meth:`check_data` names when given a value that cannot be valid. None when the values are not a finite
        list (a float in a range, a free integer)."""
        from typing import Literal, get_origin

        if name not in cls.model_fields:
            raise ParameterError(f"{cls.notebook}: unknown parameter {name}; valid parameters: "
                                 + ", ".join(cls.model_fields))
        ann = cls.model_fields[name].annotation
        args = [a for a in get_args(ann) if a is not type(None)] or [ann]
        if get_origin(ann) is Literal:
            return list(get_args(ann))
        if args == [bool]:
            return [False, True]
        probe = {str: "\x00not-a-value", int: -987654321}.get(args[0])
        if probe is None:
            return None
        try:
            cls(**{**context, name: probe}).check_data()
        except ParameterError as exc:
            if exc.parameter == name and exc.valid is not None:
                return list(exc.valid)
            raise
        except ValidationError:
            return None
        return None  # check_data accepted a value that cannot be in the data: no finite list

    def input_tables(self) -> tuple[str, ...]:
        """Names of the processed tables this run reads (override when it depends on the parameters)."""
        if self.reads:
            return self.reads

        registry.load_all()
        return tuple(table_names())


_REGISTRY: dict[str, type[NotebookParams]] = {}


def register(model: type[NotebookParams]) -> type[NotebookParams]:
    """Class decorator: make ``model`` the parameter model of ``model.notebook``."""
    _REGISTRY[model.notebook] = model
    return model


def __getattr__(name: str) -> Any:
    if name == "NOTEBOOK_MODULES":  # derived: notebook → the chapter module that declares ``NOTEBOOK = "..."``
        return registry.chapter_modules()
    raise AttributeError(name)


def model_for(notebook: str) -> type[NotebookParams]:
    """The parameter model of ``notebook``, from its chapter module (imported on demand, so that one chapter's
    module cannot break another's runs)."""
    if notebook not in _REGISTRY and notebook in registry.chapter_modules():
        registry.chapter_module(notebook)
    try:
        return _REGISTRY[notebook]
    except KeyError:
        raise ParameterError(
            f"unknown notebook {notebook!r}; known: {', '.join(notebooks())}") from None


def notebooks() -> list[str]:
    return sorted(registry.chapter_modules())


def choice_error(notebook: str, name: str, value: Any, valid: Iterable[Any]) -> ParameterError:
    """The standard message for a value outside the valid choices."""
    valid = list(valid)
    shown = ", ".join(map(str, valid[:60])) + (" …" if len(valid) > 60 else "")
    err = ParameterError(f"{notebook}: parameter {name}={value!r} is not valid; choose one of: {shown}")
    err.parameter, err.valid = name, valid
    return err


def validate(notebook: str, values: dict[str, Any], check_data: bool = True) -> NotebookParams:
    """Validate a notebook's parameters: names, types, then (optionally) values against the data."""
    model = model_for(notebook)
    unknown = sorted(set(values) - set(model.model_fields))
    if unknown:
        raise ParameterError(
            f"{notebook}: unknown parameter(s) {', '.join(unknown)}; valid parameters: "
            + ", ".join(f"{n} ({type_name(f.annotation)})" for n, f in model.model_fields.items())
        )
    try:
        params = model(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'value'}={e.get('input')!r}: {e['msg']}" for e in exc.errors()
        )
        raise ParameterError(f"{notebook}: invalid parameter(s): {problems}") from None
    if check_data:
        params.check_data()
    return params


def coerce_cli(notebook: str, name: str, text: str) -> Any:
    """Turn a ``-p name value`` string from the command line into the parameter's declared type."""
    model = model_for(notebook)
    if name not in model.model_fields:
        raise ParameterError(f"{notebook}: unknown parameter {name}; valid parameters: "
                             + ", ".join(model.model_fields))
    ann = model.model_fields[name].annotation
    if text.strip().lower() in ("none", "null") and type(None) in get_args(ann):
        return None
    try:
        return TypeAdapter(ann).validate_strings(text, strict=False)
    except ValidationError:
        raise ParameterError(
            f"{notebook}: parameter {name} expects {type_name(ann)}, got {text!r}"
        ) from None


def type_name(annotation: Any) -> str:
    """A readable type: ``int``, ``int | None``, ``one of: a, b`` for a Literal."""
    from typing import Literal, get_origin

    if get_origin(annotation) is Literal:
        return "one of: " + ", ".join(map(str, get_args(annotation)))
    if annotation is None:
        return "None"
    name = getattr(annotation, "__name__", None)
    if name and "|" not in str(annotation):
        return name
    return str(annotation).replace("typing.", "")

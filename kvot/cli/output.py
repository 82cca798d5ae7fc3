"""Where output goes: data to stdout or a file, notes and errors to stderr."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import typer


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}" + _where(output))
    note(f"wrote {output}")


def _where(output: Path) -> str:
    if output.is_dir():
        return " (it is a folder: give a file name, e.g. -o report.csv)"
    if not output.parent.exists():
        return f" (folder {output.parent} does not exist: create it first)"
    return ""


def chosen_format(fmt: str | None, output: Path | None, choices: tuple[str, ...]) -> str:
    """``-f`` as given; else the format the ``-o`` file's suffix names (``report.json``);
    else a table."""
    if fmt is not None:
        return fmt
    suffix = output.suffix.lower().removeprefix(".") if output is not None else ""
    return suffix if suffix in choices and suffix != "table" else "table"


def note(text: str) -> None:
    typer.echo(text, err=True)


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def interactive() -> bool:
    """A person watches stderr: a terminal, and not a CI run."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def working(message: str) -> Iterator[None]:
    """A progress bar on stderr, with ``message`` and the counts the library reports
    (:mod:`kvot.progress`), while the work runs; nothing at all when piped or in CI."""
    if not interactive():
        yield
        return
    from rich.console import Console

    from kvot.cli.progress_bar import progress_bar

    with progress_bar(message, Console(stderr=True)):
        yield

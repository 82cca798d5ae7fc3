"""Where output goes: data to stdout or a file, notes and errors to stderr."""
from __future__ import annotations

import sys
from pathlib import Path

import typer


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    note(f"wrote {output}")


def note(text: str) -> None:
    typer.echo(text, err=True)


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise SystemExit(code)

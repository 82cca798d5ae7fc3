"""Shared helpers: small readable input files and a workspace built from them."""
from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import kvot

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

IMPORT_ORDER = ("teams", "reps", "deals", "credits", "quotas", "fx")


def need_shared(folder: str) -> Path:
    path = SHARED_DATA / folder
    if not path.is_dir():
        pytest.skip(f"public data set {path} is not present (it lives beside the repository)")
    return path


@pytest.fixture
def build(tmp_path):
    """build(deals=..., quotas=..., ..., **settings) -> workspace holding those CSV texts."""
    opened = []

    def _build(settings: dict | None = None, **files: str):
        ws = kvot.open_workspace(":memory:")
        opened.append(ws)
        for kind in IMPORT_ORDER:
            if kind in files:
                path = tmp_path / f"{kind}.csv"
                path.write_text(textwrap.dedent(files[kind]).lstrip(), encoding="utf-8")
                kvot.import_file(ws, kind, path, config=_no_config(tmp_path), **(settings or {}))
        return ws

    yield _build
    for ws in opened:
        ws.close()


def _no_config(tmp_path: Path) -> Path:
    """An empty config file, so a kvot.toml in the working directory never leaks into tests."""
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    return path


def figures(report) -> dict[tuple[str, str], tuple]:
    """(id, period) -> (mrr_closed, quota, attainment_pct rounded to 2 places or None)."""
    out = {}
    for r in report.rows:
        pct = None if r.attainment_pct is None else r.attainment_pct.quantize(Decimal("0.01"))
        out[(r.id, r.period)] = (r.mrr_closed, r.quota, pct)
    return out


def D(text: str) -> Decimal:
    return Decimal(text)

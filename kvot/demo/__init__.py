"""A seeded demo company, Norrsken Software AB, written as CSV files in kvot's generic format.

    >>> files = write_demo_files(Path("demo"))          # doctest: +SKIP
    >>> files.deals                                      # doctest: +SKIP
    PosixPath('demo/deals.csv')

The same seed always gives byte-identical files. See docs/demo.md for what the data contains.
"""
from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kvot.demo.company import (
    COMPANY, CURRENCY, QUOTA_HEADER, REP_HEADER, TEAM_HEADER, TIMEZONE, quota_rows, rep_rows,
    team_rows,
)
from kvot.demo.deals import CREDIT_HEADER, DEAL_HEADER, WON, make_credits, make_deals, with_repeats
from kvot.demo.fx import FX_HEADER, fx_rows

__all__ = ["DemoFiles", "write_demo_files"]

CONFIG = f'''\
# {COMPANY}: kvot demo settings (written by kvot.demo)
reporting_currency = "{CURRENCY}"
timezone = "{TIMEZONE}"
fiscal_year_start_month = 1
amount = "per_billing_period"
won_stages = ["{WON}"]
'''


@dataclass(frozen=True)
class DemoFiles:
    """Paths of the files :func:`write_demo_files` wrote."""

    deals: Path
    credits: Path
    reps: Path
    teams: Path
    quotas: Path
    fx: Path
    config: Path


def write_demo_files(directory: Path, seed: int = 7) -> DemoFiles:
    """Write the demo company's CSV files and a ``kvot.toml`` into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(*(directory / name for name in (
        "deals.csv", "credits.csv", "reps.csv", "teams.csv", "quotas.csv", "fx.csv", "kvot.toml")))
    rng = random.Random(seed)
    deals = make_deals(rng)
    _write_csv(files.deals, DEAL_HEADER, (d.row() for d in with_repeats(rng, deals)))
    _write_csv(files.credits, CREDIT_HEADER, make_credits(rng, deals))
    _write_csv(files.fx, FX_HEADER, fx_rows(rng))
    _write_csv(files.reps, REP_HEADER, rep_rows())
    _write_csv(files.teams, TEAM_HEADER, team_rows())
    _write_csv(files.quotas, QUOTA_HEADER, quota_rows())
    files.config.write_text(CONFIG, encoding="utf-8", newline="\n")
    return files


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)

"""Settings: what the numbers mean for one workspace or one run.

Precedence, highest first: command-line options, the config file (``--config FILE`` or
``./kvot.toml``), settings stored in the workspace, the built-in defaults below.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kvot.errors import SettingsError

AMOUNT_MEANINGS = ("mrr", "arr", "per_billing_period", "tcv")
DEAL_KINDS = ("new", "expansion", "renewal", "contraction", "churn", "other")
DEFAULT_COUNTED_KINDS = ("new", "expansion")
ON_ERROR = ("fail", "skip")


@dataclass(frozen=True)
class Settings:
    """Report-time settings (apply to every figure) and import-time settings (apply to a file)."""

    reporting_currency: str = "USD"
    timezone: str = "UTC"
    fiscal_year_start_month: int = 1
    counted_kinds: tuple[str, ...] = DEFAULT_COUNTED_KINDS
    # import-time
    profile: str = "generic"
    won_stages: tuple[str, ...] | None = None  # None: the profile's default
    amount: str = "mrr"
    currency: str | None = None  # deal currency when the file has no currency column
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    kinds: dict[str, str] = field(default_factory=dict)  # a source's deal-type value -> kind
    decimal: str | None = None  # "comma" | "point"; None: decided per column from the values
    date_format: str | None = None  # "day-first" | "month-first"; None: decided per column
    encoding: str | None = None  # None: UTF-8 (with or without BOM), else Windows-1252
    team_path: tuple[str, ...] | None = None  # rep files: columns naming the teams, top first
    on_error: str = "fail"  # "fail": a bad row rejects the file; "skip": bad rows set aside
    minor_units: bool | None = None  # amounts in cents/öre (÷ 100); None: the profile's default

    def __post_init__(self) -> None:
        _validate(self)

    def with_(self, **changes: Any) -> "Settings":
        """A copy with the non-None changes applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def stored(self) -> dict[str, str]:
        """The report-time settings a workspace keeps, as text."""
        return {
            "reporting_currency": self.reporting_currency,
            "timezone": self.timezone,
            "fiscal_year_start_month": str(self.fiscal_year_start_month),
            "counted_kinds": ",".join(self.counted_kinds),
        }


STORED_KEYS = ("reporting_currency", "timezone", "fiscal_year_start_month", "counted_kinds")


def check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"timezone = {name!r} is not an IANA time zone name (e.g. Europe/Stockholm)") from None


def _validate(s: Settings) -> None:
    if s.amount not in AMOUNT_MEANINGS:
        raise SettingsError(f"amount = {s.amount!r} is not one of {', '.join(AMOUNT_MEANINGS)}")
    if not 1 <= int(s.fiscal_year_start_month) <= 12:
        raise SettingsError(
            f"fiscal_year_start_month = {s.fiscal_year_start_month!r}: use a month number 1-12")
    check_timezone(s.timezone)
    for value, kind in s.kinds.items():
        if kind not in DEAL_KINDS:
            raise SettingsError(f"[kinds] {value!r} = {kind!r}: map to one of {', '.join(DEAL_KINDS)}")
    for kind in s.counted_kinds:
        if kind not in DEAL_KINDS:
            raise SettingsError(f"counted kind {kind!r} is not one of {', '.join(DEAL_KINDS)}")
    if s.on_error not in ON_ERROR:
        raise SettingsError(f"on_error = {s.on_error!r}: use {' or '.join(ON_ERROR)}")
    if s.minor_units not in (None, True, False):
        raise SettingsError(f"minor_units = {s.minor_units!r}: use true or false")
    for code in (s.reporting_currency, s.currency):
        if code is not None and (len(code) != 3 or not code.isalpha()):
            raise SettingsError(f"currency {code!r} is not a three-letter ISO code such as SEK")


def _coerce(name: str, value: Any) -> Any:
    if name in ("counted_kinds", "won_stages", "team_path"):
        separator = ">" if name == "team_path" and isinstance(value, str) and ">" in value else ","
        items = value.split(separator) if isinstance(value, str) else list(value)
        return tuple(i.strip() for i in items if i.strip())
    if name == "fiscal_year_start_month":
        return int(value)
    if name == "minor_units" and isinstance(value, str):
        return {"true": True, "yes": True, "1": True, "false": False, "no": False,
                "0": False}.get(value.strip().lower(), value)
    if name in ("reporting_currency", "currency") and value is not None:
        return str(value).upper()
    return value


def from_mapping(values: dict[str, Any], base: Settings | None = None, source: str = "") -> Settings:
    """Settings from a plain mapping (a config file section, stored workspace settings)."""
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        where = f" in {source}" if source else ""
        raise SettingsError(f"unknown setting {unknown[0]!r}{where}; known: {', '.join(sorted(known))}")
    changes = {k: _coerce(k, v) for k, v in values.items()}
    return replace(base or Settings(), **changes)


def load_file(path: Path, base: Settings | None = None) -> Settings:
    """Settings from a TOML config file (see :func:`read_file`) over ``base``."""
    return from_mapping(read_file(path), base, source=str(path))


def read_file(path: Path) -> dict[str, Any]:
    """The values a TOML config file sets: top-level keys or a ``[kvot]`` table, and ``[mapping]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    values = dict(data.get("kvot", {k: v for k, v in data.items() if not isinstance(v, dict)}))
    for table in ("mapping", "kinds"):
        if table in data:
            values[table] = {str(k): str(v) for k, v in data[table].items()}
    from_mapping(values, source=str(path))  # report unknown keys and bad values now
    return values

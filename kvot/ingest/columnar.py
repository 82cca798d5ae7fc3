"""Choose the columnar reader (DuckDB, per distinct value) or the row reader for a file.

The columnar readers (``kvot.ingest.deals_table``, ``kvot.ingest.credits_table``) apply the
row readers' rules and parsers to a whole CSV at once; they give the same records as a table,
or refuse. ``try_columnar`` returns the result, or None and the reason it was not used; the
caller then reads the file row by row (``kvot.ingest.read_records``). Not columnar: kinds
other than deals and credits, XLSX files, the subscription (``stripe``) profile and minor
units (deals), line items, ``on_error = "skip"`` with bad rows, and files the DuckDB reader
does not read exactly as the row reader does (see ``kvot.ingest.csv_table``). Bad rows found
column-wise are listed by the row rules run on those rows alone, with the file's decisions.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa

from kvot.config import Settings
from kvot.errors import ImportRejected, KvotError
from kvot.ingest.csv_table import NotColumnar
from kvot.ingest.parse import DECIMAL_STYLES
from kvot.ingest.dates import normalize_date_format
from kvot.ingest.profiles import PROFILES
from kvot.ingest.records import ReadResult
from kvot.ingest.staged import Scratch, private_scratch

COLUMNAR_KINDS = ("deals", "credits")


def refusal(kind: str, path: Path, settings: Settings, sheet: str | None = None) -> str | None:
    """Why the columnar reader cannot take this import before looking at the file, or None."""
    profile = PROFILES.get(settings.profile)
    decimal = getattr(settings, "decimal", None)
    date_format = getattr(settings, "date_format", None)
    reasons = [
        (kind not in COLUMNAR_KINDS, f"{kind} files are read row by row"),
        (sheet is not None or Path(path).suffix.lower() != ".csv", "not a .csv file"),
        (profile is None, "unknown profile"),
        (kind == "deals" and profile is not None and profile.subscriptions,
         "a subscription export"),
        (kind == "deals" and (settings.minor_units if settings.minor_units is not None
                              else profile is not None and profile.minor_units),
         "amounts in minor units"),
        (decimal is not None and decimal not in DECIMAL_STYLES, "decimal setting"),
    ]
    try:
        normalize_date_format(date_format)
    except ValueError:
        reasons.append((True, "date_format setting"))
    return next((why for refused, why in reasons if refused), None)


def try_columnar(kind: str, path: Path, settings: Settings, sheet: str | None = None,
                 scratch: Scratch | None = None) -> tuple[ReadResult | None, str | None]:
    """(the columnar result, None), or (None, why the row reader must read the file).

    The records are staged in ``scratch`` (``Staged``); without one, in a private scratch,
    and returned as an Arrow table. Raises ImportRejected with the row reader's errors when
    rows are bad (the errors come from the row rules run on the bad rows alone; with
    ``on_error = "skip"`` the row reader reads the whole file)."""
    why = refusal(kind, path, settings, sheet)
    if why is not None:
        return None, why
    if scratch is not None:
        return _staged(kind, Path(path), settings, scratch)
    with private_scratch() as own:
        result, why = _staged(kind, Path(path), settings, own)
        return (None if result is None else replace(result, records=result.records.arrow())), why


def _staged(kind: str, path: Path, settings: Settings,
            scratch: Scratch) -> tuple[ReadResult | None, str | None]:
    from kvot.ingest.credits_table import read_credits_table
    from kvot.ingest.deals_table import Rejected, read_deals_table

    profile, decimal = PROFILES[settings.profile], getattr(settings, "decimal", None)
    encoding = getattr(settings, "encoding", None)
    try:
        if kind == "credits":
            return read_credits_table(path, settings, profile, scratch, decimal=decimal,
                                      encoding=encoding), None
        return read_deals_table(
            path, settings, profile, scratch, decimal=decimal, encoding=encoding,
            date_format=normalize_date_format(getattr(settings, "date_format", None))), None
    except NotColumnar as exc:
        why = str(exc)
    except Rejected as exc:  # bad rows, listed by the row rules: the file is rejected
        raise ImportRejected(exc.errors) from None
    except KvotError:  # a missing column, a bad mapping: the row reader says it, in full
        why = "rejected"
    except (duckdb.Error, pa.ArrowException, OverflowError) as exc:  # a value out of range
        why = f"not readable column-wise ({type(exc).__name__})"
    scratch.clear()
    return None, why

"""Render an explanation: the rows behind a figure and the totals they add up to."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from kvot.cli.render import grouped, percent, safe_cell, text
from kvot.cli.text_table import draw_table

DEAL_HEADERS = [("deal_id", "Deal"), ("name", "Name"), ("close_on", "Closed"), ("kind", "Kind"),
                ("amount", "Amount"), ("amount_basis", "Basis"), ("months", "÷ months"),
                ("mrr", "MRR"), ("currency", "Cur"), ("rate", "Rate"), ("rep_id", "Rep"),
                ("share", "Share"), ("mrr_closed", "MRR closed")]
QUOTA_HEADERS = [("rep_id", "Rep"), ("in_team", "In team"), ("starts_on", "From"),
                 ("ends_on", "To"), ("amount", "Amount"), ("currency", "Cur"), ("rate", "Rate"), ("quota", "Converted"),
                 ("days_in_team", "Days in team"), ("days", "Days in any team"),
                 ("weighted", "Counted")]


def _cell(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(
            value.quantize(Decimal("0.000001")).normalize(), "f")
    return "" if value is None else str(value)


def _table(title: str, headers, rows: list[dict]) -> str:
    if not rows:
        return f"{title}\n  (none)\n"
    present = [(k, h) for k, h in headers if k in rows[0]]
    return draw_table([(h, "left") for _, h in present],
                      [[_cell(r[k]) for k, _ in present] for r in rows], title=title)


def _summary(e) -> str:
    closed = (f"{e.level} {e.id}, {e.period}: MRR closed {grouped(e.mrr_closed)} {e.currency} "
              f"(sum of 'MRR closed' above)")
    if e.attainment_pct is None:  # a missing or zero quota: no ratio to show
        ratio = f", quota {grouped(e.quota, 'none')}: no quota"
    else:
        ratio = f" / quota {grouped(e.quota)} = {percent(e.attainment_pct)}"
    return f"{closed}{ratio}; time zone {e.timezone}\n"


def render_explanation(e, fmt: str) -> str:
    if fmt == "json":
        return _json(e)
    if fmt == "csv":
        return _csv(e)
    parts = [_table("Deals (MRR closed = MRR x share x rate)", DEAL_HEADERS, e.deals)]
    if e.overlay:
        parts.append(_table("Overlay credit (reported apart, not in the total)", DEAL_HEADERS, e.overlay))
    quota_title = {"members": "Quota: members' rows weighted by days in the team",
                   "team": "Quota: explicit team quota", "rep": "Quota rows"}[e.quota_source]
    parts += [_table(quota_title, QUOTA_HEADERS, e.quotas), _summary(e)]
    return "".join(parts)


def _plain(rows: list[dict]) -> list[dict]:
    return [{k: (str(v) if v is not None else None) for k, v in r.items()} for r in rows]


def _json(e) -> str:
    doc = {"level": e.level, "id": e.id, "period": e.period, "currency": e.currency,
           "timezone": e.timezone, "mrr_closed": text(e.mrr_closed), "quota": text(e.quota),
           "attainment_pct": text(e.attainment_pct), "quota_source": e.quota_source,
           "deals": _plain(e.deals), "overlay": _plain(e.overlay), "quotas": _plain(e.quotas)}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _csv(e) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [k for k, _ in DEAL_HEADERS]
    writer.writerow(["section"] + columns)
    for section, rows in (("deal", e.deals), ("overlay", e.overlay)):
        for r in rows:
            writer.writerow([section] + [safe_cell(r.get(k)) for k in columns])
    qcols = [k for k, _ in QUOTA_HEADERS]
    writer.writerow(["section"] + qcols)
    for r in e.quotas:
        writer.writerow(["quota"] + [safe_cell(r.get(k)) for k in qcols])
    return out.getvalue()

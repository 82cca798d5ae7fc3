"""Notes on deals whose kind is told two ways that disagree.

- **Pipeline vs deal type** (profiles with a renewal pipeline, i.e. HubSpot): a deal in a
  pipeline whose name contains "Renewal" is a renewal whatever its deal type says (the
  pipeline wins); a deal typed as a renewal in another pipeline stays a renewal.
- **Deal name vs deal type** (every profile): a name that says ``New Business``,
  ``Existing Business``, ``Renewal``, ``Upsell`` or ``Expansion`` while the deal type says
  another kind. The deal type (or the pipeline) decides; the name never does.

Each note gives the count and the first lines, so the CRM can be fixed at the source.
"""
from __future__ import annotations

from kvot.ingest.readers import Row
from kvot.ingest.source import Source

NAME_KINDS = {"new business": "new", "existing business": "expansion", "renewal": "renewal",
              "upsell": "expansion", "expansion": "expansion"}
EXAMPLE_LINES = 5


def kind_conflict_notes(src: Source) -> list[str]:
    if not src.has("kind"):
        return []
    notes = []
    word = src.profile.renewal_pipeline_word
    if word and src.has("pipeline"):
        in_renewal = [r for r in src.rows if word in src.text(r, "pipeline").casefold()]
        renewal_lines = {r.line for r in in_renewal}
        other = [r for r in src.rows if r.line not in renewal_lines]
        notes += _note([r for r in in_renewal if _typed(src, r) not in (None, "renewal")],
                       "deal(s) in a renewal pipeline have another deal type",
                       "read as renewals (the pipeline wins)")
        notes += _note([r for r in other if _typed(src, r) == "renewal"],
                       "deal(s) with a renewal deal type are in a pipeline that is not for "
                       "renewals", "read as renewals (the deal type)")
    named = [r for r in src.rows if (said := _named(src, r)) and _typed(src, r)
             and _typed(src, r) != said]
    notes += _note(named, "deal(s) whose name says another kind than their deal type",
                   "read by the deal type" + (" and pipeline" if word else ""))
    return notes


def _typed(src: Source, row: Row) -> str | None:
    text = src.text(row, "kind")
    return src.deal_kind(text) if text else None


def _named(src: Source, row: Row) -> str | None:
    name = " ".join(src.text(row, "name").casefold().split())
    return next((kind for words, kind in NAME_KINDS.items() if words in name), None)


def _note(rows: list[Row], what: str, rule: str) -> list[str]:
    return note(len(rows), [r.line for r in rows[:EXAMPLE_LINES]], what, rule)


def note(count: int, first_lines: list[int], what: str, rule: str) -> list[str]:
    """``N what (lines a, b, ...): rule``, or nothing when the count is 0."""
    if not count:
        return []
    lines = ", ".join(str(line) for line in first_lines[:EXAMPLE_LINES])
    more = ", ..." if count > EXAMPLE_LINES else ""
    return [f"{count} {what} (lines {lines}{more}): {rule}"]

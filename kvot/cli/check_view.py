"""Render a check report (table, JSON, a self-contained HTML page), the one-line summary after an
import, and the gate before figures: blocking findings stop them unless ``--allow``."""
from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kvot import api
from kvot.cli.output import fail, note
from kvot.cli.render import to_text

CHECK_FORMATS = ("table", "json", "html")


def finding_dict(f) -> dict:
    return {"code": f.code, "severity": f.severity, "title": f.title, "count": f.count,
            "fix": f.fix, "examples": [{"file": e.file, "line": e.line, "detail": e.detail}
                                       for e in f.examples]}


def _short(example) -> str:
    where = Path(example.file).name if example.file else ""
    if example.line is not None:
        where += f" line {example.line}"
    return f"{where}: {example.detail}" if where else example.detail


def _table(report) -> str:
    table = Table(caption=f"{_headline(report)}; checked {report.today}", caption_justify="left")
    for header, justify, ratio in [("Severity", "left", None), ("Finding", "left", 2),
                                   ("Count", "right", None), ("Examples", "left", 5),
                                   ("Fix", "left", 2)]:
        table.add_column(header, justify=justify, ratio=ratio)
    for f in report.findings:
        more = f.count - len(f.examples)
        examples = "\n".join(_short(e) for e in f.examples) + (f"\n... and {more} more" if more > 0 else "")
        cells = (f.severity, f"{f.title}\n({f.code})", str(f.count), examples, f.fix)
        table.add_row(*map(Text, cells))  # text as it is: "[kinds]" is not markup
    if not report.findings:
        return to_text(Text(_headline(report)))
    return to_text(Group(table), width=160)


def _headline(report) -> str:
    n = len(report.checked)
    if not report.findings:
        return f"No findings: {n} checks passed"
    return (f"{len(report.blocking)} blocking, {len(report.warnings)} warning(s) "
            f"from {n} checks")


def _json(report) -> str:
    doc = {"workspace": report.workspace, "today": report.today.isoformat(),
           "blocking": len(report.blocking), "warnings": len(report.warnings),
           "checks": list(report.checked), "findings": [finding_dict(f) for f in report.findings]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_check(report, fmt: str) -> str:
    if fmt == "json":
        return _json(report)
    if fmt == "html":
        return _html(report)
    return _table(report)


def check_summary(workspace, config=None, options: dict | None = None) -> str:
    """The one line printed after an import, with the import's settings (``config`` and the
    command's ``options``); the import stands whatever the checks say."""
    given = {k: v for k, v in (options or {}).items() if v is not None}
    try:
        report = api.check(workspace, reuse=True, config=config, **given)
    except Exception as exc:  # a check must never undo or fail an import
        return f"check: could not run ({type(exc).__name__}); run kvot check"
    hint = "; details: kvot check" if report.findings else ""
    return report.summary() + hint


NO_FIGURE_WITHOUT = {"missing-fx"}  # findings that stop the figures even with --allow


def gate(workspace, allow: bool, config, report_opts: dict, one_shot: bool = False) -> list:
    """Blocking findings before figures: stop (exit 1) unless ``allow``; return those allowed.
    ``one_shot``: the workspace holds only the files given on the command line."""
    report = api.check(workspace, only_blocking=True, reuse=True, config=config, **report_opts)
    if not report.blocking:
        return []
    if not allow:
        lines = [f"  {f.code}: {f.count} - {f.title}; fix: {f.fix}" for f in report.blocking]
        rates_only = all(f.code in NO_FIGURE_WITHOUT for f in report.blocking)
        way = ("--allow cannot show figures without exchange rates: "
               + ("give them with --fx FILE" if one_shot else "import them first")
               if rates_only else "pass --allow to show the figures anyway")
        where, more = (("the files have", "import them into a workspace and run kvot check for "
                        "every example") if one_shot else ("the workspace has", "see kvot check"))
        fail(f"figures not shown: {where} blocking data-quality findings\n"
             + "\n".join(lines) + f"\n{more}; {way}")
    note(f"warning: figures shown over {len(report.blocking)} blocking finding(s) (--allow): "
         + ", ".join(f.code for f in report.blocking))
    return report.blocking


def mark_allowed(text: str, fmt: str, blocking: list) -> str:
    """Mark figures shown over blocking findings: a JSON key, a line under the table, a
    ``blocking_findings`` column on every CSV row."""
    if fmt == "json":
        doc = json.loads(text)
        doc["blocking_findings"] = [finding_dict(f) for f in blocking]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv_marked(text, ";".join(f.code for f in blocking))
    codes = ", ".join(f"{f.code} ({f.count})" for f in blocking)
    return text + f"WARNING: shown over blocking findings (--allow): {codes}; see kvot check\n"


def _csv_marked(text: str, codes: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0] + ["blocking_findings"])
    writer.writerows(row + [codes] for row in rows[1:])
    return out.getvalue()


CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:70rem;padding:0 1rem;color:#1d232a;background:#f6f7f9}
h1{font-size:1.5rem;margin:0 0 .25rem}
.meta{color:#5b6672;margin:0 0 1.5rem}
.finding{background:#fff;border:1px solid #dde1e6;border-left:6px solid #c7a100;
border-radius:6px;padding:1rem 1.25rem;margin:0 0 1rem}
.finding.blocking{border-left-color:#c62828}
.badge{display:inline-block;font-size:.75rem;font-weight:600;text-transform:uppercase;
padding:.1rem .5rem;border-radius:1rem;background:#fff3c4;color:#6b5500;margin-right:.5rem}
.blocking .badge{background:#fde2e2;color:#8e1b1b}
h2{font-size:1.1rem;margin:0 0 .2rem}
.count{display:inline-block;min-width:1.5rem;text-align:center;background:#eef0f3;
border-radius:1rem;padding:0 .5rem;font-size:.9rem}
code{font-size:.85em;color:#5b6672}
.fix{margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-top:1px solid #eef0f3;vertical-align:top}
th{color:#5b6672;font-weight:600}
.ok{background:#e7f5ea;border:1px solid #b9dfc2;border-radius:6px;padding:1rem}
"""


def _html_example(e) -> str:
    line = "" if e.line is None else str(e.line)
    return (f"<tr><td>{html.escape(e.file or '')}</td><td>{html.escape(line)}</td>"
            f"<td>{html.escape(e.detail)}</td></tr>")


def _html_finding(f) -> str:
    more = f.count - len(f.examples)
    rows = "".join(_html_example(e) for e in f.examples)
    if more > 0:
        rows += f'<tr><td colspan="3">... and {more} more</td></tr>'
    return (f'<section class="finding {html.escape(f.severity)}">'
            f'<h2><span class="badge">{html.escape(f.severity)}</span>{html.escape(f.title)}'
            f' <span class="count">{f.count}</span></h2><code>{html.escape(f.code)}</code>'
            f'<p class="fix"><b>Fix:</b> {html.escape(f.fix)}</p>'
            f"<table><tr><th>File</th><th>Line</th><th>Detail</th></tr>{rows}</table></section>")


def _html(report) -> str:
    body = "".join(_html_finding(f) for f in report.findings) or (
        f'<p class="ok">{html.escape(_headline(report))}</p>')
    meta = (f"{html.escape(_headline(report))} &middot; workspace {html.escape(report.workspace)}"
            f" &middot; checked {html.escape(report.today.isoformat())}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>kvot check</title><style>{CSS}</style></head><body>"
            f'<h1>kvot check</h1><p class="meta">{meta}</p>{body}</body></html>\n')

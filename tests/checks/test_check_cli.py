"""``kvot check`` and the gate as a user meets them: exit codes, formats, the summary after an
import, ``kvot attainment`` refusing figures over blocking findings unless ``--allow``."""
from __future__ import annotations

import json
import re
import textwrap

import pytest
from typer.testing import CliRunner

from kvot.cli.main import app

DEALS = """
    deal_id,owner,stage,close_date,amount
    D1,<script>alert(1)</script>,Won,2025-01-10,1000
    D2,Bo,Won,2025-01-12,900
    """
OVERLAPPING = """
    rep,period,amount
    Bo,2025-01,1000
    Bo,2025-Q1,3000
    """
CLEAN = """
    rep,period,amount
    Bo,2025-01,1000
    """


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def make(folder, quotas: str, deals: str = DEALS) -> dict:
    """`kvot import` the deals and quotas into a new workspace in ``folder``."""
    config = folder / "empty.toml"
    config.write_text("", encoding="utf-8")
    location = str(folder / "ws.duckdb")
    for kind, text in (("deals", deals), ("quotas", quotas)):
        path = folder / f"{kind}.csv"
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        result = invoke("import", kind, str(path), "-w", location, "-c", str(config),
                        "--currency", "SEK", "--reporting-currency", "SEK")
        assert result.exit_code == 0, result.stderr
    return {"ws": location, "config": str(config), "last_import": result}


@pytest.fixture(scope="module")
def blocked(tmp_path_factory):
    return make(tmp_path_factory.mktemp("blocked"), OVERLAPPING)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return make(tmp_path_factory.mktemp("clean"), CLEAN)


def test_import_prints_a_one_line_check_summary_and_still_succeeds(blocked):
    lines = blocked["last_import"].stderr.splitlines()
    assert lines[-1] == ("check: 1 blocking (overlapping-quotas 1), 2 warnings (unknown-reps 2, "
                         "active-reps-without-quota 1); details: kvot check")


def test_the_summary_after_an_import_uses_the_imports_config_and_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kvot.toml").write_text('reporting_currency = "SEK"\n')  # in the folder
    (tmp_path / "usd.toml").write_text('reporting_currency = "USD"\n')  # given with -c
    (tmp_path / "d.csv").write_text("deal_id,owner,stage,close_date,amount,currency\n"
                                    "D1,Ann,Won,2025-01-10,100,USD\n")
    for args, summary in (
            (["-c", "usd.toml"], "check: 1 warning (unknown-reps 1); details: kvot check"),
            (["--reporting-currency", "USD"], "check: 1 warning (unknown-reps 1); details: kvot check"),
            ([], "check: 1 blocking (missing-fx 1), 1 warning (unknown-reps 1); details: kvot check")):
        (tmp_path / "w.duckdb").unlink(missing_ok=True)
        result = invoke("import", "deals", "d.csv", "-w", "w.duckdb", *args)
        assert result.stderr.splitlines()[-1] == summary, args


def test_check_exits_1_on_blocking_and_0_on_warnings_only(blocked, clean):
    result = invoke("check", "-w", blocked["ws"])
    assert result.exit_code == 1
    assert "overlapping-quotas" in result.stdout and "quotas.csv line 3" in result.stdout
    warned = invoke("check", "-w", clean["ws"])
    assert warned.exit_code == 0 and "unknown-reps" in warned.stdout


def test_check_on_spark_reads_the_exported_folder_and_finds_the_same(blocked, tmp_path):
    from tests.conftest import spark_or_skip

    spark_or_skip()  # the CLI's session is then this test run's local one
    lake = tmp_path / "lake"
    assert invoke("export", "parquet", str(lake), "-w", blocked["ws"]).exit_code == 0
    on_spark = invoke("check", "--engine", "spark", "-w", str(lake), "-f", "json")
    on_duckdb = invoke("check", "-w", blocked["ws"], "-f", "json")
    assert on_spark.exit_code == on_duckdb.exit_code == 1
    spark_report, duckdb_report = json.loads(on_spark.stdout), json.loads(on_duckdb.stdout)
    assert spark_report["findings"] == duckdb_report["findings"]
    assert [f["code"] for f in spark_report["findings"]] == [
        "overlapping-quotas", "unknown-reps", "active-reps-without-quota"]


def test_check_json_lists_each_finding_with_count_examples_and_fix(blocked):
    result = invoke("check", "-w", blocked["ws"], "-f", "json", "--today", "2025-06-01")
    doc = json.loads(result.stdout)
    assert (doc["blocking"], doc["warnings"], doc["today"]) == (1, 2, "2025-06-01")
    finding = doc["findings"][0]
    assert finding["code"] == "overlapping-quotas" and finding["severity"] == "blocking"
    assert finding["count"] == 1 and finding["fix"]
    assert finding["examples"][0]["file"].endswith("quotas.csv")
    assert finding["examples"][0]["line"] == 3


def test_check_html_is_self_contained_and_escapes_every_value(blocked, tmp_path):
    target = tmp_path / "check.html"
    result = invoke("check", "-w", blocked["ws"], "-f", "html", "-o", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"https?://|src=|<link|@import|url\(", page)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unknown_check_format_is_a_usage_error(clean):
    assert invoke("check", "-w", clean["ws"], "-f", "csv").exit_code == 2


def test_attainment_refuses_figures_over_blocking_findings(blocked):
    made = blocked
    result = invoke("attainment", "-w", made["ws"], "-c", made["config"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "overlapping-quotas: 1" in result.stderr and "--allow" in result.stderr


def test_attainment_allow_shows_figures_marked_as_over_blocking_findings(blocked):
    made = blocked
    base = ("attainment", "-w", made["ws"], "-c", made["config"], "--allow")
    as_json = invoke(*base, "-f", "json")
    assert as_json.exit_code == 0
    doc = json.loads(as_json.stdout)
    assert [f["code"] for f in doc["blocking_findings"]] == ["overlapping-quotas"]
    assert doc["rows"]
    table = invoke(*base)
    assert "WARNING: shown over blocking findings (--allow): overlapping-quotas (1)" in table.stdout
    as_csv = invoke(*base, "-f", "csv")
    assert as_csv.stdout.startswith("level,") and "WARNING" not in as_csv.stdout
    assert "figures shown over 1 blocking finding(s) (--allow)" in as_csv.stderr


def test_attainment_without_blocking_findings_is_unmarked(clean):
    made = clean
    result = invoke("attainment", "-w", made["ws"], "-c", made["config"], "-f", "json")
    assert result.exit_code == 0 and "blocking_findings" not in json.loads(result.stdout)


def test_allowed_csv_marks_every_row_with_the_blocking_findings(tmp_path):
    from kvot.cli.check_view import mark_allowed

    class F:
        code, count = "overlapping-quotas", 2
    text = "level,id,name\nrep,anna,\"Anna, the first\"\n"
    marked = mark_allowed(text, "csv", [F()])
    assert marked == ("level,id,name,blocking_findings\n"
                      "rep,anna,\"Anna, the first\",overlapping-quotas\n")


def test_a_missing_exchange_rate_is_not_offered_to_allow(tmp_path):
    made = make(tmp_path, CLEAN, DEALS.replace("amount\n", "amount,currency\n")
                .replace("1000\n", "1000,EUR\n").replace("900\n", "900,EUR\n"))
    result = invoke("attainment", "-w", made["ws"], "-c", made["config"])
    assert result.exit_code == 1 and "missing-fx" in result.stderr
    assert "--allow cannot show figures without exchange rates: import them first" in result.stderr
    assert "pass --allow" not in result.stderr

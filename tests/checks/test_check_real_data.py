"""Acceptance: `kvot check` on the public CRM Sales Opportunities data, imported as README.md's
"A real export, end to end" shows, reports the data set's real quirks and nothing blocking.
Expected findings are worked out here from the files with the csv module."""
from __future__ import annotations

import csv
import json
from statistics import median

import pytest
from typer.testing import CliRunner

from kvot.cli.main import app
from tests.conftest import need_shared


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def crm(tmp_path_factory):
    data = need_shared("crm-sales-opportunities")
    folder = tmp_path_factory.mktemp("crm-check")
    config = folder / "empty.toml"
    config.write_text("", encoding="utf-8")
    location = str(folder / "crm.duckdb")
    commands = [
        ["reps", str(data / "sales_teams.csv"), "--profile", "crm-opportunities",
         "--team-path", "regional_office>manager"],
        ["deals", str(data / "sales_pipeline.csv"), "--profile", "crm-opportunities",
         "--currency", "USD", "--reporting-currency", "USD"],
        ["quotas", str(data / "quotas_2017_wide.csv"), "--currency", "USD"],
    ]
    for command in commands:
        result = invoke("import", *command, "-w", location, "-c", str(config))
        assert result.exit_code == 0, result.stderr
    return {"data": data, "ws": location, "config": str(config), "last_import": result.stderr}


@pytest.fixture(scope="module")
def findings(crm):
    result = invoke("check", "-w", crm["ws"], "-c", crm["config"], "-f", "json")
    assert result.exit_code == 0, result.stdout
    return {f["code"]: f for f in json.loads(result.stdout)["findings"]}


def test_nothing_is_blocking_and_open_deals_without_close_date_are_normal(findings):
    assert [f for f in findings.values() if f["severity"] == "blocking"] == []
    assert "won-without-close-date-or-owner" not in findings


def test_agents_with_quota_and_no_deals(crm, findings):
    deals = rows(crm["data"] / "sales_pipeline.csv")
    quota_agents = {r["sales_agent"] for r in rows(crm["data"] / "quotas_2017_wide.csv")}
    won_agents = {d["sales_agent"] for d in deals if d["deal_stage"] == "Won"}
    expected = sorted(quota_agents - won_agents)
    assert len(expected) == 5
    finding = findings["quota-without-deals"]
    assert finding["count"] == 5 and finding["severity"] == "warning"
    assert sorted(e["detail"].split(":")[0].removeprefix("rep ") for e in finding["examples"]) == expected
    assert {e["file"].rsplit("/", 1)[-1] for e in finding["examples"]} == {"quotas_2017_wide.csv"}


def test_agents_whose_quota_starts_late(crm, findings):
    sheet = rows(crm["data"] / "quotas_2017_wide.csv")
    late = {r["sales_agent"]: line for line, r in enumerate(sheet, start=2) if not r["2017-03"]}
    assert set(late) == {"Wilburn Farren", "Hayden Neloms"}
    finding = findings["quota-starts-late"]
    assert finding["count"] == 2
    assert {(e["detail"].split(":")[0].removeprefix("rep "), e["line"])
            for e in finding["examples"]} == set(late.items())


def test_outliers_are_the_won_deals_over_ten_times_the_median(crm, findings):
    won = [int(d["close_value"]) for d in rows(crm["data"] / "sales_pipeline.csv")
           if d["deal_stage"] == "Won"]
    middle = median(won)
    expected = sum(1 for v in won if v > 10 * middle)
    assert findings["outlier-deals"]["count"] == expected
    assert set(findings) == {"quota-without-deals", "quota-starts-late", "outlier-deals"}


def test_the_last_import_summarises_the_findings_and_attainment_runs(crm):
    assert crm["last_import"].splitlines()[-1].startswith("check: 3 warnings (")
    result = invoke("attainment", "-w", crm["ws"], "-c", crm["config"], "--by", "company", "-f", "json")
    assert result.exit_code == 0 and "blocking_findings" not in json.loads(result.stdout)

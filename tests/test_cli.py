"""The ``kvot`` command as a user runs it: formats, filters, explain, one-shot, demo, errors.

Most tests go through ``typer.testing.CliRunner``; the entry function ``kvot.cli.main.main``
(which turns kvot errors into an ``error:`` line and exit code 1) is run in-process for the error
cases, and the installed ``kvot`` console script once through ``subprocess``.
Expected figures come from the demo's CSV files (read here with the csv module) or by hand.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

import kvot
from kvot.cli.main import app, main

MONEY = re.compile(r"^-?\d+\.\d{2}$")
CENT = Decimal("0.01")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTHS_IN = {"monthly": 1, "quarterly": 3, "annual": 12}
TABLES = ("deals", "credits", "reps", "teams", "memberships", "quotas", "fx_rates",
          "_kvot_imports", "_kvot_settings", "_kvot_team_closure")


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def ok(*args: str, env: dict | None = None) -> str:
    result = invoke(*args, env=env)
    assert result.exit_code == 0, (args, result.exception, result.stderr)
    return result.stdout


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the real entry function in-process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["kvot", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (0 if code is None else code), out, err


@functools.lru_cache(maxsize=None)
def read_only(*args: str) -> str:
    """``ok`` for commands that only read the demo workspace: each runs once per session."""
    return ok(*args)


def rows_json(*args: str) -> list[dict]:
    return json.loads(read_only("attainment", *args, "-f", "json"))["rows"]


# --------------------------------------------------------------------------------------------
# the demo workspace, built once: `kvot demo -w PATH` in an empty folder
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    location = str(folder / "demo.duckdb")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        result = invoke("demo", "-w", location)
    assert result.exit_code == 0, result.exception
    return {"ws": location, "files": folder / "kvot-demo", "printed": result.stdout,
            "notes": result.stderr}


def table_counts(location: str) -> dict[str, int]:
    ws = kvot.open_workspace(location)
    try:
        return {t: ws.execute(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    finally:
        ws.close()


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def local_day(text: str) -> date:
    """A demo close date in Stockholm: a bare date is itself, a timestamp is converted."""
    if "T" not in text:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(STOCKHOLM).date()


def hand_mrr_closed(files: Path, rep: str, month: str) -> tuple[Decimal, list[str]]:
    """MRR closed in SEK for ``rep`` in ``month`` from the demo files, without kvot."""
    deals = {tuple(d.items()): d for d in read_csv(files / "deals.csv")}.values()  # drop repeats
    shares: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for c in read_csv(files / "credits.csv"):
        if c["credit_type"] == "revenue":
            shares[c["deal_id"]][c["rep"]] = Decimal(c["share"]) / 100
    rates: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for r in read_csv(files / "fx.csv"):
        assert r["base"] == "SEK"
        rates[r["currency"]].append((date.fromisoformat(r["date"]), Decimal(r["rate"])))
    total, ids = Decimal(0), []
    for d in deals:
        if d["stage"] != "Closed Won" or d["kind"] not in ("new", "expansion"):
            continue
        day = local_day(d["close_date"])
        share = shares.get(d["deal_id"], {d["owner"]: Decimal(1)}).get(rep)
        if share is None or day.strftime("%Y-%m") != month:
            continue
        rate = Decimal(1) if d["currency"] == "SEK" else max(
            (p for p in rates[d["currency"]] if p[0] <= day), key=lambda p: p[0])[1]
        total += Decimal(d["amount"]) / MONTHS_IN[d["billing_period"]] * rate * share
        ids.append(d["deal_id"])
    return total, sorted(ids)


# --------------------------------------------------------------------------------------------
# formats
# --------------------------------------------------------------------------------------------

def test_json_rows_carry_the_documented_fields_with_exact_money_text(demo):
    doc = json.loads(ok("attainment", "-w", demo["ws"], "-f", "json"))
    assert (doc["currency"], doc["timezone"]) == ("SEK", "Europe/Stockholm")
    assert doc["rows"]
    for row in doc["rows"]:
        assert {"level", "id", "name", "period", "mrr_closed", "quota", "attainment_pct",
                "currency"} <= set(row)
        assert row["level"] == "rep" and row["currency"] == "SEK"
        assert MONEY.match(row["mrr_closed"]), row
        if row["quota"] is None:
            assert row["attainment_pct"] is None, row
        else:
            assert MONEY.match(row["quota"]) and MONEY.match(row["attainment_pct"]), row
            if Decimal(row["quota"]):
                pct = 100 * Decimal(row["mrr_closed"]) / Decimal(row["quota"])
                assert abs(pct - Decimal(row["attainment_pct"])) <= CENT, row


def test_json_figures_of_a_rep_month_match_the_demo_files(demo):
    expected, _ = hand_mrr_closed(demo["files"], "karin.svensson", "2025-04")
    [row] = rows_json("-w", demo["ws"], "--rep", "karin.svensson", "--from", "2025-04",
                      "--to", "2025-04")
    assert row["mrr_closed"] == f"{expected.quantize(CENT)}"
    assert row["quota"] == "120000.00"  # quotas.csv: karin.svensson,,2025-04,120000.00,SEK
    assert row["attainment_pct"] == f"{(100 * expected / 120000).quantize(CENT)}"


def test_csv_output_parses_with_the_csv_module_and_matches_json(demo):
    text = ok("attainment", "-w", demo["ws"], "--by", "team", "--period", "quarter", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    as_json = rows_json("-w", demo["ws"], "--by", "team", "--period", "quarter")
    assert len(rows) == len(as_json) == 7 * 4
    for c, j in zip(rows, as_json):
        assert (c["id"], c["period"], c["mrr_closed"]) == (j["id"], j["period"], j["mrr_closed"])
        assert c["quota"] == (j["quota"] or "") and c["attainment_pct"] == (j["attainment_pct"] or "")


def test_output_option_writes_the_file_and_nothing_to_stdout(demo, tmp_path):
    target = tmp_path / "report.json"
    result = invoke("attainment", "-w", demo["ws"], "--by", "company", "-f", "json", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        read_only("attainment", "-w", demo["ws"], "--by", "company", "-f", "json"))


@pytest.mark.parametrize("args, name, starts", [
    (["attainment", "--by", "company"], "r.json", '{\n  "level": "company"'),
    (["attainment", "--by", "company"], "r.csv", "level,id,name,parent"),
    (["attainment", "--by", "company"], "r.txt", "┏"),
    (["attainment", "--by", "company", "-f", "table"], "r.json", "┏"),  # -f wins
    (["check"], "c.html", "<!DOCTYPE html>"),
    (["imports"], "i.csv", "import_id,kind,file"),
])
def test_without_f_the_output_files_suffix_names_the_format(demo, tmp_path, args, name, starts):
    target = tmp_path / name
    result = invoke(*args, "-w", demo["ws"], "-o", str(target))
    assert result.exit_code in (0, 1) and result.stdout == ""  # check: 1 on blocking findings
    assert target.read_text(encoding="utf-8").startswith(starts)


@pytest.mark.parametrize("target, says", [
    ("nodir/sub/out.csv", "cannot write nodir/sub/out.csv: No such file or directory "
                          "(folder nodir/sub does not exist: create it first)"),
    (".", "cannot write .: Is a directory (it is a folder: give a file name, e.g. -o report.csv)"),
])
def test_output_that_cannot_be_written_is_an_error_naming_it(demo, tmp_path, monkeypatch, capsys,
                                                             target, says):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(monkeypatch, capsys, "attainment", "-w", demo["ws"], "-o", target)
    assert (code, out, err.strip().splitlines()[-1]) == (1, "", f"error: {says}")


@pytest.mark.parametrize("args", [("import", "deals", "nofile.csv", "-w", "w.duckdb"),
                                  ("import", "credits", "nofile.csv", "-w", "w.duckdb"),
                                  ("attainment", "--deals", "nofile.csv", "--quotas", "q.csv")])
def test_a_missing_input_file_is_an_error_naming_it(tmp_path, monkeypatch, capsys, args):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(monkeypatch, capsys, *args)
    assert (code, out) == (1, "") and "Traceback" not in err
    assert "nofile.csv: cannot be read (No such file or directory); check the path" in err
    assert not (tmp_path / "w.duckdb").exists()  # a failed first import leaves no workspace


def test_a_failed_import_into_an_existing_workspace_leaves_it_as_it_was(demo, tmp_path, monkeypatch,
                                                                        capsys):
    location = tmp_path / "copy.duckdb"
    shutil.copy(demo["ws"], location)
    before = table_counts(str(location))
    code, _, _ = run_main(monkeypatch, capsys, "import", "deals", str(tmp_path / "nofile.csv"),
                          "-w", str(location))
    assert code == 1 and location.exists() and table_counts(str(location)) == before


# --------------------------------------------------------------------------------------------
# narrowing
# --------------------------------------------------------------------------------------------

def test_from_and_to_narrow_the_periods(demo):
    rows = rows_json("-w", demo["ws"], "--by", "company", "--from", "2025-04", "--to", "2025-06")
    assert [r["period"] for r in rows] == ["2025-04", "2025-05", "2025-06"]


def test_team_narrows_to_the_reps_who_were_in_it(demo):
    rows = rows_json("-w", demo["ws"], "--team", "nordics-smb", "--from", "2025-04", "--to", "2025-06")
    periods = defaultdict(list)
    for r in rows:
        periods[r["id"]].append(r["period"])
    assert set(periods) == {"anna.lindqvist", "erik.johansson", "oskar.holm", "johan.berg",
                            "sara.nilsson"}
    assert periods["johan.berg"] == ["2025-04", "2025-05"]  # moved out on 2025-05-16
    assert periods["sara.nilsson"] == ["2025-06"]  # hired 2025-06-02


def test_team_narrows_a_team_report_to_its_subtree(demo):
    rows = rows_json("-w", demo["ws"], "--by", "team", "--team", "Nordics", "--period", "year")
    assert {r["id"] for r in rows} == {"nordics", "nordics-smb", "nordics-enterprise"}


def test_team_with_the_company_report_is_an_error_not_ignored(demo, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "attainment", "-w", demo["ws"], "--by",
                              "company", "--team", "Nordics")
    assert (code, out, err.strip()) == (2, "", (
        "error: --team narrows a rep or team report; the company is every team: use --by team "
        "--team NAME for that team and those under it"))


def test_rep_narrows_to_one_rep(demo):
    rows = rows_json("-w", demo["ws"], "--rep", "Karin Svensson")
    assert {r["id"] for r in rows} == {"karin.svensson"}
    assert len(rows) == 12


# --------------------------------------------------------------------------------------------
# explain
# --------------------------------------------------------------------------------------------

def test_explain_of_a_parent_team_names_the_team_each_part_of_a_movers_quota_comes_through(demo):
    quotas = explain_json(demo["ws"], "--team", "nordics", "--period", "2025-05")["quotas"]
    johan = [(q["in_team"], q["days_in_team"], q["days"]) for q in quotas if q["rep_id"] == "johan.berg"]
    assert johan == [("nordics-enterprise", "16", "31"), ("nordics-smb", "15", "31")]


def test_explain_of_a_month_without_quota_says_so_and_shows_no_ratio(demo):
    table = read_only("explain", "-w", demo["ws"], "--rep", "magnus.ekstrom", "--period", "2025-07")
    last = table.strip().splitlines()[-1]
    assert last.endswith("(sum of 'MRR closed' above), quota none: no quota; time zone "
                         "Europe/Stockholm")


def explain_json(location: str, *args: str) -> dict:
    return json.loads(read_only("explain", "-w", location, *args, "-f", "json"))


def test_explain_rep_rows_add_up_to_the_attainment_row(demo):
    e = explain_json(demo["ws"], "--rep", "karin.svensson", "--period", "2025-04")
    [row] = rows_json("-w", demo["ws"], "--rep", "karin.svensson", "--from", "2025-04", "--to", "2025-04")
    closed = sum(Decimal(d["mrr_closed"]) for d in e["deals"])
    assert closed.quantize(CENT) == Decimal(row["mrr_closed"]) == Decimal(e["mrr_closed"])
    quota = sum(Decimal(q["quota"]) for q in e["quotas"])
    assert quota.quantize(CENT) == Decimal(row["quota"]) == Decimal("120000")
    _, ids = hand_mrr_closed(demo["files"], "karin.svensson", "2025-04")
    assert sorted(d["deal_id"] for d in e["deals"]) == ids


def test_a_rep_is_found_by_id_full_name_or_e_mail_in_any_case(demo):
    from kvot.demo.company import EMAIL_DOMAIN

    by_id = explain_json(demo["ws"], "--rep", "karin.svensson", "--period", "2025-04")
    mail = f"Karin.Svensson@{EMAIL_DOMAIN.upper()}"
    names = ("Karin Svensson", "karin svensson", mail, f" {mail} ")
    for wanted in names:
        assert explain_json(demo["ws"], "--rep", wanted, "--period", "2025-04") == by_id, wanted


def test_the_deal_closed_at_2330_utc_on_31_march_is_in_april_in_stockholm(demo):
    april = explain_json(demo["ws"], "--rep", "karin.svensson", "--period", "2025-04")
    march = explain_json(demo["ws"], "--rep", "karin.svensson", "--period", "2025-03")
    [deal] = [d for d in april["deals"] if d["deal_id"] == "D25-0147"]
    assert (deal["close_on"], Decimal(deal["mrr_closed"])) == ("2025-04-01", Decimal("60000"))  # 720 000 / 12
    assert "D25-0147" not in {d["deal_id"] for d in march["deals"]}
    # 2025-01-31T22:45:00Z is 23:45 in Stockholm: it stays in January
    january = explain_json(demo["ws"], "--rep", "erik.johansson", "--period", "2025-01")
    assert "D25-0045" in {d["deal_id"] for d in january["deals"]}


def test_explain_team_quota_weighted_by_days_adds_up_to_the_attainment_row(demo):
    # Nordics SMB, May 2025: johan.berg (70 000) was in the team 1-15 May (15 of 31 days)
    e = explain_json(demo["ws"], "--team", "nordics-smb", "--period", "2025-05")
    [row] = rows_json("-w", demo["ws"], "--by", "team", "--team", "nordics-smb", "--from",
                      "2025-05", "--to", "2025-05")
    quotas = {q["rep"]: Decimal(q["amount"]) for q in read_csv(demo["files"] / "quotas.csv")
              if q["period"] == "2025-05" and q["rep"] in
              ("anna.lindqvist", "erik.johansson", "oskar.holm", "johan.berg")}
    by_hand = (quotas["anna.lindqvist"] + quotas["erik.johansson"] + quotas["oskar.holm"]
               + quotas["johan.berg"] * 15 / 31)
    assert e["quota_source"] == "members"
    assert {q["rep_id"]: q["days_in_team"] for q in e["quotas"]}["johan.berg"] == "15"
    weighted = sum(Decimal(q["weighted"]) for q in e["quotas"])
    assert weighted.quantize(CENT) == Decimal(row["quota"]) == by_hand.quantize(CENT)
    closed = sum(Decimal(d["mrr_closed"]) for d in e["deals"])
    assert closed.quantize(CENT) == Decimal(row["mrr_closed"])


def test_explain_team_with_an_explicit_quota_uses_it(demo):
    e = explain_json(demo["ws"], "--team", "dach-mid", "--period", "2025-Q1")
    [row] = rows_json("-w", demo["ws"], "--by", "team", "--team", "dach-mid", "--period",
                      "quarter", "--from", "2025-Q1", "--to", "2025-Q1")
    assert e["quota_source"] == "team"
    assert sum(Decimal(q["quota"]) for q in e["quotas"]) == Decimal(row["quota"]) == 600000
    assert sum(Decimal(d["mrr_closed"]) for d in e["deals"]).quantize(CENT) == Decimal(row["mrr_closed"])


# --------------------------------------------------------------------------------------------
# demo facts (docs/demo.md)
# --------------------------------------------------------------------------------------------

def test_demo_prints_a_report_and_leaves_a_workspace(demo):
    assert "MRR closed vs quota" in demo["printed"] and "Nordics SMB" in demo["printed"]
    assert "imported deals" in demo["notes"] and "imported deals" not in demo["printed"]
    rows = rows_json("-w", demo["ws"], "--by", "company")
    assert [r["period"] for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert ok("attainment", "-w", demo["ws"], "--by", "company").count("Company") >= 12


def test_demo_missing_month_quota_is_no_quota_and_quarter_sums_what_exists(demo):
    months = {r["period"]: r for r in rows_json("-w", demo["ws"], "--rep", "magnus.ekstrom")}
    assert months["2025-07"]["quota"] is None and months["2025-07"]["attainment_pct"] is None
    assert months["2025-08"]["quota"] == "110000.00"
    q3 = rows_json("-w", demo["ws"], "--rep", "magnus.ekstrom", "--period", "quarter",
                   "--from", "2025-Q3", "--to", "2025-Q3")
    assert q3[0]["quota"] == "220000.00"  # August + September only


def test_demo_quarterly_quota_shows_no_quota_per_month(demo):
    months = rows_json("-w", demo["ws"], "--rep", "emily.clarke")
    assert len(months) == 12 and all(r["quota"] is None for r in months)
    quarters = rows_json("-w", demo["ws"], "--rep", "emily.clarke", "--period", "quarter")
    assert [r["quota"] for r in quarters] == ["225000.00"] * 4


# --------------------------------------------------------------------------------------------
# one-shot use: no workspace file
# --------------------------------------------------------------------------------------------

ONE_SHOT = {
    "deals.csv": """
        deal_id,owner,stage,close_date,amount,currency
        D1,anna,Won,2025-03-10,1000,EUR
        D2,bo,Won,2025-03-12,5000,SEK
        D3,anna,Lost,2025-03-14,9000,SEK
        D4,bo,Won,2025-04-02,7000,SEK
        """,
    "quotas.csv": """
        rep,period,amount,currency
        anna,2025-03,20000,SEK
        bo,2025-03,10000,SEK
        """,
    "reps.csv": """
        rep_id,name,team
        anna,Anna Berg,North
        bo,Bo Ek,North
        """,
    "fx.csv": """
        currency,base,date,rate
        EUR,SEK,2025-03-01,11.5
        """,
}


def test_one_shot_reports_from_files_and_creates_no_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVOT_WORKSPACE", raising=False)
    for name, text in ONE_SHOT.items():
        Path(name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    out = ok("attainment", "--deals", "deals.csv", "--quotas", "quotas.csv", "--reps", "reps.csv",
             "--fx", "fx.csv", "--reporting-currency", "SEK", "--by", "team", "-f", "json")
    assert sorted(os.listdir(tmp_path)) == before  # no kvot.duckdb, nothing else
    rows = {r["period"]: r for r in json.loads(out)["rows"]}
    # March: anna 1 000 EUR x 11.5 = 11 500 + bo 5 000 = 16 500 against 30 000 = 55.00 %
    assert (rows["2025-03"]["mrr_closed"], rows["2025-03"]["quota"],
            rows["2025-03"]["attainment_pct"]) == ("16500.00", "30000.00", "55.00")
    assert (rows["2025-04"]["mrr_closed"], rows["2025-04"]["quota"],
            rows["2025-04"]["attainment_pct"]) == ("7000.00", None, None)
    reps = json.loads(ok("attainment", "--deals", "deals.csv", "--quotas", "quotas.csv",
                         "--fx", "fx.csv", "--reporting-currency", "SEK", "-f", "json",
                         "--from", "2025-03", "--to", "2025-03"))["rows"]
    assert {r["id"]: r["attainment_pct"] for r in reps} == {"anna": "57.50", "bo": "50.00"}
    assert sorted(os.listdir(tmp_path)) == before


def test_one_shot_without_the_rates_it_needs_says_to_give_them_with_fx(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVOT_WORKSPACE", raising=False)
    for name, text in ONE_SHOT.items():
        Path(name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    result = invoke("attainment", "--deals", "deals.csv", "--quotas", "quotas.csv",
                    "--reporting-currency", "SEK")
    assert result.exit_code == 1 and result.stdout == ""
    assert ("error: figures not shown: the files have blocking data-quality findings\n"
            "  missing-fx: 1 - Deals or quotas without an exchange rate;") in result.stderr
    assert result.stderr.rstrip().endswith(
        "import them into a workspace and run kvot check for every example; --allow cannot "
        "show figures without exchange rates: give them with --fx FILE")


# --------------------------------------------------------------------------------------------
# errors and exit codes
# --------------------------------------------------------------------------------------------

BAD_DEALS = """\
deal_id,owner,stage,close_date,amount,currency
X1,karin.svensson,Closed Won,2025-03-10,10000,SEK
X2,karin.svensson,Closed Won,2025-03-11,12 000 SEK?,SEK
"""


def test_a_bad_file_exits_1_names_file_line_column_value_and_changes_nothing(
        demo, tmp_path, monkeypatch, capsys):
    location = str(tmp_path / "copy.duckdb")
    shutil.copy(demo["ws"], location)
    before = table_counts(location)
    monkeypatch.chdir(tmp_path)
    Path("bad_deals.csv").write_text(BAD_DEALS, encoding="utf-8")
    code, out, err = run_main(monkeypatch, capsys, "import", "deals", "bad_deals.csv", "-w", location)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    assert re.search(r'bad_deals\.csv line 3, column "amount": \'12 000 SEK\?\'', err), err
    assert "nothing was imported" in err
    assert table_counts(location) == before


def test_a_bad_file_through_the_cli_runner_exits_1(demo, tmp_path):
    location = str(tmp_path / "copy.duckdb")
    shutil.copy(demo["ws"], location)
    bad = tmp_path / "bad_deals.csv"
    bad.write_text(BAD_DEALS, encoding="utf-8")
    result = invoke("import", "deals", str(bad), "-w", location)
    assert result.exit_code == 1
    assert isinstance(result.exception, kvot.errors.ImportRejected)
    assert [(e.line, e.column) for e in result.exception.errors] == [(3, "amount")]


def test_an_unknown_level_is_refused_with_a_clear_message(demo, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "attainment", "-w", demo["ws"], "--by", "galaxy")
    assert code in (1, 2) and out == ""
    assert "galaxy" in err and "rep, team, company" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["attainment", "imports", "rejects"])
def test_an_unknown_format_is_a_usage_error(demo, monkeypatch, capsys, command):
    code, out, err = run_main(monkeypatch, capsys, command, "-w", demo["ws"], "-f", "xml")
    assert code == 2 and out == ""
    assert "'xml' is not one of table, csv, json" in err


@pytest.mark.parametrize("args, says", [
    (["--from", "2025-13"], "period '2025-13' is not a period label"),
    (["--from", "2025-06", "--to", "2025-03"], "--from 2025-06 is after --to 2025-03"),
    (["--by", "team", "--rep", "karin.svensson"], "--rep narrows a rep report"),
])
def test_options_kvot_cannot_use_are_usage_errors(demo, monkeypatch, capsys, args, says):
    code, out, err = run_main(monkeypatch, capsys, "attainment", "-w", demo["ws"], *args)
    assert (code, out) == (2, "") and err.startswith(f"error: {says}")


def test_an_unknown_time_zone_is_named_as_one(demo, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "attainment", "-w", demo["ws"], "--timezone",
                              "Mars/Base")
    assert (code, out, err.strip()) == (1, "", "error: timezone = 'Mars/Base' is not an IANA time "
                                                "zone name (e.g. Europe/Stockholm)")


def test_explain_without_rep_or_team_is_a_usage_error(demo, monkeypatch, capsys):
    for who in ([], ["--rep", "karin.svensson", "--team", "north"]):
        code, out, err = run_main(monkeypatch, capsys, "explain", "-w", demo["ws"],
                                  "--period", "2025-04", *who)
        assert code == 2 and out == ""
        assert "explain needs exactly one of --rep or --team" in " ".join(err.replace("│", " ").split())


def test_an_unknown_grain_is_refused_with_a_clear_message(demo, monkeypatch, capsys):
    code, out, err = run_main(monkeypatch, capsys, "attainment", "-w", demo["ws"], "--period", "fortnight")
    assert code in (1, 2) and out == ""
    assert "fortnight" in err and "month, quarter, year" in err


def test_the_workspace_env_var_picks_the_workspace(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    via_env = ok("attainment", "--by", "company", "-f", "json", env={"KVOT_WORKSPACE": demo["ws"]})
    via_option = read_only("attainment", "-w", demo["ws"], "--by", "company", "-f", "json")
    assert via_env == via_option and json.loads(via_env)["currency"] == "SEK"
    assert not (tmp_path / "kvot.duckdb").exists()


# --------------------------------------------------------------------------------------------
# the installed console script
# --------------------------------------------------------------------------------------------

def console_script() -> str:
    found = Path(sys.executable).with_name("kvot")
    if not found.exists():
        pytest.skip(f"no kvot console script beside {sys.executable}")
    return str(found)


def test_console_script_exits_0_and_stdout_carries_only_data(tmp_path):
    for name, text in ONE_SHOT.items():
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "KVOT_WORKSPACE"}
    done = subprocess.run([console_script(), "attainment", "--deals", "deals.csv", "--quotas",
                           "quotas.csv", "--fx", "fx.csv", "--reporting-currency", "SEK",
                           "--by", "company", "-f", "csv"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "read deals: 4 rows" in done.stderr  # notes go to stderr ...
    lines = done.stdout.splitlines()  # ... and stdout is the CSV alone
    assert lines[0].startswith("level,id,name,")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["period"], r["mrr_closed"], r["quota"], r["attainment_pct"]) for r in rows] == [
        ("2025-03", "16500.00", "30000.00", "55.00"), ("2025-04", "7000.00", "", "")]


def test_the_console_script_runs_the_entry_function_that_reports_errors():
    # `app` alone lets a KvotError escape as a traceback; `main` turns it into "error: ..."
    [script] = [e for e in entry_points(group="console_scripts") if e.name == "kvot"]
    assert script.value == "kvot.cli.main:main"


def test_sql_prints_the_query_that_would_run_and_runs_nothing(demo):
    printed = ok("attainment", "-w", demo["ws"], "--by", "team", "--period", "quarter", "--sql")
    assert printed.lstrip().startswith(("WITH", "SELECT"))
    assert "CAST(" in printed and "DECIMAL(38, 10)" in printed  # money stays DECIMAL, never float
    assert "DOUBLE" not in printed.upper() and "FLOAT" not in printed.upper()
    assert "_kvot_team_closure" in printed and "memberships" in printed


def test_version_prints_the_package_version_and_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    printed = ok("--version")
    assert printed == f"kvot {kvot.__version__}\n"
    assert not list(tmp_path.iterdir())  # no workspace made


def test_each_import_command_offers_only_the_options_of_its_kind(tmp_path):
    assert "--team-path" in ok("import", "reps", "--help")
    deals_help = ok("import", "deals", "--help")
    assert "--won-stages" in deals_help and "--team-path" not in deals_help
    assert "--currency" not in ok("import", "credits", "--help")
    refused = invoke("import", "credits", str(tmp_path / "credits.csv"), "--currency", "SEK")
    assert refused.exit_code == 2 and "No such option: --currency" in refused.output


def test_rejects_table_prints_the_fix_as_written_brackets_and_all(tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text("deal_id,owner,stage,close_date,amount,currency,kind\n"
                     "D1,Bo,Won,2025-01-10,1000,SEK,new\n"
                     "D2,Bo,Won,2025-01-11,900,SEK,Weird Type\n")
    ws = str(tmp_path / "ws.duckdb")
    ok("import", "deals", str(deals), "-w", ws, "--on-error", "skip", "--reporting-currency", "SEK")
    table = ok("rejects", "-w", ws)
    assert "kvot.toml: [kinds]" in table  # Rich would read "[kinds]" as markup and drop it

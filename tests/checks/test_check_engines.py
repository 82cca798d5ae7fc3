"""Every check on DuckDB, PostgreSQL and Spark: one workspace holding every finding, the same
report on each engine (counts, examples, details), with the counts set by hand."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from kvot.checks import CHECKS, Example, run_checks
from kvot.store.settings import effective_settings
from tests.conftest import make_builder

TODAY = date(2025, 6, 15)
FILES = dict(
    teams="""
        team_id,name
        north,north
        """,
    reps="""
        rep_id,name,team,team_from,hired_on,left_on
        anna,Anna,north,,,
        bo,Bo,north,,,
        cy,Cy,north,,2025-03-10,
        dan,Dan,north,2025-01-01,,
        dan,Dan,South,2025-03-01,,
        eva,Eva,north,,,2025-04-30
        """,
    deals="""
        deal_id,name,owner,stage,close_date,amount,kind,currency
        D1,Acme,Anna,Won,2025-01-10,1000,new,SEK
        D2,Beta,Bo,Won,2025-01-12,900,new,SEK
        D3,Gamma renewal,Anna,Won,2025-01-13,100,new,SEK
        d1,Acme again,Anna,Won,2025-01-14,500,new,SEK
        D5,Free,Bo,Won,2025-01-15,0,new,SEK
        D6,Huge,Anna,Won,2025-02-10,90000,new,SEK
        D7,Euro,Bo,Won,2025-01-11,100,new,EUR
        D8,Krone,Bo,Won,2025-03-12,100,new,NOK
        D9,Split,Anna,Won,2025-02-11,400,new,SEK
        D10,Early,Cy,Won,2025-02-01,300,new,SEK
        D11,Late,Eva,Won,2025-05-02,200,new,SEK
        D12,Pending,Eva,Closed Won - Pending,2025-02-12,200,new,SEK
        D13,Nobody,Bo,Won,2025-02-13,100,new,SEK
        D14,Stranger,Fred,Won,2025-02-14,100,new,SEK
        D15,Ahead,Anna,Won,2025-07-01,100,new,SEK
        """,
    credits="""
        deal_id,rep,share
        D9,Anna,60 %
        D9,Bo,40 %
        """,
    quotas="""
        rep,period,amount,currency
        Anna,2025-01,1500,SEK
        Anna,2025-Q1,3000,SEK
        Bo,2025-01,1000,SEK
        Bo,2025-02,10000,SEK
        Cy,2025-03,1000,SEK
        Eva,2025-02,1000,SEK
        Gus,2025-01,500,SEK
        """,
    fx="""
        currency,base,date,rate
        EUR,SEK,2025-02-01,11.5
        """,
)
CHANGES = (  # states no import makes
    "INSERT INTO deals SELECT * FROM deals WHERE deal_id = 'D2'",
    "UPDATE deals SET owner_id = NULL WHERE deal_id = 'D13'",
    "UPDATE credits SET share = 0.5 WHERE deal_id = 'D9' AND rep_id = 'anna'",
    "UPDATE memberships SET valid_from = NULL, valid_to = NULL WHERE rep_id = 'dan'",
    "UPDATE quotas SET ends_on = DATE '2025-01-30' WHERE rep_id = 'bo' AND starts_on = DATE '2025-01-01'",
    "INSERT INTO quotas VALUES (NULL, 'north', DATE '2025-02-01', DATE '2025-04-30', 3000, 'SEK', "
    "'mrr', (SELECT max(import_id) FROM quotas), 9)",
)


def report_on(engine: str, folder) -> list[tuple]:
    """(code, count, examples) of every finding, the folder of the files left out."""
    cleanups: list = []
    try:
        ws = make_builder(engine, folder, cleanups)(
            settings={"reporting_currency": "SEK"}, changes=CHANGES, **FILES)
        report = run_checks(ws, effective_settings(ws), today=TODAY)
        assert len(report.checked) == len(CHECKS)
    finally:
        for cleanup in cleanups:
            cleanup()
    return [(f.code, f.count, [_relative(e, folder) for e in f.examples]) for f in report.findings]


def _relative(example: Example, folder) -> Example:
    here = f"{folder}/"
    return Example((example.file or "").replace(here, ""), example.line,
                   example.detail.replace(here, ""))


@pytest.fixture(scope="module")
def duckdb_report(tmp_path_factory) -> list[tuple]:
    return report_on("duckdb", tmp_path_factory.mktemp("duckdb"))


def test_every_check_finds_what_was_planted(duckdb_report):
    assert {code: count for code, count, _ in duckdb_report} == EXPECTED_COUNTS
    examples = dict((code, examples) for code, _, examples in duckdb_report)
    assert examples["overlapping-quotas"] == [Example(
        "quotas.csv", 3, "anna: 2025-01-01 to 2025-03-31 overlaps 2025-01-01 to 2025-01-31 "
        "(quotas.csv line 2)")]
    assert examples["deal-id-case-variants"] == [
        Example("deals.csv", 2, "deal id D1 also appears as d1"),
        Example("deals.csv", 5, "deal id d1 also appears as D1")]
    assert examples["quotas-across-periods"] == [Example(
        "quotas.csv", 9, "team north: 2025-02-01 to 2025-04-30 counts in no quarter of the "
                         "calendar year")]
    # the pair in byte order of the team ids ("S" before "n"), as on every engine
    assert examples["overlapping-memberships"] == [Example(
        "reps.csv", None,
        'rep dan: team "South" (always to now) and team "north" (always to now) overlap')]


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_every_check_gives_the_same_report_on_every_engine(engine, duckdb_report, tmp_path):
    assert report_on(engine, tmp_path) == duckdb_report


# By hand, from the files and changes above (today 2025-06-15, reporting in SEK):
EXPECTED_COUNTS = {
    "duplicate-deal-ids": 2,  # D2's two rows
    "won-without-close-date-or-owner": 1,  # D13, its owner removed, no credits
    "splits-not-100": 1,  # D9: 50 % + 40 %
    "missing-fx": 2,  # D7 in EUR before the first rate (2025-02-01), D8 in NOK: no rate at all
    "overlapping-memberships": 1,  # Dan in north and in South, both always
    "overlapping-quotas": 1,  # Anna's 2025-01 inside her 2025-Q1
    "deal-id-case-variants": 2,  # D1 and d1
    "unknown-reps": 2,  # Fred (a deals file), Gus (a quotas file)
    "unknown-teams": 1,  # South, made up by the reps file
    "nonpositive-mrr": 1,  # D5 at 0
    "deals-outside-employment": 2,  # D10 before Cy's hire, D11 after Eva left
    "quotas-off-period-boundaries": 1,  # Bo's January ending on the 30th
    "quotas-across-periods": 1,  # north's February to April: in no calendar quarter
    "active-reps-without-quota": 2,  # Fred (D14 in the quota span), Dan (a member, no quota)
    "quota-starts-late": 1,  # Eva from 2025-02, the others from 2025-01 (Cy hired in March)
    "quota-without-deals": 1,  # Gus
    # best months: Bo 1 800 (D2 twice), Cy 300, Eva 200; quotas 10 000, 1 000, 1 000 > 3x
    "quota-far-from-history": 3,
    # SEK median of the 12 won MRRs above 0 is (300 + 400) / 2 = 350: D6 (90 000) > 3 500
    "outlier-deals": 1,
    "deal-name-vs-kind": 1,  # D3 "Gamma renewal" typed new
    "future-won-deals": 1,  # D15 on 2025-07-01
    "unmapped-stages": 1,  # "Closed Won - Pending"
}


@pytest.fixture
def postgres_sorting_by_language(monkeypatch):
    """A PostgreSQL database whose text sorts as in English ("north" before "South")."""
    import psycopg

    from tests import conftest

    server = conftest.postgres_or_skip()
    name = "kvot_test_en_us"
    try:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name}")
            con.execute(f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu "
                        "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    except psycopg.Error as exc:
        pytest.skip(f"cannot create a database with ICU collation en-US: {exc}".strip())
    monkeypatch.setattr(conftest, "POSTGRES_URL", server.rsplit("/", 1)[0] + "/" + name)
    yield conftest.POSTGRES_URL
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_postgresql_database_sorting_text_by_language_gives_the_same_report(
        postgres_sorting_by_language, duckdb_report, tmp_path):
    import psycopg

    with psycopg.connect(postgres_sorting_by_language) as con:
        assert con.execute("SELECT 'north' < 'South'").fetchone() == (True,)  # not byte order
    assert report_on("postgres", tmp_path) == duckdb_report


def test_writing_a_check_for_postgresql_first_leaves_ibis_dates_as_postgresql_reads_them():
    """sqlglot fixes a dialect's rules at the first SQL it writes; Ibis adds its own on import."""
    code = (
        "from kvot.checks.engine import CheckTables\n"
        "CheckTables('w', 'postgres', print).execute('SELECT DATE \\'2025-01-01\\' AS d')\n"
        "import datetime, ibis\n"
        "t = ibis.table({'d': 'date'}, name='t')\n"
        "print(ibis.to_sql(t.filter(t.d > datetime.date(2025, 1, 1)), dialect='postgres'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "MAKE_DATE(2025, 1, 1)" in out.stdout and "DATE_FROM_PARTS" not in out.stdout


def test_a_spark_folder_without_the_imports_log_gives_findings_without_files(tmp_path):
    from kvot.store.export import export_parquet
    from kvot.store.spark import SparkWorkspace, file_name
    from tests.conftest import spark_or_skip

    session = spark_or_skip()
    cleanups: list = []
    ws = make_builder("duckdb", tmp_path, cleanups)(settings={"reporting_currency": "SEK"}, quotas="""
        rep,period,amount
        Bo,2025-01,1000
        Bo,2025-Q1,3000
        """)
    lake = tmp_path / "lake"
    export_parquet(ws, lake)
    (lake / file_name("_kvot_imports")).unlink()
    on_spark = SparkWorkspace.connect(str(lake), session=session)
    report = run_checks(on_spark, effective_settings(on_spark), today=TODAY, only_blocking=True)
    [finding] = report.findings
    assert (finding.code, finding.count) == ("overlapping-quotas", 1)
    assert finding.examples == [Example(None, 3, "Bo: 2025-01-01 to 2025-03-31 overlaps "
                                                 "2025-01-01 to 2025-01-31 (? line 2)")]
    for cleanup in cleanups:
        cleanup()

"""The workspace: a versioned schema, idempotent imports, and a log of every import (SPEC 6)."""
from __future__ import annotations

import hashlib
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pytest
from decimal import Decimal

import kvot
from kvot.cli.main import main
from kvot.errors import KvotError, WorkspaceError
from kvot.store.schema import MIGRATIONS, SCHEMA_VERSION

DATA_TABLES = ("teams", "reps", "memberships", "deals", "credits", "quotas", "fx_rates",
               "_kvot_team_closure", "_kvot_settings", "_kvot_schema")

FILES = {
    "teams": ("teams.csv", """
        team_id,name,parent,level
        north,North,,region
        north-smb,North SMB,north,team
        """),
    "reps": ("reps.csv", """
        rep_id,name,email,team,team_from,hired_on,left_on
        anna,Anna Berg,anna@example.se,north-smb,2025-01-01,2024-06-01,
        bo,Bo Ek,bo@example.se,north-smb,,2024-01-01,
        bo,Bo Ek,bo@example.se,north,2025-02-15,2024-01-01,
        """),
    "deals": ("deals.csv", """
        deal_id,name,owner,stage,close_date,amount,currency,kind
        D1,Acme AB,anna,Closed Won,2025-01-10,1000,SEK,new
        D2,Beta GmbH,bo,Closed Won,2025-02-20T23:30:00Z,300,EUR,expansion
        D3,Gamma AB,bo,Closed Lost,2025-02-21,500,SEK,new
        D3,Gamma AB,bo,Closed Lost,2025-02-21,500,SEK,new
        D4,Delta AB,anna,Proposal,,,,new
        """),
    "credits": ("credits.csv", """
        deal_id,rep,share,credit_type
        D1,anna,60 %,revenue
        D1,bo,40 %,revenue
        """),
    "quotas": ("quotas.csv", """
        rep,team,period,amount,currency
        anna,,2025-01,10000,SEK
        bo,,2025-Q1,30000,SEK
        ,north,2025-01,50000,SEK
        """),
    "fx": ("fx.csv", """
        currency,base,date,rate
        EUR,SEK,2025-01-01,11.5
        EUR,SEK,2025-02-01,11.25
        """),
}
DATA_ROWS = {"teams": 2, "reps": 3, "deals": 5, "credits": 2, "quotas": 3, "fx": 2}


def write(folder: Path, kind: str, text: str | None = None) -> Path:
    name, default = FILES[kind]
    path = folder / name
    path.write_text(textwrap.dedent(text or default).lstrip(), encoding="utf-8")
    return path


def import_all(ws, folder: Path, config: Path) -> list:
    return [kvot.import_file(ws, kind, write(folder, kind), config=config,
                             reporting_currency="SEK") for kind in FILES]


def snapshot(ws) -> dict[str, list[tuple]]:
    """Every row of every data table, in a stable order."""
    return {t: sorted(ws.execute(f"SELECT * FROM {t}"), key=repr) for t in DATA_TABLES}


# --------------------------------------------------------------------------------------------
# schema versions
# --------------------------------------------------------------------------------------------

def test_a_new_workspace_records_every_migration_once(tmp_path):
    location = tmp_path / "ws.duckdb"
    ws = kvot.open_workspace(location)
    first = ws.execute("SELECT version, description, applied_at FROM _kvot_schema ORDER BY version")
    ws.close()
    assert [v for v, _, _ in first] == [m[0] for m in MIGRATIONS]
    assert first[-1][0] == SCHEMA_VERSION
    ws = kvot.open_workspace(location)  # opening again applies nothing again
    again = ws.execute("SELECT version, description, applied_at FROM _kvot_schema ORDER BY version")
    ws.close()
    assert again == first


def test_a_workspace_from_a_newer_kvot_is_refused_and_left_alone(tmp_path, monkeypatch, capsys):
    location = tmp_path / "ws.duckdb"
    ws = kvot.open_workspace(location)
    ws.execute("INSERT INTO _kvot_schema VALUES (?, 'from the future', current_timestamp)",
               [SCHEMA_VERSION + 1])
    ws.close()
    with pytest.raises(WorkspaceError) as refused:
        kvot.open_workspace(location)
    assert str(refused.value) == (
        f"workspace {location} has schema version {SCHEMA_VERSION + 1}, newer than this kvot "
        f"({SCHEMA_VERSION}); upgrade kvot")
    monkeypatch.setattr(sys, "argv", ["kvot", "attainment", "-w", str(location)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1 and out == ""
    assert err.startswith(f"error: workspace {location} has schema version") and "upgrade kvot" in err
    import duckdb
    db = duckdb.connect(str(location))
    assert db.execute("SELECT max(version) FROM _kvot_schema").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()


# --------------------------------------------------------------------------------------------
# idempotent imports
# --------------------------------------------------------------------------------------------

def test_importing_the_same_files_twice_changes_no_row(tmp_path, config):
    ws = kvot.open_workspace(":memory:")
    import_all(ws, tmp_path, config)
    before = snapshot(ws)
    again = import_all(ws, tmp_path, config)
    assert [r.rows_changed for r in again] == [0] * len(FILES)
    assert snapshot(ws) == before
    ws.close()


def test_a_changed_deal_is_replaced_and_the_others_keep_their_import(tmp_path, config):
    ws = kvot.open_workspace(":memory:")
    first = {r.kind: r for r in import_all(ws, tmp_path, config)}
    before = {d: (i, a) for d, i, a in ws.execute("SELECT deal_id, import_id, amount FROM deals")}
    credits_before = snapshot(ws)["credits"]
    changed = FILES["deals"][1].replace("D2,Beta GmbH,bo,Closed Won,2025-02-20T23:30:00Z,300,",
                                        "D2,Beta GmbH,bo,Closed Won,2025-02-20T23:30:00Z,330,")
    assert changed != FILES["deals"][1]
    result = kvot.import_file(ws, "deals", write(tmp_path, "deals", changed), config=config)
    after = {d: (i, a) for d, i, a in ws.execute("SELECT deal_id, import_id, amount FROM deals")}
    assert result.rows_changed == 1
    assert set(after) == set(before) == {"D1", "D2", "D3", "D4"}
    assert after["D2"] == (result.import_id, 330)
    assert result.import_id > first["deals"].import_id
    for deal in ("D1", "D3", "D4"):
        assert after[deal] == before[deal] and after[deal][0] == first["deals"].import_id
    assert snapshot(ws)["credits"] == credits_before
    ws.close()


# --------------------------------------------------------------------------------------------
# the import log
# --------------------------------------------------------------------------------------------

def test_every_import_is_logged_with_its_sha256_and_row_counts(tmp_path, config):
    ws = kvot.open_workspace(":memory:")
    results = import_all(ws, tmp_path, config)
    import_all(ws, tmp_path, config)  # the second, unchanged round is logged too
    log = ws.execute("SELECT import_id, kind, file, checksum, rows_read, rows_changed, imported_at "
                     "FROM _kvot_imports ORDER BY import_id")
    assert len(log) == 2 * len(FILES)
    assert [row[0] for row in log] == list(range(1, 2 * len(FILES) + 1))
    for n, (import_id, kind, file, checksum, rows_read, rows_changed, at) in enumerate(log):
        path = tmp_path / FILES[kind][0]
        assert kind == list(FILES)[n % len(FILES)]
        assert file == str(path)
        assert checksum == hashlib.sha256(path.read_bytes()).hexdigest()
        assert rows_read == DATA_ROWS[kind]
        assert at is not None
        if n >= len(FILES):
            assert rows_changed == 0
    # the first round: a changed row count per group written (deals: 4 deals, the repeat dropped)
    first = {kind: changed for _, kind, _, _, _, changed, _ in log[:len(FILES)]}
    assert first["deals"] == 4 and first["credits"] == 1 and first["quotas"] == 3
    assert first["fx"] == 2 and first["teams"] == 2
    assert [r.rows_changed for r in results] == [first[k] for k in FILES]
    listed = kvot.imports(ws)[0]
    assert listed["kind"] == "teams" and listed["checksum"] == log[0][3]
    ws.close()


def test_a_rejected_file_is_not_logged_and_changes_nothing(tmp_path, config):
    ws = kvot.open_workspace(":memory:")
    import_all(ws, tmp_path, config)
    before = snapshot(ws) | {"log": ws.execute("SELECT * FROM _kvot_imports")}
    bad = FILES["deals"][1].replace("D1,Acme AB,anna,Closed Won,2025-01-10,1000,",
                                    "D1,Acme AB,anna,Closed Won,2025-13-10,1000,")
    with pytest.raises(kvot.errors.ImportRejected):
        kvot.import_file(ws, "deals", write(tmp_path, "deals", bad), config=config)
    assert snapshot(ws) | {"log": ws.execute("SELECT * FROM _kvot_imports")} == before
    ws.close()


@pytest.mark.parametrize("kind, text, query, stored", [
    ("fx", "currency,base,rate\nEUR,USD,1.0869565217391304\n", "SELECT rate FROM fx_rates",
     Decimal("1.08695652173913")),  # rates keep 14 places
    ("deals", "deal_id,owner,stage,close_date,amount,currency\nD1,anna,Won,2025-01-10,"
              "100.123456789051,USD\n", "SELECT amount FROM deals", Decimal("100.1234567891")),
])
def test_more_decimals_than_kept_are_stored_rounded_half_even(
        tmp_path, config, kind, text, query, stored):
    ws = kvot.open_workspace(":memory:")
    try:
        kvot.import_file(ws, kind, write(tmp_path, kind, text), config=config)
        assert ws.execute(query) == [(stored,)]
    finally:
        ws.close()


def test_a_report_on_a_workspace_that_does_not_exist_is_an_error_not_an_empty_report(tmp_path):
    missing = tmp_path / "typo.duckdb"
    with pytest.raises(WorkspaceError, match="typo.duckdb does not exist"):
        with kvot.workspace_for(str(missing)):
            pass
    assert not missing.exists()


def test_a_report_on_a_missing_postgresql_schema_creates_nothing_and_masks_the_password():
    import uuid

    import psycopg

    from kvot.store.workspace import shown
    from tests.conftest import postgres_or_skip

    url = postgres_or_skip()
    schema = f"kvot_test_typo_{uuid.uuid4().hex[:8]}"
    user, at, rest = url.partition("@")
    if at and ":" not in user.removeprefix("postgresql://"):  # a password the server ignores
        url = f"{user}:secret{at}{rest}"
    with pytest.raises(WorkspaceError, match="does not exist") as exc:
        kvot.open_workspace(f"{url}?schema={schema}", create=False)
    assert "secret" not in str(exc.value)
    with psycopg.connect(url) as con:
        assert con.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s",
                           [schema]).fetchone()[0] == 0
    assert shown("postgresql://kvot:s3cr3t@db.example.com:5432/sales?schema=x") == \
        "postgresql://kvot:***@db.example.com:5432/sales?schema=x"
    assert shown("postgresql://kvot@db/sales") == "postgresql://kvot@db/sales"


def test_a_postgresql_schema_name_longer_than_postgresql_keeps_is_refused():
    from kvot.store.postgres import split_schema

    with pytest.raises(WorkspaceError, match="longer than PostgreSQL's 63 bytes"):
        split_schema("postgresql://db/sales?schema=" + "s" * 64)
    assert split_schema("postgresql://db/sales?schema=" + "s" * 63)[1] == "s" * 63


def test_a_folder_as_duckdb_workspace_points_to_the_spark_engine(tmp_path):
    with pytest.raises(WorkspaceError, match="add --engine spark"):
        kvot.open_workspace(str(tmp_path))


def _duckdb_memory_limit(ws) -> int:
    return ws.db.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_a_duckdb_workspace_works_within_1gb_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("KVOT_MEMORY_LIMIT", raising=False)
    ws = kvot.open_workspace(tmp_path / "a.duckdb")
    assert _duckdb_memory_limit(ws) == "953.6 MiB"  # 1 GB = 10^9 bytes
    ws.close()
    monkeypatch.setenv("KVOT_MEMORY_LIMIT", "2GB")
    ws = kvot.open_workspace(tmp_path / "a.duckdb")
    assert _duckdb_memory_limit(ws) == "1.8 GiB"
    ws.close()


def _storage_version(path) -> str:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as db:
        return db.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                          "WHERE database_name = current_database()").fetchone()[0]


def test_a_new_workspace_is_stored_in_duckdb_1_5s_format_and_an_older_one_keeps_its_own(tmp_path):
    import duckdb

    kvot.open_workspace(tmp_path / "new.duckdb").close()
    assert _storage_version(tmp_path / "new.duckdb") == "v1.5.0+"
    duckdb.connect(str(tmp_path / "old.duckdb")).close()  # DuckDB's default format
    old = kvot.open_workspace(tmp_path / "old.duckdb")
    old.close()
    assert _storage_version(tmp_path / "old.duckdb") == "v1.0.0+"


def test_a_memory_limit_that_is_not_a_size_is_an_error_naming_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("KVOT_MEMORY_LIMIT", "lots")
    with pytest.raises(WorkspaceError) as exc:
        kvot.open_workspace(tmp_path / "a.duckdb")
    assert str(exc.value) == ("KVOT_MEMORY_LIMIT='lots' is not a memory size; write it like "
                              "2GB or 500MB, or none for DuckDB's default")


def test_an_import_works_in_a_scratch_beside_the_workspace_and_removes_it(tmp_path, config):
    ws = kvot.open_workspace(tmp_path / "it's.duckdb")  # a quote in the path, too
    seen, original = [], ws.scratch

    @contextmanager
    def watched():
        with original() as scratch:
            seen.append((tmp_path / "it's.duckdb.scratch").exists())
            yield scratch

    ws.scratch = watched
    import_all(ws, tmp_path, config)
    bad = FILES["deals"][1].replace("2025-01-10", "2025-13-10")
    with pytest.raises(kvot.errors.ImportRejected):
        kvot.import_file(ws, "deals", write(tmp_path, "deals", bad), config=config)
    assert seen.count(True) >= 2  # the deals and the rejected deals, at least
    assert not [p.name for p in tmp_path.iterdir() if "scratch" in p.name]
    assert ws.execute("SELECT database_name FROM duckdb_databases() WHERE NOT internal") == [
        ("it's",)]
    ws.close()


def test_spark_in_local_mode_logs_only_errors_and_says_nothing_of_its_level():
    from kvot.store.spark import LOCAL_CONF, LOG_CONFIG

    assert LOCAL_CONF["spark.driver.extraJavaOptions"] == (
        f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}")
    settings = dict(line.split(" = ") for line in LOG_CONFIG.read_text().splitlines()
                    if " = " in line and not line.startswith("#"))
    assert settings["rootLogger.level"] == settings["logger.gateway.level"] == "error"
    assert settings["logger.gateway.name"] == "org.apache.spark.api.python.PythonGatewayServer"


def test_parquet_files_without_kvots_columns_or_of_other_kinds_are_errors_naming_them(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kvot.store.export import export_parquet
    from kvot.store.spark import SparkWorkspace
    from tests.conftest import make_builder, spark_or_skip

    session = spark_or_skip()
    cleanups: list = []
    ws = make_builder("duckdb", tmp_path, cleanups)(deals="""
        deal_id,owner,stage,close_date,amount,currency
        D1,Anna,Won,2025-01-10,100,SEK
        """, settings={"reporting_currency": "SEK"})
    lake = tmp_path / "lake"
    export_parquet(ws, lake)
    deals = pq.read_table(lake / "deals.parquet")
    as_float = deals.set_column(deals.schema.get_field_index("mrr"), "mrr",
                                deals.column("mrr").cast(pa.float64()))
    pq.write_table(as_float.drop_columns(["is_won"]), lake / "deals.parquet")
    with pytest.raises(WorkspaceError) as exc:
        SparkWorkspace.connect(str(lake), session=session)
    assert str(exc.value) == (
        f"{lake}/deals.parquet: no column is_won (a boolean); column mrr is a floating-point "
        "number: write it as a decimal, e.g. DECIMAL(38,10) (the columns kvot reads are those "
        "kvot export parquet writes: see README, Engines)")
    (lake / "deals.parquet").write_bytes(b"")
    with pytest.raises(WorkspaceError, match=r"deals.parquet cannot be read as Parquet \(.*"
                                             r"is not a Parquet file \(length is too low: 0\)\)"):
        SparkWorkspace.connect(str(lake), session=session)
    for cleanup in cleanups:
        cleanup()


def test_a_duckdb_workspace_open_in_another_process_is_an_error_saying_so(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "busy.duckdb"
    kvot.open_workspace(str(path)).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; "
                               f"held = duckdb.connect({str(path)!r}); print('open', flush=True); "
                               "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WorkspaceError) as exc:
            kvot.open_workspace(str(path))
        assert str(exc.value) == (
            f"workspace {path} is open in another process (PID {holder.pid}): a DuckDB workspace "
            "serves one kvot command at a time; run this one when that one has finished (for many "
            "readers at once, use a PostgreSQL workspace)")
    finally:
        holder.kill()
        holder.wait()

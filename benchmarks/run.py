"""kvot's benchmark: import and full attainment at growing sizes, against hand-written DuckDB SQL.

    python benchmarks/run.py --rows 100000 1000000 10000000

For each size: generate the data (cached by seed and size under --data), import it into a
fresh workspace with kvot.import_file (each kind timed in its own process: rows/s, peak
memory), load the same deals and credits with benchmarks/bulk_load.sql (DuckDB alone, the
floor a set-based import costs on this machine) and check both give the same tables, time
kvot.attainment(by="rep" and "team", period="month") against benchmarks/reference.sql on the
same workspace, check that both give the same rows to the cent, and time re-importing the
deals export unchanged and with 1 % of the deals changed, against the full import.

Above --kvot-import-max rows (default: no limit) the deals and credits are loaded with
benchmarks/bulk_load.sql instead of kvot's importer; the output says so.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import steps  # noqa: E402

SMALL_KINDS = ("teams", "reps", "fx", "quotas")
TABLE_COLUMNS = {
    "deals": "deal_id, name, owner_id, stage, is_won, kind, closed_at, close_on, amount, "
             "amount_basis, months, mrr, currency",
    "credits": "deal_id, rep_id, share, credit_type",
}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_step(*args: str) -> dict:
    """Run one step of benchmarks/steps.py in a fresh Python process; its JSON result."""
    proc = subprocess.run([sys.executable, str(HERE / "steps.py"), *map(str, args)],
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if proc.returncode:
        raise SystemExit(f"step {' '.join(map(str, args))} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def data_for(root: Path, rows: int, seed: int) -> tuple[Path, float | None]:
    folder = root / f"seed{seed}-rows{rows}"
    if (folder / "summary.json").exists():
        return folder, None
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--rows", str(rows),
                    "--seed", str(seed), "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
    return folder, time.perf_counter() - start


def fresh(path: Path) -> Path:
    for p in (path, path.with_suffix(path.suffix + ".wal")):
        p.unlink(missing_ok=True)
    return path


def import_all(ws: Path, data: Path, bulk: bool) -> dict[str, dict]:
    out = {}
    for kind in SMALL_KINDS + ("deals", "credits"):
        file = data / f"{kind}.csv"
        if bulk and kind in ("deals", "credits"):
            out[kind] = run_step("bulk", ws, kind, file)
        else:
            out[kind] = run_step("import", ws, kind, file, data / "kvot.toml")
        r = out[kind]
        log(f"    {r['step']} {kind:8} {r['rows']:>10,} rows {r['seconds']:8.2f} s "
            f"{r['rows'] / r['seconds']:>10,.0f} rows/s  peak {r['peak_rss_mb']:,.0f} MB")
    return out


def same_tables(a: Path, b: Path) -> dict[str, int]:
    """Rows of deals and credits that only one of two workspaces has (0 and 0: identical)."""
    import duckdb

    db = duckdb.connect()
    db.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    db.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    out = {}
    for table, cols in TABLE_COLUMNS.items():
        out[table] = db.execute(f"""SELECT (SELECT count(*) FROM (SELECT {cols} FROM a.{table}
            EXCEPT ALL SELECT {cols} FROM b.{table})) + (SELECT count(*) FROM (SELECT {cols}
            FROM b.{table} EXCEPT ALL SELECT {cols} FROM a.{table}))""").fetchone()[0]
    return out


def attainment(ws: Path, work: Path, repeat: int) -> dict[str, dict]:
    out = {}
    for level in ("rep", "team"):
        k = run_step("kvot", ws, level, work / f"kvot-{level}.parquet", repeat)
        s = run_step("sql", ws, level, work / f"sql-{level}.parquet", repeat)
        agree = steps.compare(str(work / f"kvot-{level}.parquet"), str(work / f"sql-{level}.parquet"))
        out[level] = {"kvot": k, "sql": s, "agree": agree}
        log(f"    attainment by {level}: kvot {k['seconds']:.2f} s (peak {k['peak_rss_mb']:,.0f} MB)"
            f"{' [money-cast patch]' if k.get('patched') else ''}, SQL {s['seconds']:.2f} s "
            f"(peak {s['peak_rss_mb']:,.0f} MB), ratio {k['seconds'] / s['seconds']:.2f}; "
            f"agreement {agree}")
    return out


def changed_export(data: Path) -> Path:
    """deals.csv with 1 % of the deals (every row of them) given a 10 % higher amount."""
    import duckdb

    out = data / "deals-1pct.csv"
    if not out.exists():
        duckdb.connect().execute(f"""COPY (
            SELECT deal_id, name, owner, stage, close_date,
                   CASE WHEN hash(deal_id) % 100 = 0
                        THEN CAST(CAST(amount AS DECIMAL(18,2)) * CAST(1.1 AS DECIMAL(2,1)) AS DECIMAL(18,2))
                        ELSE CAST(amount AS DECIMAL(18,2)) END AS amount,
                   currency, kind, billing_period
            FROM read_csv('{data / 'deals.csv'}', header = true, all_varchar = true))
            TO '{out}' (HEADER, DELIMITER ',')""")
    return out


def incremental(ws: Path, work: Path, data: Path, full: dict) -> dict:
    """Re-import into a copy of the workspace: the same export, then (into another copy) the
    export with 1 % of the deals changed."""
    out = {}
    for label, export in (("unchanged", data / "deals.csv"), ("1 % changed", changed_export(data))):
        copy = fresh(work / "incremental.duckdb")
        shutil.copyfile(ws, copy)
        r = out[label] = run_step("import", copy, "deals", export, data / "kvot.toml")
        log(f"    re-import, {label}: {r['seconds']:.2f} s ({r['changed']:,} deals changed) "
            f"vs full import {full['seconds']:.2f} s; peak {r['peak_rss_mb']:,.0f} MB")
        copy.unlink()
    return out


def checks(workspace, label: str = "") -> dict:
    r = run_step("checks", workspace)
    log(f"    {label}checks: the gate (blocking) {r['seconds']:.2f} s, then reused "
        f"{r['reused_seconds']:.2f} s; every check {r['full_seconds']:.2f} s "
        f"(peak {r['peak_rss_mb']:,.0f} MB): {r['findings']}")
    return r


def postgres(url: str, rows: int, data: Path, work: Path, repeat: int) -> dict:
    """Import the same files into a fresh schema of a PostgreSQL server and time the attainment
    tables and the checks there; the tables must be DuckDB's rows to the cent."""
    import psycopg

    schema = f"kvot_bench_rows{rows}"
    location = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    out = {"import": {}}
    for kind in SMALL_KINDS + ("deals", "credits"):
        r = out["import"][kind] = run_step("import", location, kind, data / f"{kind}.csv",
                                           data / "kvot.toml")
        log(f"    postgres import {kind:8} {r['rows']:>10,} rows {r['seconds']:8.2f} s "
            f"peak {r['peak_rss_mb']:,.0f} MB")
    for level in ("rep", "team"):
        k = run_step("kvot", location, level, work / f"pg-{level}.parquet", repeat)
        agree = steps.compare(str(work / f"pg-{level}.parquet"), str(work / f"kvot-{level}.parquet"))
        out[level] = {"kvot": k, "agree": agree}
        log(f"    postgres attainment by {level}: {k['seconds']:.2f} s (peak "
            f"{k['peak_rss_mb']:,.0f} MB); against DuckDB's table {agree}")
    out["checks"] = checks(location, "postgres ")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return out


def spark(ws: Path, work: Path, repeat: int) -> dict:
    """Export the workspace to Parquet and time the attainment tables and the checks on Spark
    (local mode) from those files; the tables must be DuckDB's rows to the cent."""
    lake = work / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    out = {"export": run_step("export", ws, lake)}
    log(f"    export to Parquet: {out['export']['seconds']:.2f} s")
    for level in ("rep", "team"):
        k = run_step("kvot", f"spark:{lake}", level, work / f"spark-{level}.parquet", repeat)
        agree = steps.compare(str(work / f"spark-{level}.parquet"),
                              str(work / f"kvot-{level}.parquet"))
        out[level] = {"kvot": k, "agree": agree}
        log(f"    spark attainment by {level}: {k['seconds']:.2f} s (peak: Python "
            f"{k['peak_rss_mb']:,.0f} MB, JVM {k['children_peak_mb']:,.0f} MB); "
            f"against DuckDB's table {agree}")
    out["checks"] = checks(f"spark:{lake}", "spark ")
    shutil.rmtree(lake, ignore_errors=True)
    return out


def bench_size(rows: int, args) -> dict:
    log(f"== {rows:,} deal rows (load average {os.getloadavg()[0]:.1f})")
    data, gen_seconds = data_for(args.data, rows, args.seed)
    if gen_seconds is not None:
        log(f"    generated in {gen_seconds:.1f} s: {data}")
    work = args.data / "work" / f"rows{rows}"
    work.mkdir(parents=True, exist_ok=True)
    result = {"rows": rows, "generate_seconds": gen_seconds, "load_before": os.getloadavg(),
              "summary": json.loads((data / "summary.json").read_text())}
    use_kvot = args.kvot_import_max is None or rows <= args.kvot_import_max
    ws = fresh(work / "kvot.duckdb")
    result["import"] = import_all(ws, data, bulk=not use_kvot)
    result["import_by"] = "kvot" if use_kvot else "bulk_load.sql (kvot's importer skipped)"
    if use_kvot and not args.skip_bulk_check:
        bulk = fresh(work / "bulk.duckdb")
        log("    bulk load (DuckDB only) for comparison:")
        result["bulk"] = import_all(bulk, data, bulk=True)
        result["bulk_vs_kvot_rows_differing"] = same_tables(ws, bulk)
        log(f"    bulk load vs kvot import, rows differing: {result['bulk_vs_kvot_rows_differing']}")
        bulk.unlink()
        floor = fresh(work / "copy.duckdb")
        r = result["copy"] = run_step("copy", floor, data / "deals.csv")
        log(f"    DuckDB copying the deals export, no rules: {r['seconds']:.2f} s "
            f"{r['rows'] / r['seconds']:>10,.0f} rows/s  peak {r['peak_rss_mb']:,.0f} MB")
        floor.unlink()
    result["attainment"] = attainment(ws, work, args.repeat)
    result["checks"] = checks(ws)
    result["load_after"] = os.getloadavg()
    if use_kvot:
        result["incremental"] = incremental(ws, work, data, result["import"]["deals"])
    if args.postgres and (args.postgres_max is None or rows <= args.postgres_max):
        result["postgres"] = postgres(args.postgres, rows, data, work, args.repeat)
    if args.spark and (args.spark_max is None or rows <= args.spark_max):
        result["spark"] = spark(ws, work, args.repeat)
    return result


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), None)
    import duckdb

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_mb": mem, "python": platform.python_version(),
            "duckdb": duckdb.__version__, "os": platform.platform(), "load_average": os.getloadavg()}


def print_table(results: list[dict]) -> None:
    print("\nImport (kvot.import_file; rows/s over the file's rows; peak = the process's RSS)")
    print(f"{'rows':>12} {'kind':8} {'by':5} {'rows read':>11} {'seconds':>9} {'CPU s':>8} {'rows/s':>10} "
          f"{'peak MB':>8}")
    for r in results:
        copy = {"deals": r["copy"]} if "copy" in r else {}
        for label, imports in (("", r["import"]), ("bulk", r.get("bulk", {})), ("copy", copy)):
            for kind, i in imports.items():
                by = i["step"] if i["step"] in ("bulk", "copy") else "kvot"
                if label and by != label:
                    continue
                print(f"{r['rows']:>12,} {kind:8} {by:5} {i['rows']:>11,} {i['seconds']:>9.2f} "
                      f"{i['cpu_seconds']:>8.2f} {i['rows'] / i['seconds']:>10,.0f} {i['peak_rss_mb']:>8,.0f}")
    print("\nFull attainment, every rep or team and month (best of runs)")
    print(f"{'rows':>12} {'by':5} {'table rows':>10} {'kvot s':>8} {'SQL s':>8} {'ratio':>6} "
          f"{'kvot CPU':>9} {'SQL CPU':>8} {'kvot MB':>8} {'SQL MB':>7}  agreement")
    for r in results:
        for level, a in r["attainment"].items():
            k, s, g = a["kvot"], a["sql"], a["agree"]
            ok = (g["only_kvot"] == g["only_sql"] == g["cents"] == g["deals"] == g["overlay_mrr"]
                  == g["attainment_pct"] == 0)
            exact = g["mrr_closed"] == g["quota"] == 0
            verdict = ("same to the cent" if ok else f"DIFFER {g}") + (
                "" if exact or not ok else f" (sub-cent: mrr {g['mrr_closed']}, quota {g['quota']} rows)")
            print(f"{r['rows']:>12,} {level:5} {k['rows']:>10,} {k['seconds']:>8.2f} {s['seconds']:>8.2f} "
                  f"{k['seconds'] / s['seconds']:>6.2f} {k['cpu_seconds']:>9.2f} {s['cpu_seconds']:>8.2f} "
                  f"{k['peak_rss_mb']:>8,.0f} {s['peak_rss_mb']:>7,.0f}"
                  f"  {verdict}{' [money-cast patch]' if k.get('patched') else ''}")
    incr = [r for r in results if "incremental" in r]
    if incr:
        print("\nRe-import of the deals export, unchanged and with 1 % of the deals changed, vs the "
              "full import")
        print(f"{'rows':>12} {'export':12} {'changed':>8} {'re-import s':>12} {'full s':>8} "
              f"{'peak MB':>8}")
        for r in incr:
            for label, i in r["incremental"].items():
                print(f"{r['rows']:>12,} {label:12} {i['changed']:>8,} {i['seconds']:>12.2f} "
                      f"{r['import']['deals']['seconds']:>8.2f} {i['peak_rss_mb']:>8,.0f}")
    print_engines(results)


def print_engines(results: list[dict]) -> None:
    """DuckDB, PostgreSQL and Spark side by side: import, attainment, checks."""
    print("\nEngines side by side: import, attainment (best of runs) and checks, seconds; "
          "Spark reads the DuckDB workspace's Parquet export (its import column: the export)")
    print(f"{'rows':>12} {'engine':9} {'deals':>8} {'credits':>8} {'by rep':>7} {'by team':>8} "
          f"{'gate':>6} {'reused':>7} {'all checks':>10} {'checks MB':>9}  tables")
    for r in results:
        for name, imports, tables, checks, agreement in _engines(r):
            c = checks or {}
            print(f"{r['rows']:>12,} {name:9} {imports[0]:>8.2f} {imports[1]:>8.2f} "
                  f"{tables['rep']['kvot']['seconds']:>7.2f} "
                  f"{tables['team']['kvot']['seconds']:>8.2f} {c.get('seconds', 0):>6.2f} "
                  f"{c.get('reused_seconds', 0):>7.2f} {c.get('full_seconds', 0):>10.2f} "
                  f"{c.get('peak_rss_mb', 0) + c.get('children_peak_mb', 0):>9,.0f}  {agreement}")


def _engines(r: dict) -> list[tuple]:
    def same(tables: dict) -> str:
        ok = all(tables[lv]["agree"][k] == 0 for lv in ("rep", "team") for k in
                 ("only_kvot", "only_sql", "mrr_closed", "quota", "deals", "overlay_mrr"))
        return "DuckDB's rows, exactly" if ok else "DIFFER"

    imports = r["import"]
    out = [("duckdb", (imports["deals"]["seconds"], imports["credits"]["seconds"]),
            r["attainment"], r.get("checks"), "the reference")]
    if "postgres" in r:
        p = r["postgres"]
        out.append(("postgres", (p["import"]["deals"]["seconds"], p["import"]["credits"]["seconds"]),
                    p, p["checks"], same(p)))
    if "spark" in r:
        s = r["spark"]
        out.append(("spark", (s["export"]["seconds"], 0.0), s, s["checks"], same(s)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=HERE / "data",
                        help="folder for generated data and workspaces (default benchmarks/data)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each attainment query")
    parser.add_argument("--kvot-import-max", type=int, default=None,
                        help="largest size imported with kvot's importer (above: bulk_load.sql; "
                             "default: every size)")
    parser.add_argument("--skip-bulk-check", action="store_true")
    parser.add_argument("--postgres", metavar="URL",
                        help="also import into and report from this PostgreSQL server (a schema "
                             "kvot_bench_rowsN, dropped afterwards), e.g. "
                             "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres-max", type=int, default=1_000_000,
                        help="largest size run on PostgreSQL (default 1000000)")
    parser.add_argument("--spark", action="store_true",
                        help="also export each workspace to Parquet and report from it with Spark "
                             "in local mode (needs kvot[spark] and Java 17)")
    parser.add_argument("--spark-max", type=int, default=1_000_000,
                        help="largest size run on Spark (default 1000000)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    args.data = args.data.resolve()
    info = machine()
    log(f"machine: {info}")
    results = [bench_size(rows, args) for rows in args.rows]
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str))


if __name__ == "__main__":
    main()

"""One measured step of the benchmark, run in its own process by benchmarks/run.py.

Each step prints one JSON line: what it did, ``seconds`` (the work only, not Python start-up)
and ``peak_rss_mb`` (the process's peak resident memory: Python, kvot and DuckDB together).

    python benchmarks/steps.py import WORKSPACE KIND FILE CONFIG
    python benchmarks/steps.py bulk WORKSPACE KIND FILE          # DuckDB-only load, not kvot
    python benchmarks/steps.py copy WORKSPACE FILE               # DuckDB copying deals, no rules
    python benchmarks/steps.py checks WORKSPACE                   # the gate, every check
    python benchmarks/steps.py export WORKSPACE FOLDER            # Parquet files, for Spark

A WORKSPACE written ``spark:FOLDER`` is read by Spark (local mode) from the Parquet files there;
its steps also report ``children_peak_mb``, the peak memory of the processes Python started
(Spark's JVM).
    python benchmarks/steps.py kvot WORKSPACE LEVEL OUT.parquet REPEAT
    python benchmarks/steps.py sql WORKSPACE LEVEL OUT.parquet REPEAT
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).parent
ROW_COLUMNS = ("id", "name", "period_start", "mrr_closed", "quota", "attainment_pct", "deals",
               "overlay_mrr", "quota_source")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries that over
    exec() from the parent, so a child would report at least its parent's size."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mb() -> float:
    """The summed peak resident memory (VmHWM) of the processes this one started, and theirs."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    ours, found = {os.getpid()}, True
    while found:
        found = False
        for pid, parent in parents.items():
            if parent in ours and pid not in ours:
                ours.add(pid)
                found = True
    total = 0.0
    for pid in ours - {os.getpid()}:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines()
                          if line.startswith("VmHWM:")) / 1024
        except (OSError, StopIteration):
            continue
    return total


def emit(**values) -> None:
    extra = {"children_peak_mb": round(children_peak_mb(), 1)} if SPARK_STEP else {}
    print(json.dumps({**values, "peak_rss_mb": round(peak_rss_mb(), 1), **extra}), flush=True)


SPARK_STEP = []  # set when a step reads a workspace with Spark


def open_workspace(location: str):
    """A DuckDB or PostgreSQL workspace, or ``spark:FOLDER`` read by Spark in local mode."""
    import kvot

    if location.startswith("spark:"):
        SPARK_STEP.append(True)
        return kvot.open_workspace(location[len("spark:"):], engine="spark")
    return kvot.open_workspace(location)


def step_import(workspace: str, kind: str, file: str, config: str) -> None:
    import kvot

    ws = kvot.open_workspace(workspace)
    result, (seconds,), (cpu,) = _timed(
        lambda: kvot.import_file(ws, kind, file, config=Path(config)), 1)
    ws.close()
    emit(step="import", kind=kind, rows=result.rows_read, changed=result.rows_changed,
         seconds=seconds, cpu_seconds=cpu, notes=result.notes)


def step_checks(workspace: str) -> None:
    """The data-quality checks: the blocking ones (the gate ``kvot attainment`` runs first),
    the same answered from the kept report (Spark keeps none: run again), and every check
    (``kvot check``)."""
    import kvot

    ws = open_workspace(workspace)
    _, (gate,), (gate_cpu,) = _timed(lambda: kvot.check(ws, only_blocking=True), 1)
    _, (reused,), _ = _timed(lambda: kvot.check(ws, only_blocking=True, reuse=True), 1)
    report, (full,), (full_cpu,) = _timed(lambda: kvot.check(ws), 1)
    ws.close()
    emit(step="checks", seconds=gate, cpu_seconds=gate_cpu, reused_seconds=reused,
         full_seconds=full, full_cpu_seconds=full_cpu, findings=report.summary())


def step_export(workspace: str, folder: str) -> None:
    """``kvot export parquet FOLDER``: the workspace tables as Parquet files, for Spark."""
    from kvot.store.export import export_parquet

    ws = open_workspace(workspace)
    _, (seconds,), (cpu,) = _timed(lambda: export_parquet(ws, Path(folder)), 1)
    ws.close()
    emit(step="export", seconds=seconds, cpu_seconds=cpu)


def step_bulk(workspace: str, kind: str, file: str) -> None:
    """Load deals or credits with DuckDB alone (see bulk_load.sql): for sizes where kvot's
    importer would not fit in memory, and as the measure of what a set-based import costs."""
    db = duckdb.connect(workspace)
    sql = _sections(HERE / "bulk_load.sql")[kind].replace("{file}", file)
    start, start_cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN")
    for statement in (s for s in sql.split(";") if s.strip()):
        db.execute(statement)
    rows, changed, problems = db.execute(
        "SELECT rows_read, rows_changed, problems FROM _bench_result").fetchone()
    if problems:
        db.execute("ROLLBACK")
        raise SystemExit(f"bulk load of {file}: {problems} bad rows")
    db.execute("COMMIT")
    emit(step="bulk", kind=kind, rows=rows, changed=changed, seconds=time.perf_counter() - start,
         cpu_seconds=time.process_time() - start_cpu)


COPY_DEALS = """INSERT INTO deals (deal_id, name, owner_id, stage, is_won, kind, closed_at, close_on,
        amount, amount_basis, months, mrr, currency, import_id, line)
    SELECT deal_id, name, owner, stage, stage = 'Closed Won', kind, NULL, CAST(close_date AS DATE),
           CAST(amount AS DECIMAL(18,2)), 'per_billing_period', 1, CAST(amount AS DECIMAL(18,2)),
           currency, 1, NULL
    FROM read_csv(?, header = true, all_varchar = true)"""


def step_copy(workspace: str, file: str) -> None:
    """What moving the deals export into a workspace costs before any rule: DuckDB reads the
    CSV and writes its rows into the deals table (casts only, no checks, no repeats dropped),
    within kvot's memory limit. The floor under any import on this machine."""
    import kvot

    kvot.open_workspace(workspace).close()  # the schema, and nothing else
    db = duckdb.connect(workspace)
    db.execute("SET memory_limit = '1GB'")
    start, start_cpu = time.perf_counter(), time.process_time()
    db.execute(COPY_DEALS, [file])
    rows = db.execute("SELECT count(*) FROM deals").fetchone()[0]
    emit(step="copy", kind="deals", rows=rows, changed=rows, seconds=time.perf_counter() - start,
         cpu_seconds=time.process_time() - start_cpu)


def _sections(path: Path) -> dict[str, str]:
    """``-- level: NAME`` / ``-- kind: NAME`` sections of a SQL file; '' for the part before."""
    out, name, lines = {}, "", []
    for line in path.read_text().splitlines():
        if line.startswith(("-- level: ", "-- kind: ")):
            out[name], name, lines = "\n".join(lines), line.split(": ", 1)[1].strip(), []
        else:
            lines.append(line)
    out[name] = "\n".join(lines)
    return out


def reference_sql(level: str, reporting: str, counted: tuple[str, ...]) -> str:
    parts = _sections(HERE / "reference.sql")
    sql = parts[""] + "\n" + parts[level]
    return sql.replace("{reporting}", reporting).replace(
        "{counted}", ", ".join(f"'{k}'" for k in counted))


def _timed(run, repeat: int):
    """The last result; wall-clock seconds and CPU seconds (all threads) of each run."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return result, times, cpu


def money_cast_is_dropped() -> bool:
    """True when kvot's ``to_money`` leaves a DECIMAL(38,10) product uncast (the bug below)."""
    import ibis
    import ibis.expr.operations as ops

    from kvot.metrics import context

    t = ibis.table({"a": "decimal(38, 10)"}, name="t")
    return not isinstance(context.to_money(t.a * t.a).op(), ops.Cast)


def exact_money_cast_patch() -> None:
    """Make kvot's ``to_money`` really cast (see docs/benchmarks.md, "kvot bugs found").

    ``Value.cast`` returns the value unchanged when Ibis already types it DECIMAL(38,10), and
    Ibis types ``DECIMAL(38,10) * DECIMAL(38,10)`` as DECIMAL(38,10), so kvot's rounding casts
    vanish from the SQL; DuckDB then returns DECIMAL(38,30) sums that kvot cannot read back.
    """
    import ibis.expr.operations as ops

    from kvot.metrics import closed, context, quota

    def to_money(value):
        return ops.Cast(value, to=context.MONEY).to_expr()

    for module in (context, closed, quota):
        if hasattr(module, "to_money"):
            module.to_money = to_money


def step_kvot(workspace: str, level: str, out: str, repeat: int) -> None:
    import kvot

    import ibis.formats.pandas  # noqa: F401  (loaded on first use: library start-up, not work)

    ws = open_workspace(workspace)
    patched = money_cast_is_dropped()
    if patched:
        exact_money_cast_patch()
    report, times, cpu = _timed(lambda: kvot.attainment(ws, by=level, period="month"), repeat)
    rows = report.rows
    table = pa.table({
        "id": [r.id for r in rows], "name": [r.name for r in rows],
        "period_start": pa.array([r.period_start for r in rows], pa.date32()),
        "mrr_closed": pa.array([r.mrr_closed for r in rows], pa.decimal128(38, 10)),
        "quota": pa.array([r.quota for r in rows], pa.decimal128(38, 10)),
        "attainment_pct": pa.array([None if r.attainment_pct is None else float(r.attainment_pct)
                                    for r in rows], pa.float64()),
        "deals": pa.array([r.deals for r in rows], pa.int64()),
        "overlay_mrr": pa.array([r.overlay_mrr for r in rows], pa.decimal128(38, 10)),
        "quota_source": pa.array([r.quota_source for r in rows], pa.string()),
    })
    pq.write_table(table, out)
    emit(step="kvot", level=level, rows=len(rows), seconds=min(times), times=times,
         cpu_seconds=min(cpu), patched=patched)


def step_sql(workspace: str, level: str, out: str, repeat: int) -> None:
    db = duckdb.connect(workspace, read_only=True)
    settings = dict(db.execute("SELECT key, value FROM _kvot_settings").fetchall())
    counted = tuple(settings.get("counted_kinds", "new,expansion").split(","))
    sql = reference_sql(level, settings.get("reporting_currency", "USD"), counted)
    table, times, cpu = _timed(lambda: db.execute(sql).to_arrow_table(), repeat)
    pq.write_table(table.select(list(ROW_COLUMNS)), out)
    emit(step="sql", level=level, rows=table.num_rows, seconds=min(times), times=times,
         cpu_seconds=min(cpu))


def compare(kvot_file: str, sql_file: str) -> dict:
    """Rows only one side has, and rows whose figures differ (money to the cent: exactly)."""
    db = duckdb.connect()
    key = "k.id = s.id AND k.period_start = s.period_start"
    only = db.execute(f"""
        SELECT count(*) FILTER (WHERE s.id IS NULL), count(*) FILTER (WHERE k.id IS NULL)
        FROM '{kvot_file}' k FULL JOIN '{sql_file}' s ON {key}""").fetchone()
    differ = db.execute(f"""
        SELECT count(*) FILTER (WHERE k.mrr_closed IS DISTINCT FROM s.mrr_closed),
               count(*) FILTER (WHERE k.quota IS DISTINCT FROM s.quota),
               count(*) FILTER (WHERE k.deals IS DISTINCT FROM s.deals),
               count(*) FILTER (WHERE k.overlay_mrr IS DISTINCT FROM s.overlay_mrr),
               count(*) FILTER (WHERE round(k.attainment_pct, 2) IS DISTINCT FROM round(s.attainment_pct, 2)
                                AND NOT abs(k.attainment_pct - s.attainment_pct) < 1e-9),
               count(*) FILTER (WHERE round(k.mrr_closed, 2) IS DISTINCT FROM round(s.mrr_closed, 2)
                                OR round(k.quota, 2) IS DISTINCT FROM round(s.quota, 2)),
               count(*)
        FROM '{kvot_file}' k JOIN '{sql_file}' s ON {key}""").fetchone()
    names = ("mrr_closed", "quota", "deals", "overlay_mrr", "attainment_pct", "cents", "rows")
    return {"only_kvot": only[0], "only_sql": only[1], **dict(zip(names, differ))}


def main(argv: list[str]) -> None:
    step, *args = argv
    if step == "import":
        step_import(*args)
    elif step == "bulk":
        step_bulk(*args)
    elif step == "copy":
        step_copy(*args)
    elif step == "checks":
        step_checks(*args)
    elif step == "export":
        step_export(*args)
    elif step in ("kvot", "sql"):
        workspace, level, out, repeat = args
        (step_kvot if step == "kvot" else step_sql)(workspace, level, out, int(repeat))
    else:
        raise SystemExit(f"unknown step {step!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

-- A set-based load of the generated deals.csv and credits.csv into kvot's workspace tables, in
-- DuckDB alone. It is NOT kvot's importer: it knows only the generated files' layout (generic
-- column names, ISO dates, decimal points, amount = per_billing_period, owners and reps by
-- name). benchmarks/run.py uses it
--   * where kvot's importer would not fit in memory (see docs/benchmarks.md), to build the
--     workspace for the attainment benchmark, and
--   * at the smaller sizes, next to kvot's import, checking that both give the same tables,
--     as a measure of what a vectorised import could cost.
-- Amounts are cast through DECIMAL(18,2) (shares DECIMAL(18,4)): DuckDB 1.5 casts text to
-- DECIMAL(38,10) about 100 times slower than to DECIMAL(18,2); a value with more places is NULL
-- and counted as a problem.
-- Sections "-- kind: deals" / "-- kind: credits"; {file} is the CSV. Statements split on ";".
-- Each ends by filling _bench_result (rows_read, rows_changed, problems).
-- kind: deals
CREATE OR REPLACE TEMP TABLE _bench_raw AS
SELECT row_number() OVER () + 1 AS line, *
FROM read_csv('{file}', header = true, all_varchar = true);
CREATE OR REPLACE TEMP TABLE _bench_rows AS
SELECT r.line, r.deal_id, nullif(trim(r.name), '') AS name, p.rep_id AS owner_id, r.stage,
       lower(r.stage) IN ('won', 'closed won') AS is_won, lower(r.kind) AS kind,
       CAST(NULL AS TIMESTAMP) AS closed_at, CAST(r.close_date AS DATE) AS close_on,
       CAST(TRY_CAST(r.amount AS DECIMAL(18,2)) AS DECIMAL(38,10)) AS amount,
       'per_billing_period' AS amount_basis,
       CASE lower(r.billing_period) WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3
            WHEN 'semi-annual' THEN 6 WHEN 'annual' THEN 12 WHEN '2-year' THEN 24
            WHEN '3-year' THEN 36 ELSE TRY_CAST(r.billing_period AS INTEGER) END AS months,
       upper(r.currency) AS currency
FROM _bench_raw r LEFT JOIN (SELECT lower(name) AS k, min(rep_id) AS rep_id FROM reps GROUP BY 1) p
  ON p.k = lower(r.owner);
-- MRR = amount / months to 10 places, half-even, in integers (DuckDB divides decimals as floats)
CREATE OR REPLACE TEMP TABLE _bench_deals AS
WITH x AS (SELECT *, CAST(amount * 10000000000 AS HUGEINT) AS units FROM _bench_rows),
     q AS (SELECT *, units // months AS quot, units % months AS rem FROM x)
SELECT min(line) AS line, deal_id, name, owner_id, stage, is_won, kind, closed_at, close_on, amount,
       amount_basis, CAST(months AS DECIMAL(38,10)) AS months,
       CAST(CAST(quot + CASE WHEN 2 * rem > months OR (2 * rem = months AND quot % 2 = 1) THEN 1 ELSE 0 END
                 AS DECIMAL(38,0)) * CAST(0.0000000001 AS DECIMAL(38,10)) AS DECIMAL(38,10)) AS mrr,
       currency
FROM q GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE _bench_result AS
SELECT (SELECT count(*) FROM _bench_raw) AS rows_read,
       (SELECT count(*) FROM _bench_deals) AS rows_changed,
       (SELECT count(*) FROM _bench_rows WHERE months IS NULL OR months <= 0 OR amount IS NULL
           OR (is_won AND (owner_id IS NULL OR close_on IS NULL)))
       + (SELECT count(*) - count(DISTINCT deal_id) FROM _bench_deals) AS problems;
DELETE FROM deals WHERE deal_id IN (SELECT deal_id FROM _bench_deals);
INSERT INTO deals (deal_id, name, owner_id, stage, is_won, kind, closed_at, close_on, amount,
                   amount_basis, months, mrr, currency, import_id, line)
SELECT deal_id, name, owner_id, stage, is_won, kind, closed_at, close_on, amount, amount_basis,
       months, mrr, currency, (SELECT coalesce(max(import_id), 0) + 1 FROM _kvot_imports), line
FROM _bench_deals;
INSERT INTO _kvot_imports (import_id, kind, file, checksum, rows_read, rows_changed, notes,
                           imported_at)
SELECT coalesce(max(import_id), 0) + 1, 'deals', '{file}', 'bulk', (SELECT rows_read FROM _bench_result),
       (SELECT rows_changed FROM _bench_result), 'benchmarks/bulk_load.sql', current_timestamp
FROM _kvot_imports;
-- kind: credits
CREATE OR REPLACE TEMP TABLE _bench_raw AS
SELECT row_number() OVER () + 1 AS line, *
FROM read_csv('{file}', header = true, all_varchar = true);
CREATE OR REPLACE TEMP TABLE _bench_credits AS
SELECT r.line, r.deal_id, p.rep_id,
       CAST(TRY_CAST(r.share AS DECIMAL(18,4)) * CAST(0.01 AS DECIMAL(3,2)) AS DECIMAL(38,10)) AS share,
       lower(coalesce(nullif(r.credit_type, ''), 'revenue')) AS credit_type
FROM _bench_raw r LEFT JOIN (SELECT lower(name) AS k, min(rep_id) AS rep_id FROM reps GROUP BY 1) p
  ON p.k = lower(r.rep);
CREATE OR REPLACE TEMP TABLE _bench_result AS
SELECT (SELECT count(*) FROM _bench_raw) AS rows_read,
       (SELECT count(DISTINCT deal_id) FROM _bench_credits) AS rows_changed,
       (SELECT count(*) FROM _bench_credits WHERE rep_id IS NULL OR share IS NULL
           OR credit_type NOT IN ('revenue', 'overlay')
           OR deal_id NOT IN (SELECT deal_id FROM deals))
       + (SELECT count(*) FROM (SELECT deal_id FROM _bench_credits WHERE credit_type = 'revenue'
                                GROUP BY deal_id HAVING abs(sum(share) - 1) > 0.0001)) AS problems;
DELETE FROM credits WHERE deal_id IN (SELECT deal_id FROM _bench_credits);
INSERT INTO credits (deal_id, rep_id, share, credit_type, import_id, line)
SELECT deal_id, rep_id, share, credit_type,
       (SELECT coalesce(max(import_id), 0) + 1 FROM _kvot_imports), line
FROM _bench_credits;
INSERT INTO _kvot_imports (import_id, kind, file, checksum, rows_read, rows_changed, notes,
                           imported_at)
SELECT coalesce(max(import_id), 0) + 1, 'credits', '{file}', 'bulk', (SELECT rows_read FROM _bench_result),
       (SELECT rows_changed FROM _bench_result), 'benchmarks/bulk_load.sql', current_timestamp
FROM _kvot_imports;

-- The full attainment table (every rep or team, every month) written by hand as one DuckDB query
-- over kvot's workspace tables, following docs/metrics.md. benchmarks/run.py times it against
-- kvot.attainment(by="rep" | "team", period="month") on the same workspace and checks that both
-- give the same rows to the cent.
--
-- The file holds the shared part (the CTEs) and one tail per level, separated by lines
-- "-- level: rep" and "-- level: team"; the query for a level is the CTEs followed by its tail.
-- Placeholders: {reporting} (the reporting currency) and {counted} (the counted kinds, quoted).
--
-- Rules: a deal counts when won, of a counted kind and closed in the range; its monthly amount
-- (deals.mrr) x the credit share is rounded to 10 places, then x the rate in force on the close
-- date (the latest on or before it: an ASOF join) and rounded to 10 places. A deal without a
-- revenue credit gives its owner 100 %. Quota rows count in the month that holds their whole
-- span, converted at the rate of their first day. Team quota: an explicit team quota wins, else
-- the members' quota rows weighted by the days they were in the team (the quota to a
-- millionth x days x 1/days to 20 places, as kvot does), rolled up the hierarchy (_kvot_team_closure). Rates: direct rates into the reporting
-- currency (the generated data has only those; kvot also inverts and crosses rates).
WITH
counted AS (
    SELECT deal_id, owner_id, close_on, currency, mrr FROM deals
    WHERE is_won AND kind IN ({counted}) AND close_on IS NOT NULL),
bounds AS (
    SELECT min(lo) AS lo, max(hi) AS hi FROM (
        SELECT min(close_on) AS lo, max(close_on) AS hi FROM counted
        UNION ALL SELECT min(starts_on), max(ends_on) FROM quotas)),
months AS (
    SELECT m AS period_key, make_date(m // 12, m % 12 + 1, 1) AS period_start,
           CAST(make_date(m // 12, m % 12 + 1, 1) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS period_end
    FROM bounds, range(year(lo) * 12 + month(lo) - 1, year(hi) * 12 + month(hi)) t(m)),
rates AS (
    SELECT upper(currency) AS currency, rate_on, rate FROM fx_rates WHERE upper(base) = '{reporting}'
    UNION ALL SELECT '{reporting}', DATE '0001-01-01', 1),
priced AS (
    SELECT d.deal_id, d.owner_id, d.close_on, d.mrr, r.rate,
           year(d.close_on) * 12 + month(d.close_on) - 1 AS period_key
    FROM counted d ASOF JOIN rates r ON d.currency = r.currency AND d.close_on >= r.rate_on),
split AS (SELECT DISTINCT deal_id FROM credits WHERE credit_type = 'revenue'),
credited AS (
    SELECT p.deal_id, c.rep_id, c.credit_type, p.close_on, p.period_key,
           CAST(CAST(p.mrr * c.share AS DECIMAL(38,10)) * p.rate AS DECIMAL(38,10)) AS mrr_closed
    FROM priced p JOIN credits c ON c.deal_id = p.deal_id
    UNION ALL
    SELECT p.deal_id, p.owner_id, 'revenue', p.close_on, p.period_key,
           CAST(p.mrr * p.rate AS DECIMAL(38,10))
    FROM priced p WHERE NOT EXISTS (SELECT 1 FROM split s WHERE s.deal_id = p.deal_id)),
quota_rows AS (
    SELECT q.rep_id, q.team_id, q.starts_on, q.ends_on,
           year(q.starts_on) * 12 + month(q.starts_on) - 1 AS period_key,
           CAST(q.amount * r.rate AS DECIMAL(38,10)) AS quota
    FROM quotas q ASOF JOIN rates r ON upper(q.currency) = r.currency AND q.starts_on >= r.rate_on
    WHERE q.kind = 'mrr' AND date_trunc('month', q.starts_on) = date_trunc('month', q.ends_on))
-- level: rep
, closed AS (
    SELECT rep_id, period_key,
           sum(mrr_closed) FILTER (WHERE credit_type = 'revenue') AS mrr_closed,
           sum(mrr_closed) FILTER (WHERE credit_type <> 'revenue') AS overlay_mrr,
           count(DISTINCT deal_id) FILTER (WHERE credit_type = 'revenue') AS deals
    FROM credited GROUP BY rep_id, period_key),
quota AS (
    SELECT rep_id, period_key, sum(quota) AS quota FROM quota_rows
    WHERE rep_id IS NOT NULL GROUP BY rep_id, period_key)
SELECT r.rep_id AS id, r.name, m.period_start,
       coalesce(c.mrr_closed, 0) AS mrr_closed, q.quota,
       CASE WHEN q.quota <> 0 THEN 100 * coalesce(c.mrr_closed, 0) / q.quota END AS attainment_pct,
       coalesce(c.deals, 0) AS deals, coalesce(c.overlay_mrr, 0) AS overlay_mrr,
       CASE WHEN q.quota IS NOT NULL THEN 'rep' END AS quota_source
FROM reps r JOIN months m
  ON (r.hired_on IS NULL OR r.hired_on <= m.period_end) AND (r.left_on IS NULL OR r.left_on >= m.period_start)
LEFT JOIN closed c ON c.rep_id = r.rep_id AND c.period_key = m.period_key
LEFT JOIN quota q ON q.rep_id = r.rep_id AND q.period_key = m.period_key
-- level: team
, in_team AS (
    SELECT t.ancestor_id AS team_id, x.period_key, x.deal_id, x.mrr_closed
    FROM credited x
    JOIN memberships ms ON ms.rep_id = x.rep_id
     AND (ms.valid_from IS NULL OR ms.valid_from <= x.close_on)
     AND (ms.valid_to IS NULL OR ms.valid_to > x.close_on)
    JOIN _kvot_team_closure t ON t.team_id = ms.team_id
    WHERE x.credit_type = 'revenue'),
closed AS (
    SELECT team_id, period_key, sum(mrr_closed) AS mrr_closed, count(DISTINCT deal_id) AS deals
    FROM in_team GROUP BY team_id, period_key),
member_days AS (
    SELECT q.period_key, ms.team_id, q.quota,
           date_diff('day', greatest(q.starts_on, coalesce(ms.valid_from, q.starts_on)),
                     least(q.ends_on + 1, coalesce(ms.valid_to, q.ends_on + 1))) AS part,
           date_diff('day', q.starts_on, q.ends_on + 1) AS whole
    FROM quota_rows q JOIN memberships ms ON ms.rep_id = q.rep_id
     AND (ms.valid_from IS NULL OR ms.valid_from <= q.ends_on)
     AND (ms.valid_to IS NULL OR ms.valid_to > q.starts_on)),
inverses AS (  -- 1/days to 20 places (half-up; no length up to 400 days has a tie)
    SELECT d AS days, CAST((CAST('200000000000000000000' AS HUGEINT) + d) // (2 * d) AS DECIMAL(38,0))
                      * CAST('0.00000000000000000001' AS DECIMAL(38,20)) AS inverse
    FROM range(1, 401) t(d)),
derived AS (
    SELECT t.ancestor_id AS team_id, d.period_key,
           sum(CAST(CAST(d.quota AS DECIMAL(18,6)) * CAST(d.part AS DECIMAL(10,0)) * i.inverse
                    AS DECIMAL(38,10))) AS quota
    FROM member_days d JOIN _kvot_team_closure t ON t.team_id = d.team_id
    JOIN inverses i ON i.days = d.whole
    GROUP BY ALL),
explicit AS (
    SELECT team_id, period_key, sum(quota) AS quota FROM quota_rows
    WHERE team_id IS NOT NULL GROUP BY ALL)
SELECT t.team_id AS id, t.name, m.period_start,
       coalesce(c.mrr_closed, 0) AS mrr_closed, coalesce(e.quota, d.quota) AS quota,
       CASE WHEN coalesce(e.quota, d.quota) <> 0
            THEN 100 * coalesce(c.mrr_closed, 0) / coalesce(e.quota, d.quota) END AS attainment_pct,
       coalesce(c.deals, 0) AS deals, CAST(0 AS DECIMAL(38,10)) AS overlay_mrr,
       CASE WHEN e.quota IS NOT NULL THEN 'team' WHEN d.quota IS NOT NULL THEN 'members' END
           AS quota_source
FROM teams t CROSS JOIN months m
LEFT JOIN closed c ON c.team_id = t.team_id AND c.period_key = m.period_key
LEFT JOIN derived d ON d.team_id = t.team_id AND d.period_key = m.period_key
LEFT JOIN explicit e ON e.team_id = t.team_id AND e.period_key = m.period_key

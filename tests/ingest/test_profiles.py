"""Built-in source profiles: Stripe, Pipedrive, Salesforce splits, HubSpot conflicts, roster.

Every expected figure is computed by hand in the comment beside it.
"""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

import kvot
from kvot.config import Settings, from_mapping
from kvot.errors import ImportRejected, SettingsError
from kvot.ingest import list_profiles, read_credits, read_deals

STRIPE_HEADER = ("id,Customer Email,Status,Plan Interval,Plan Interval Count,Quantity,Plan Amount,"
                 "Plan Currency,Start Date (UTC),Trial End (UTC),Canceled At (UTC),"
                 "Coupon Percent Off,Coupon Amount Off,Coupon Duration\n")
STRIPE_ROWS = (
    # 3 seats × 29.00 USD a month = 87.00 MRR
    "sub_1,a@x.com,active,month,1,3,2900,usd,2024-03-01 09:00:00,,,,,\n"
    # trial converted on 10 March; 1 200.00 a year less a forever 20 % coupon = 960 / 12 = 80
    "sub_2,b@x.com,active,year,1,1,120000,usd,2024-02-10 08:00:00,2024-03-10 08:00:00,,20,,forever\n"
    # still in trial: not won
    "sub_3,c@x.com,trialing,month,1,1,5000,usd,2024-03-20 10:00:00,2024-04-03 10:00:00,,,,\n"
    # 2 × 900.00 SEK per quarter = 1 800 / 3 = 600 MRR; a once coupon does not lower MRR;
    # started 23:30 UTC = 6 March in Stockholm
    "sub_4,d@x.com,active,month,3,2,90000,sek,2024-03-05 23:30:00,,,50,,once\n"
    # canceled during its trial: never paid, not won
    "sub_5,e@x.com,canceled,month,1,1,2900,usd,2024-02-01 00:00:00,2024-02-15 00:00:00,"
    "2024-02-10 00:00:00,,,\n"
    # canceled after its trial: it was paid, won on its trial end, 29.00
    "sub_6,f@x.com,canceled,month,1,1,2900,usd,2024-01-01 00:00:00,2024-01-15 00:00:00,"
    "2024-03-01 00:00:00,,,\n"
    # 10.00 every 2 weeks: 2 × 12/52 months, 10 × 52 / 24 = 21.6666666667
    "sub_7,g@x.com,active,week,2,1,1000,usd,2024-03-01 00:00:00,,,,,\n"
    # JPY has no minor unit: 5 000 JPY a month
    "sub_8,h@x.com,past_due,month,1,1,5000,jpy,2024-03-01 00:00:00,,,,,\n"
    # free plan: not MRR
    "sub_9,i@x.com,active,month,1,1,0,usd,2024-03-01 00:00:00,,,,,\n"
    # 29.00 less a repeating 5.00 off = 24.00
    "sub_10,j@x.com,active,month,1,1,2900,usd,2024-03-01 00:00:00,,,,500,repeating\n"
)
STOCKHOLM = Settings(profile="stripe", timezone="Europe/Stockholm")


def _by_id(records):
    return {r.deal_id: r for r in records}


def test_stripe_subscriptions_with_trials_coupons_and_intervals(write):
    result = read_deals(write("subscriptions.csv", STRIPE_HEADER + STRIPE_ROWS), STOCKHOLM)
    deals = _by_id(result.records)
    assert {i: (d.is_won, d.mrr, d.currency) for i, d in deals.items()} == {
        "sub_1": (True, Decimal("87"), "USD"),
        "sub_2": (True, Decimal("80"), "USD"),
        "sub_3": (False, Decimal("50"), "USD"),
        "sub_4": (True, Decimal("600"), "SEK"),
        "sub_5": (False, Decimal("29"), "USD"),
        "sub_6": (True, Decimal("29"), "USD"),
        "sub_7": (True, Decimal("21.6666666667"), "USD"),
        "sub_8": (True, Decimal("5000"), "JPY"),
        "sub_9": (False, Decimal("0"), "USD"),
        "sub_10": (True, Decimal("24"), "USD"),
    }
    assert deals["sub_2"].close_on == date(2024, 3, 10)  # the trial end
    assert deals["sub_2"].closed_at == datetime(2024, 3, 10, 8, tzinfo=timezone.utc)
    assert deals["sub_4"].close_on == date(2024, 3, 6)
    assert deals["sub_6"].close_on == date(2024, 1, 15)
    assert (deals["sub_4"].amount, deals["sub_4"].months) == (Decimal("1800"), 3)
    assert {d.kind for d in deals.values()} == {"new"}
    assert {d.owner for d in deals.values()} == {""}
    assert "1 subscription(s) in trial: not MRR until they convert" in result.notes
    assert "1 free (0-priced) subscription(s): not MRR" in result.notes
    assert "1 subscription(s) canceled in their trial, never paid: not won" in result.notes
    assert any(n.startswith("no owner column: subscriptions have no owner") for n in result.notes)


def test_stripe_owner_from_a_mapped_metadata_column(write):
    path = write("s.csv", "id,Status,Plan Interval,Plan Amount,Currency,Start Date (UTC),"
                          "sales_rep (metadata)\nsub_1,active,month,4900,sek,2024-03-01,Åsa\n")
    deal, = read_deals(path, Settings(profile="stripe",
                                      mapping={"owner": "sales_rep (metadata)"})).records
    assert (deal.owner, deal.mrr) == ("Åsa", Decimal("49"))


def test_stripe_amounts_already_in_major_units_with_minor_units_false(write):
    path = write("s.csv", "id,Status,Plan Interval,Plan Amount,Currency,Start Date (UTC)\n"
                          "sub_1,active,year,1200.00,usd,2024-03-01\n")
    deal, = read_deals(path, Settings(profile="stripe", minor_units=False)).records
    assert deal.mrr == Decimal("100")  # 1 200.00 / 12


@pytest.mark.parametrize("row, column, reason", [
    ("sub_1,active,fortnight,,2900,usd,2024-03-01,,", "Plan Interval",
     "'fortnight' is not a billing interval kvot knows; use one of day, week, month, year; "
     "kvot never assumes monthly"),
    ("sub_1,active,month,0,2900,usd,2024-03-01,,", "Plan Interval Count",
     "'0' is not a whole number of intervals above 0"),
    ("sub_1,active,month,1,2900,usd,2024-03-01,20,", "Coupon Duration",
     "is blank: a discount needs a duration to tell whether it lowers MRR; "
     "use one of forever, repeating, once"),
    ("sub_1,zombie,month,1,2900,usd,2024-03-01,,", "Status",
     "'zombie' is not a subscription status kvot knows; use one of active, past_due, unpaid, "
     "trialing, incomplete, incomplete_expired, paused, canceled"),
])
def test_stripe_bad_rows_are_named(write, row, column, reason):
    path = write("s.csv", "id,Status,Plan Interval,Plan Interval Count,Plan Amount,Currency,"
                          "Start Date (UTC),Coupon Percent Off,Coupon Duration\n" + row + "\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(profile="stripe"))
    assert [str(e) for e in exc.value.errors] == [f's.csv line 2, column "{column}": {reason}']


def test_stripe_canceled_after_a_trial_needs_its_cancel_date(write):
    path = write("s.csv", "id,Status,Plan Interval,Plan Amount,Currency,Start Date (UTC),"
                          "Trial End (UTC)\nsub_1,canceled,month,2900,usd,2024-03-01,2024-03-15\n")
    with pytest.raises(ImportRejected, match="needs its cancel date to tell whether it was ever"):
        read_deals(path, Settings(profile="stripe"))


def test_minor_units_is_a_generic_setting(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,currency\n"
                          "D1,Ann,Won,2024-03-01,1200050,SEK\nD2,Ann,Won,2024-03-01,1200,JPY\n")
    d1, d2 = read_deals(path, from_mapping({"minor_units": "true"})).records
    assert (d1.amount, d1.mrr, d2.amount) == (Decimal("12000.50"), Decimal("12000.5"), 1200)
    d1, _ = read_deals(path, Settings()).records
    assert d1.amount == Decimal("1200050")
    with pytest.raises(SettingsError, match="minor_units = 'maybe': use true or false"):
        from_mapping({"minor_units": "maybe"})


PIPEDRIVE = ("Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Owner,Deal - Status,"
             "Deal - Won time,Deal - Expected close date\n"
             "11,Acme deal,1 200,EUR,Åsa Öberg,Won,2024-03-14 10:22:31,2024-03-31\n"
             "12,Beta deal,800,EUR,Per Ek,Lost,,2024-03-31\n"
             "13,Gamma deal,500,EUR,Per Ek,Open,,2024-04-30\n")


def test_pipedrive_status_decides_won_and_won_time_is_the_close_date(write):
    result = read_deals(write("pipedrive.csv", PIPEDRIVE), Settings(profile="pipedrive"))
    assert [(d.deal_id, d.name, d.owner, d.stage, d.is_won, d.close_on, d.mrr, d.currency)
            for d in result.records] == [
        ("11", "Acme deal", "Åsa Öberg", "Won", True, date(2024, 3, 14), Decimal("1200"), "EUR"),
        ("12", "Beta deal", "Per Ek", "Lost", False, None, Decimal("800"), "EUR"),
        ("13", "Gamma deal", "Per Ek", "Open", False, None, Decimal("500"), "EUR"),
    ]
    assert "no kind column: every deal is new business" in result.notes


SPLITS = ("Opportunity ID,Opportunity Name,Opportunity Owner,Stage,Close Date,Amount,Type,"
          "Split Owner,Split Percentage,Split Type\n"
          "006A,Acme,Åsa Öberg,Closed Won,2024-03-14,12000,New Business,Åsa Öberg,60.00%,Revenue\n"
          "006A,Acme,Åsa Öberg,Closed Won,2024-03-14,12000,New Business,Per Ek,40.00%,Revenue\n"
          "006A,Acme,Åsa Öberg,Closed Won,2024-03-14,12000,New Business,Lena Berg,100.00%,Overlay\n")


def test_salesforce_splits_report_gives_credits_and_one_deal(write):
    path = write("splits.csv", SPLITS)
    settings = Settings(profile="salesforce-splits")
    credits = read_credits(path, settings).records
    assert [(c.deal_id, c.rep, c.share, c.credit_type) for c in credits] == [
        ("006A", "Åsa Öberg", Decimal("0.6"), "revenue"),
        ("006A", "Per Ek", Decimal("0.4"), "revenue"),
        ("006A", "Lena Berg", Decimal("1"), "overlay")]
    deals = read_deals(path, settings)
    assert [(d.deal_id, d.owner, d.mrr) for d in deals.records] == [("006A", "Åsa Öberg", 12000)]
    assert "2 repeated identical row(s) dropped (one deal, one row)" in deals.notes


def test_hubspot_conflicts_are_counted_with_example_lines(write):
    path = write("h.csv", "Deal ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Deal Owner,Deal Type\n"
                          "1,A - New Business,closedwon,Renewals Pipeline,10,2024-01-01,a@x.com,New Business\n"
                          "2,B - New Business,closedwon,Sales Pipeline,10,2024-01-01,a@x.com,Existing Business\n"
                          "3,C - Renewal,closedwon,Sales Pipeline,10,2024-01-01,a@x.com,renewal\n"
                          "4,D - New Business,closedwon,Sales Pipeline,10,2024-01-01,a@x.com,New Business\n")
    result = read_deals(path, Settings(profile="hubspot"))
    assert [d.kind for d in result.records] == ["renewal", "expansion", "renewal", "new"]
    assert result.notes[-3:] == [
        "1 deal(s) in a renewal pipeline have another deal type (lines 2): "
        "read as renewals (the pipeline wins)",
        "1 deal(s) with a renewal deal type are in a pipeline that is not for renewals "
        "(lines 4): read as renewals (the deal type)",
        "1 deal(s) whose name says another kind than their deal type (lines 3): "
        "read by the deal type and pipeline",
    ]


def test_owner_emails_resolve_to_reps_of_the_roster(tmp_path):
    (tmp_path / "reps.csv").write_text("rep_id,name,email,team\nr1,Anna Berg,anna@x.se,Nordics\n"
                                       "r2,Bo Ek,bo@x.se,Nordics\n", encoding="utf-8")
    (tmp_path / "deals.csv").write_text(
        "Deal ID,Deal Stage,Pipeline,Amount,Close Date,Deal Owner,Deal Type\n"
        "1,closedwon,Sales Pipeline,100,2024-03-01,ANNA@x.se,New Business\n"
        "2,closedwon,Sales Pipeline,50,2024-03-02,bo@x.se,New Business\n"
        "3,closedwon,Renewals Pipeline,70,2024-03-03,bo@x.se,New Business\n", encoding="utf-8")
    ws = kvot.open_workspace(":memory:")
    try:
        kvot.import_file(ws, "reps", tmp_path / "reps.csv", config=_empty(tmp_path))
        result = kvot.import_file(ws, "deals", tmp_path / "deals.csv", profile="hubspot",
                                  config=_empty(tmp_path))
        assert not any("not in the roster" in n for n in result.notes)
        assert sorted(ws.execute("SELECT deal_id, owner_id, kind FROM deals")) == [
            ("1", "r1", "new"), ("2", "r2", "new"), ("3", "r2", "renewal")]
        assert ws.execute("SELECT count(*) FROM reps")[0][0] == 2
        report = kvot.attainment(ws, by="rep", period="month", config=_empty(tmp_path))
        closed = {r.id: r.mrr_closed for r in report.rows if r.period == "2024-03"}
        assert closed == {"r1": Decimal("100"), "r2": Decimal("50")}  # the renewal is excluded
    finally:
        ws.close()


def test_profiles_are_listed_with_descriptions():
    names = [name for name, _ in list_profiles()]
    assert names == ["generic", "salesforce", "salesforce-splits", "hubspot", "pipedrive",
                     "stripe", "crm-opportunities"]
    assert all(description for _, description in list_profiles())


def _empty(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    return path

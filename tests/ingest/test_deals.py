from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from kvot.config import Settings
from kvot.errors import ImportRejected
from kvot.ingest import read_deals

SWEDISH = (
    "Affärs-id;Namn;Säljare;Steg;Stängd;Belopp;Typ\r\n"
    "A-1;Kund AB;Åsa Öberg;Closed Won;31/01/2024;12 000,50 kr;New Business\r\n"
    "A-2;Bolag AB;Per Ek;Closed Won;01/02/2024;1 200 kr;Existing Business - Upgrade\r\n"
    "A-3;Firma AB;Per Ek;Prospecting;;;\r\n"
)
SWEDISH_MAPPING = {"deal_id": "Affärs-id", "name": "Namn", "owner": "Säljare", "stage": "Steg",
                   "close_date": "Stängd", "amount": "Belopp", "kind": "Typ"}


def test_swedish_semicolon_cp1252_file_with_day_first_dates(write):
    path = write("affärer.csv", SWEDISH, "cp1252")
    settings = Settings(profile="salesforce", currency="SEK", mapping=SWEDISH_MAPPING)
    result = read_deals(path, settings)
    a1, a2, a3 = result.records
    assert (a1.deal_id, a1.owner, a1.kind, a1.close_on, a1.amount, a1.mrr, a1.currency) == (
        "A-1", "Åsa Öberg", "new", date(2024, 1, 31), Decimal("12000.50"),
        Decimal("12000.5000000000"), "SEK")
    assert (a2.kind, a2.close_on, a2.amount) == ("expansion", date(2024, 2, 1), Decimal("1200"))
    assert (a3.is_won, a3.amount, a3.close_on, a3.kind, a3.mrr) == (
        False, Decimal(0), None, "other", Decimal(0))
    assert result.rows_read == 3
    assert "no currency column: every deal in SEK (settings.currency)" in result.notes


def test_arr_amounts_are_divided_by_twelve(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Won,2024-03-01,1000\n")
    deal, = read_deals(path, Settings(amount="arr")).records
    assert (deal.amount_basis, deal.months, deal.mrr) == ("arr", 12, Decimal("83.3333333333"))


def test_tcv_divided_by_the_term_and_per_billing_period_by_its_months(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,term_months,billing_period\n"
                          "D1,Ann,Won,2024-03-01,24000,24,\n"
                          "D2,Ann,Won,2024-03-01,36000,36,\n")
    d1, d2 = read_deals(path, Settings(amount="tcv")).records
    assert (d1.months, d1.mrr, d2.months, d2.mrr) == (24, 1000, 36, 1000)
    path = write("q.csv", "deal_id,owner,stage,close_date,amount,billing_period\n"
                          "D1,Ann,Won,2024-03-01,3000,quarterly\n"
                          "D2,Ann,Won,2024-03-01,6000,annual\n")
    q1, q2 = read_deals(path, Settings(amount="per_billing_period")).records
    assert (q1.months, q1.mrr, q2.months, q2.mrr) == (3, 1000, 12, 500)


def test_unknown_billing_period_is_rejected_never_monthly(write):
    path = write("q.csv", "deal_id,owner,stage,close_date,amount,billing_period\n"
                          "D1,Ann,Won,2024-03-01,3000,fortnightly\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(amount="per_billing_period"))
    assert str(exc.value.errors[0]).startswith(
        "q.csv line 2, column \"billing_period\": 'fortnightly' is not a billing period kvot knows")


def test_a_repeated_identical_row_is_kept_once(write):
    row = "D1,Ann,Won,2024-03-01,100\n"
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\n" + row + row)
    result = read_deals(path, Settings())
    assert [d.line for d in result.records] == [2]
    assert "1 repeated identical row(s) dropped (one deal, one row)" in result.notes


def test_a_conflicting_repeat_is_rejected_naming_both_lines(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\n"
                          "D1,Ann,Won,2024-03-01,100\nD1,Ann,Won,2024-03-01,120\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert [str(e) for e in exc.value.errors] == [
        "d.csv line 2, column \"amount\": '100' conflicts with line 3 ('120'): deal D1 appears "
        "twice with different values; keep one row per deal, or correct one of them",
        "d.csv line 3, column \"amount\": '120' conflicts with line 2 ('100'): deal D1 appears "
        "twice with different values; keep one row per deal, or correct one of them",
    ]


def test_line_items_of_one_deal_are_summed(write):
    path = write("d.csv", "deal_id,line_id,owner,stage,close_date,amount\n"
                          "D1,1,Ann,Won,2024-03-01,100\nD1,2,Ann,Won,2024-03-01,50.5\n"
                          "D1,2,Ann,Won,2024-03-01,50.5\n")
    deal, = read_deals(path, Settings()).records
    assert (deal.amount, deal.mrr, deal.line) == (Decimal("150.5"), Decimal("150.5"), 2)


def test_every_bad_row_is_reported_not_just_the_first(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,kind\n"
                          "D1,,Won,2024-03-01,100,new\n"
                          "D2,Bo,Won,,100,new\n"
                          "D3,Bo,Won,2024-03-01,abc,upsell\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert [(e.line, e.column) for e in exc.value.errors] == [
        (2, "owner"), (3, "close_date"), (4, "amount"), (4, "kind")]
    assert str(exc.value.errors[0]) == 'd.csv line 2, column "owner": is blank: a won deal needs an owner'


def test_ambiguous_amount_column_names_the_decimal_setting(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Won,2024-03-01,\"1,000\"\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert str(exc.value.errors[0]) == (
        "d.csv line 2, column \"amount\": '1,000' could be a thousands separator or a decimal "
        'separator and no value in the column settles it; pass --decimal comma or --decimal point (decimal = "comma" in kvot.toml)')
    deal, = read_deals(path, Settings(), decimal="point").records
    assert deal.amount == 1000


def test_timestamps_are_dated_in_the_reporting_time_zone(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\n"
                          "D1,Ann,Won,2024-01-31T23:30:00Z,1\nD2,Ann,Won,2024-01-31,1\n")
    d1, d2 = read_deals(path, Settings(timezone="Europe/Stockholm")).records
    assert d1.closed_at == datetime(2024, 1, 31, 23, 30, tzinfo=timezone.utc)
    assert d1.close_on == date(2024, 2, 1)
    assert (d2.closed_at, d2.close_on) == (None, date(2024, 1, 31))


def test_hubspot_renewal_pipeline_wins_over_deal_type(write):
    path = write("h.csv", "Deal ID,Deal Stage,Pipeline,Amount,Close Date,Deal Owner,Deal Type\n"
                          "1,closedwon,Renewals Pipeline,10,2024-01-01,a@x.com,New Business\n"
                          "2,Closed Won,Sales Pipeline,10,2024-01-01,a@x.com,Existing Business\n")
    result = read_deals(path, Settings(profile="hubspot"))
    assert [(d.is_won, d.kind) for d in result.records] == [(True, "renewal"), (True, "expansion")]
    assert any("the pipeline wins" in n for n in result.notes)


def test_won_stages_setting_overrides_the_profile(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Signed,2024-01-01,1\n"
                          "D2,Ann,Won,2024-01-01,1\n")
    result = read_deals(path, Settings(won_stages=("signed",)))
    assert [d.is_won for d in result.records] == [True, False]


def test_missing_required_column_is_named_with_the_fix(write):
    path = write("d.csv", "id,owner,stage,amount\nD1,Ann,Won,1\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert str(exc.value.errors[0]).startswith("d.csv line 1: no column for close_date (looked for: ")
    assert exc.value.errors[0].fix == 'rename the column or map it: [mapping] close_date = "<column>"'
    assert str(exc.value).startswith("the file's columns do not fit; nothing was imported:\n"
                                     "  d.csv line 1: no column for close_date")


def test_a_bad_value_in_a_row_is_counted_as_a_bad_row(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Won,2024-13-01,1\n"
                          "D2,Ann,Won,2024-01-01,x\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert str(exc.value).startswith("2 bad rows; nothing was imported:\n  d.csv line 2, column")


def test_ambiguous_date_column_names_the_date_format_setting(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Won,01/02/2024,1\n"
                          "D2,Ann,Won,03/04/2024,1\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert [str(e) for e in exc.value.errors] == [
        "d.csv line 2, column \"close_date\": '01/02/2024' could be day-first or month-first and "
        'no value in the column settles it; pass --date-format day-first or '
        '--date-format month-first (date_format = "day-first" in kvot.toml)']
    d1, d2 = read_deals(path, Settings(date_format="day-first")).records
    assert (d1.close_on, d2.close_on) == (date(2024, 2, 1), date(2024, 4, 3))


def test_unknown_deal_kind_is_named(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,kind\nD1,Ann,Won,2024-01-01,1,Upsell!\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert str(exc.value.errors[0]) == (
        "d.csv line 2, column \"kind\": 'Upsell!' is not a deal kind kvot knows; use one of "
        'new, expansion, renewal, contraction, churn, other, or map it in kvot.toml: '
        '[kinds] "Upsell!" = "new"')


def test_a_kinds_table_maps_a_sources_own_deal_types(write, tmp_path):
    from kvot.config import load_file

    config = tmp_path / "kvot.toml"
    config.write_text('[kinds]\n"Nyförsäljning" = "new"\n"Merförsäljning" = "expansion"\n'
                      '"Förnyelse" = "renewal"\n', encoding="utf-8")
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,kind\n"
                          "D1,Ann,Won,2024-01-01,1,nyförsäljning\nD2,Ann,Won,2024-01-02,2,Merförsäljning\n"
                          "D3,Ann,Won,2024-01-03,3,FÖRNYELSE\n")
    records = read_deals(path, load_file(config)).records
    assert [r.kind for r in records] == ["new", "expansion", "renewal"]


def test_a_currency_written_in_the_amount_must_be_the_deals_currency(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,currency\n"
                          "D1,Ann,Won,2025-01-05,100 EUR,SEK\n"
                          "D2,Ann,Won,2025-01-05,$50,SEK\n"
                          "D3,Ann,Won,2025-01-05,12 000 kr,SEK\n"
                          "D4,Ann,Won,2025-01-05,€7,eur\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings())
    assert [(e.line, e.value, e.reason) for e in exc.value.errors] == [
        (2, "100 EUR", "says EUR but the deal's currency is SEK"),
        (3, "$50", "says $ but the deal's currency is SEK")]


def test_without_a_currency_column_a_mark_must_match_the_currency_setting(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount\nD1,Ann,Won,2025-01-05,100 EUR\n")
    with pytest.raises(ImportRejected, match="says EUR but the deal's currency is USD"):
        read_deals(path, Settings(currency="USD"))
    assert read_deals(path, Settings(currency="EUR")).records[0].amount == Decimal("100")


def test_an_open_deal_without_a_term_does_not_reject_the_file(write):
    path = write("d.csv", "deal_id,owner,stage,close_date,amount,term_months\n"
                          "T2,Ann,Won,2025-01-10,1200,24\nT7,Ann,Prospecting,2025-03-01,5000,\n")
    result = read_deals(path, Settings(amount="tcv"))
    won, open_deal = result.records
    assert (won.mrr, open_deal.mrr, open_deal.is_won) == (Decimal("50"), Decimal("0"), False)
    assert any("1 open or lost deal(s) without a usable term" in n for n in result.notes)
    blank_won = write("w.csv", "deal_id,owner,stage,close_date,amount,term_months\n"
                               "T1,Ann,Won,2025-01-10,1200,\n")
    with pytest.raises(ImportRejected, match="kvot never assumes monthly"):
        read_deals(blank_won, Settings(amount="tcv"))


def test_an_mrr_of_ten_to_the_eighteenth_is_a_bad_row_not_a_crash(write):
    path = write("d.csv", "deal_id,stage,close_date,amount,billing_period\n"
                          "D1,Won,2024-03-01,999999999999999999,weekly\n")
    with pytest.raises(ImportRejected) as exc:
        read_deals(path, Settings(amount="per_billing_period"))
    assert [str(e) for e in exc.value.errors] == [
        "d.csv line 2, column \"amount\": '999999999999999999' gives an MRR of 10^18 or more a "
        "month, more than kvot keeps to 10 decimal places; check the amount, what it means "
        "(amount, minor_units) and its billing period or term"]


def test_utf_8_named_as_the_encoding_drops_a_byte_order_mark(write):
    path = write("d.csv", '\ufeff"deal_id",owner,stage,close_date,amount\nD1,Ann,Won,2024-03-01,100\n')
    for encoding in ("utf-8", "UTF8", "utf-8-sig"):
        [deal] = read_deals(path, Settings(encoding=encoding)).records
        assert (deal.deal_id, deal.owner) == ("D1", "Ann")

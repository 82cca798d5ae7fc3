"""Source profiles: which columns of a CRM export hold which canonical field.

A profile lists, per kind of file (``deals``, ``quotas``, ...) and canonical field, the
source column names to look for (in order; matched ignoring case, spaces, ``_`` and ``-``, so
``Close Date`` finds ``close_date``), and defaults: the won stages and the deal-type → kind
map. Every profile falls back to the ``generic`` names. ``Settings.mapping`` (canonical field
→ source column) extends and overrides any profile; ``Settings.won_stages`` overrides the won
stages.

Deal kinds: the canonical words ``new, expansion, renewal, contraction, churn, other`` are
always understood; a profile adds its CRM's words. HubSpot: a deal in a pipeline whose name
contains "Renewal" is a renewal whatever its Deal Type says (the pipeline wins).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from kvot.config import DEAL_KINDS
from kvot.errors import SettingsError

GENERIC_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "deals": {
        "deal_id": ("deal_id", "id", "opportunity_id", "opp_id"),
        "name": ("name", "deal_name", "opportunity_name", "opp_name"),
        "owner": ("owner", "owner_id", "deal_owner", "rep", "rep_id", "sales_rep"),
        "stage": ("stage", "deal_stage"),
        "close_date": ("close_date", "closed_at", "close_on", "closed_on", "closed_date"),
        "amount": ("amount",),
        "mrr": ("mrr", "mrr_amount"),
        "arr": ("arr", "arr_amount"),
        "currency": ("currency", "currency_code", "deal_currency"),
        "kind": ("kind", "deal_kind", "deal_type"),
        "billing_period": ("billing_period", "billing_frequency", "billing_interval"),
        "term_months": ("term_months", "contract_term_months", "term"),
        "line_id": ("line_id", "line_item_id"),
        "pipeline": ("pipeline",),
        # subscription exports (the stripe profile): found by the profile or a mapping only
        "quantity": (),
        "interval": (),
        "interval_count": (),
        "trial_end": (),
        "canceled_at": (),
        "percent_off": (),
        "amount_off": (),
        "discount_duration": (),
    },
    "quotas": {
        "rep": ("rep", "rep_id", "rep_name", "sales_rep", "sales_agent", "owner"),
        "team": ("team", "team_id", "team_name"),
        "period": ("period", "quarter", "fiscal_quarter", "month", "quota_period"),
        "start": ("start", "starts_on", "start_date", "period_start", "quota_start_date"),
        "end": ("end", "ends_on", "end_date", "period_end", "quota_end_date"),
        "amount": ("amount", "quota", "quota_amount", "target",
                   "quota_eur", "quota_usd", "quota_gbp", "quota_sek", "quota_nok", "quota_dkk"),
        "currency": ("currency", "currency_code"),
    },
    "reps": {
        "rep_id": ("rep_id", "id", "user_id", "owner_id", "employee_id"),
        "name": ("name", "rep_name", "full_name", "sales_agent", "rep"),
        "email": ("email", "e_mail", "email_address"),
        "team": ("team", "team_id", "team_name", "manager_id", "manager"),
        "team_from": ("team_from", "team_since", "valid_from", "effective_from"),
        "hired_on": ("hired_on", "hire_date", "hired", "start_date"),
        "left_on": ("left_on", "termination_date", "leave_date", "end_date"),
    },
    "teams": {
        "team_id": ("team_id", "id"),
        "name": ("name", "team_name", "team"),
        "parent": ("parent", "parent_id", "parent_team", "parent_team_id"),
        "level": ("level", "team_level"),
    },
    "credits": {
        "deal_id": ("deal_id", "opportunity_id", "opp_id"),
        "rep": ("rep", "rep_id", "owner", "sales_rep", "user"),
        "share": ("share", "credit_share", "split", "split_percentage", "percent", "percentage"),
        "credit_type": ("credit_type", "split_type"),
    },
    "fx": {
        "currency": ("currency", "currency_code", "ccy", "from_currency"),
        "base": ("base", "base_currency", "to_currency"),
        "date": ("date", "rate_date", "rate_on", "as_of"),
        "month": ("month",),
        "rate": ("rate", "fx_rate", "exchange_rate"),
    },
}
KINDS_OF_FILE = tuple(GENERIC_COLUMNS)
SPECIAL_MAPPING_KEYS = ("team_path",)  # reps/teams: hierarchy columns, "top>...>team"


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    won_stages: tuple[str, ...] = ("won", "closed won")
    kinds: dict[str, str] = field(default_factory=dict)  # source value (any case) -> kind
    renewal_pipeline_word: str | None = None
    team_path: tuple[str, ...] = ()  # hierarchy columns, top first
    minor_units: bool = False  # amounts in cents/öre unless Settings.minor_units says otherwise
    subscriptions: bool = False  # a deals file is a subscription export (kvot.ingest.subscriptions)
    naive_utc: bool = False  # timestamps without an offset are UTC (not the reporting zone)

    def candidates(self, kind: str, name: str) -> tuple[str, ...]:
        """Source column names for a field: the profile's first, then the generic ones."""
        own = self.columns.get(kind, {}).get(name, ())
        return own + tuple(c for c in GENERIC_COLUMNS[kind].get(name, ()) if c not in own)

    def deal_kind(self, value: str) -> str | None:
        """The canonical kind of a deal-type value, or None when unknown."""
        key = value.strip().casefold()
        if key in DEAL_KINDS:
            return key
        return {k.casefold(): v for k, v in self.kinds.items()}.get(key)


SALESFORCE = Profile(
    "salesforce", "Salesforce Opportunity report (Opportunity ID, Stage, Close Date, Amount, Type)",
    columns={"deals": {
        "deal_id": ("Opportunity ID", "Opportunity Id", "Id", "opp_id"),
        "name": ("Opportunity Name", "opp_name", "Name"),
        "owner": ("Opportunity Owner", "Owner", "Owner Name", "Owner Full Name"),
        "stage": ("Stage", "StageName"),
        "close_date": ("Close Date", "CloseDate"),
        "currency": ("Opportunity Currency", "Currency", "CurrencyIsoCode", "Amount Currency"),
        "kind": ("Type", "Opportunity Type", "deal_type"),
    }},
    won_stages=("Closed Won",),
    kinds={"New Business": "new", "New Customer": "new",
           "Existing Business - Upgrade": "expansion", "Existing Business - Upsell": "expansion",
           "Existing Business - Expansion": "expansion", "Upgrade": "expansion",
           "Upsell": "expansion", "Expansion": "expansion",
           "Existing Business - Renewal": "renewal", "Renewal": "renewal",
           "Existing Business - Downgrade": "contraction", "Downgrade": "contraction",
           "Contraction": "contraction"},
)

HUBSPOT = Profile(
    "hubspot", "HubSpot deals export (Deal ID, Deal Stage, Pipeline, Amount, Close Date, Deal Type)",
    columns={"deals": {
        "deal_id": ("Deal ID", "Record ID", "hs_object_id"),
        "name": ("Deal Name", "dealname"),
        "owner": ("Deal Owner", "hubspot_owner_id"),
        "stage": ("Deal Stage", "dealstage"),
        "pipeline": ("Pipeline",),
        "close_date": ("Close Date", "closedate"),
        "currency": ("Currency", "deal_currency_code"),
        "kind": ("Deal Type", "dealtype"),
    }},
    won_stages=("closedwon", "Closed Won"),
    kinds={"New Business": "new", "newbusiness": "new",
           "Existing Business": "expansion", "existingbusiness": "expansion"},
    renewal_pipeline_word="renewal",
)

CRM_OPPORTUNITIES = Profile(
    "crm-opportunities",
    "Maven 'CRM Sales Opportunities' (sales_pipeline.csv, sales_teams.csv): close_value as amount",
    columns={
        "deals": {"deal_id": ("opportunity_id",), "owner": ("sales_agent",),
                  "stage": ("deal_stage",), "amount": ("close_value",)},
        "reps": {"name": ("sales_agent",)},
        "quotas": {"rep": ("sales_agent",)},
    },
    won_stages=("Won",),
    team_path=("regional_office", "manager"),
)

SALESFORCE_SPLITS = replace(
    SALESFORCE, name="salesforce-splits",
    description="Salesforce Opportunities with Splits report: credits from Split Owner, "
                "Split Percentage, Split Type (Revenue/Overlay); deals as salesforce",
    columns={**SALESFORCE.columns, "credits": {
        "deal_id": ("Opportunity ID", "Opportunity: Opportunity ID", "Opportunity Id",
                    "OpportunityId"),
        "rep": ("Split Owner", "Opportunity Split: Owner", "Opportunity Split Owner",
                "Split Owner: Full Name", "SplitOwner", "SplitOwnerId"),
        "share": ("Split Percentage", "Opportunity Split: Split Percentage", "Split %",
                  "SplitPercentage"),
        "credit_type": ("Split Type", "Opportunity Split: Split Type", "Split Type Name",
                        "SplitType"),
    }},
)

PIPEDRIVE = Profile(
    "pipedrive", "Pipedrive deals export (Deal - ID, Title, Value, Currency, Owner, "
                 "Status won/lost/open, Won time)",
    columns={"deals": {
        "deal_id": ("Deal - ID", "ID"),
        "name": ("Deal - Title", "Title"),
        "owner": ("Deal - Owner", "Owner", "Deal - Owner name"),
        "stage": ("Deal - Status", "Status"),
        "close_date": ("Deal - Won time", "Won time", "Deal - Deal closed on", "Deal closed on",
                       "Deal - Close time", "Close time"),
        "amount": ("Deal - Value", "Value"),
        "currency": ("Deal - Currency", "Currency", "Deal - Currency of Value"),
        "pipeline": ("Deal - Pipeline", "Pipeline"),
    }},
    won_stages=("won",),
)

STRIPE = Profile(
    "stripe", "Stripe subscriptions export: status, interval x count, quantity, unit amount "
              "in minor units, trials, coupons (once/repeating/forever)",
    columns={"deals": {
        "deal_id": ("id", "Subscription ID"),
        "name": ("Customer Name", "Customer Email", "Customer Description", "Customer ID",
                 "Customer"),
        "owner": ("owner (metadata)", "rep (metadata)", "sales_rep (metadata)",
                  "salesperson (metadata)"),
        "stage": ("Status",),
        "close_date": ("Start Date (UTC)", "Start (UTC)", "Start Date", "Created (UTC)"),
        "amount": ("Plan Amount", "Price Amount", "Unit Amount", "Amount"),
        "currency": ("Plan Currency", "Price Currency", "Currency"),
        "quantity": ("Quantity",),
        "interval": ("Plan Interval", "Price Interval", "Interval"),
        "interval_count": ("Plan Interval Count", "Price Interval Count", "Interval Count"),
        "trial_end": ("Trial End (UTC)", "Trial End"),
        "canceled_at": ("Canceled At (UTC)", "Ended At (UTC)", "Canceled At", "Ended At"),
        "percent_off": ("Coupon Percent Off", "Discount Percent Off", "Percent Off",
                        "percent_off"),
        "amount_off": ("Coupon Amount Off", "Discount Amount Off", "Amount Off", "amount_off"),
        "discount_duration": ("Coupon Duration", "Discount Duration", "Duration"),
    }},
    won_stages=("active", "past_due", "unpaid"),
    minor_units=True,
    subscriptions=True,
    naive_utc=True,
)

GENERIC = Profile("generic", "kvot's own column names (see docs/import.md)")

PROFILES = {p.name: p for p in (GENERIC, SALESFORCE, SALESFORCE_SPLITS, HUBSPOT, PIPEDRIVE,
                                STRIPE, CRM_OPPORTUNITIES)}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise SettingsError(
            f"profile {name!r} is unknown; use one of: {', '.join(PROFILES)}") from None


def list_profiles() -> list[tuple[str, str]]:
    """(name, one-line description) of every built-in profile."""
    return [(p.name, p.description) for p in PROFILES.values()]

"""The Talent CRM report: the analytics marts as charts in ONE self-contained HTML file.

Plain Python (no Dagster): `build_report(con, as_of)` reads the `analytics` marts, turns them
into plotly figures and key numbers; `write_report(...)` writes
`<out_dir>/talent_crm_report_<date>.html`. plotly.js is inlined once (no CDN), so the file opens
offline, from a mail attachment or an air-gapped laptop. Only aggregates reach the report: no
names, emails or contact ids.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline
import polars as pl

# The marts the report reads (schema analytics); the Dagster asset depends on exactly these.
REPORT_MARTS = (
    "hires",
    "source_of_hire",
    "warm_pool_hire_share",
    "time_to_fill",
    "cohort_conversion",
    "pool_growth_monthly",
    "nurture_response_by_step",
    "contact_data_quality_monthly",
    "pool_by_segment_monthly",
    "pool_by_role_family_monthly",
    "nurture_response_by_segment_step",
    "gdpr_health_monthly",
    "gdpr_health_current",
    "conversion_funnel",
)

REPORT_FILE_PREFIX = "talent_crm_report_"

# One palette for every chart, so "warm" is the same colour everywhere.
WARM = "#2a9d8f"
COLD = "#e76f51"
NEUTRAL = "#264653"
CHANNEL_COLOURS = {
    "job_board": "#e76f51",
    "careers_site": "#f4a261",
    "referral": "#2a9d8f",
    "sourcing": "#264653",
    "event": "#8ab17d",
    "agency": "#9c6644",
    "other": "#adb5bd",
}
# Series without a meaning of their own (segments, role families).
SERIES_COLOURS = (
    "#264653",
    "#2a9d8f",
    "#e9c46a",
    "#f4a261",
    "#e76f51",
    "#8ab17d",
    "#9c6644",
    "#6d597a",
    "#457b9d",
    "#b56576",
)


@dataclass
class Chart:
    """One section of the report: a title, one sentence on how to read it, the figure."""

    slug: str
    title: str
    explanation: str
    figure: go.Figure
    has_data: bool


@dataclass
class Report:
    as_of: date
    key_numbers: dict[str, float | int] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)


def read_mart(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


def missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Report marts not present in the database (dbt has not built them yet)."""
    present = {
        row[0]
        for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'analytics'"
        ).fetchall()
    }
    return [name for name in REPORT_MARTS if name not in present]


# -- key numbers --------------------------------------------------------------------------


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> float | int | None:
    rows = con.execute(sql).fetchall()
    value = rows[0][0] if rows else None  # an empty CRM has no months, hires or steps yet
    if value is None:
        return None
    return value if isinstance(value, int) else float(value)


KEY_NUMBER_SQL = {
    "hires_total": "select count(*) from analytics.hires",
    "warm_hire_share": "select avg(case when hire_pool = 'crm_warm' then 1.0 else 0.0 end) "
    "from analytics.hires",
    "median_days_to_fill_crm_warm": "select median(days_to_fill) from analytics.time_to_fill "
    "where filled_from = 'crm_warm'",
    "median_days_to_fill_cold": "select median(days_to_fill) from analytics.time_to_fill "
    "where filled_from = 'cold'",
    "silver_medalist_conversion": "select sum(hired_after) / nullif(sum(cohort_size), 0) "
    "from analytics.cohort_conversion where cohort = 'silver_medalist'",
    "event_attendee_conversion": "select sum(hired_after) / nullif(sum(cohort_size), 0) "
    "from analytics.cohort_conversion where cohort = 'event_attendee'",
    "pool_size": "select pool_size from analytics.pool_growth_monthly "
    "order by month_start desc limit 1",
    "contactable_pool": "select contactable_pool from analytics.pool_growth_monthly "
    "order by month_start desc limit 1",
    "nurture_reply_rate": "select sum(contacts_replied) / nullif(sum(case when "
    "contacts_delivered > 0 then contacts_delivered else contacts_sent end), 0) "
    "from analytics.nurture_response_by_step",
    "nurture_click_rate": "select sum(contacts_clicked) / nullif(sum(case when "
    "contacts_delivered > 0 then contacts_delivered else contacts_sent end), 0) "
    "from analytics.nurture_response_by_step",
    "stale_share": "select stale_share from analytics.contact_data_quality_monthly "
    "order by month_start desc limit 1",
    "fully_tagged_share": "select fully_tagged_share from analytics.contact_data_quality_monthly "
    "order by month_start desc limit 1",
    "segment_members_total": "select sum(members) from analytics.pool_by_segment_monthly "
    "where month_start = (select max(month_start) from analytics.pool_by_segment_monthly)",
    "nurture_segment_response_rate": "select sum(contacts_responded) / nullif(sum(contacts_sent), "
    "0) from analytics.nurture_response_by_segment_step",
    "nurture_segment_send_rate": "select sum(contacts_sent) / nullif(sum(contacts_due), 0) "
    "from analytics.nurture_response_by_segment_step",
    # gdpr_health_current keeps no history: these figures, recorded on every run, are it.
    **{
        f"gdpr_{column}": f"select {column} from analytics.gdpr_health_current"
        for column in (
            "consent_gaps",
            "art14_notices_due",
            "art14_notices_overdue",
            "retention_due_30_days",
            "retention_purge_due",
            "suppressed_contacts",
            "suppression_list_size",
            "retention_purges_total",
            "erasure_requests_total",
        )
    },
}


def key_numbers(con: duckdb.DuckDBPyConnection) -> dict[str, float | int]:
    """The headline figures (numbers only; a figure without data is left out, not zeroed)."""
    numbers: dict[str, float | int] = {}
    for name, sql in KEY_NUMBER_SQL.items():
        value = _scalar(con, sql)
        if value is not None:
            numbers[name] = round(value, 4) if isinstance(value, float) else value
    numbers.update(segment_member_numbers(con))
    return numbers


def segment_member_numbers(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Members per segment at the latest month (`segment_members__<segment>`): one series per
    segment in the UI's plots. Segment names are configuration, not personal data."""
    rows = con.execute(
        "select segment_name, members from analytics.pool_by_segment_monthly "
        "where month_start = (select max(month_start) from analytics.pool_by_segment_monthly) "
        "order by segment_name"
    ).fetchall()
    return {f"segment_members__{name}": int(members) for name, members in rows}


# -- charts -------------------------------------------------------------------------------


def _layout(fig: go.Figure, *, y_title: str, percent: bool = False) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=380,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "y": -0.18},
        yaxis_title=y_title,
    )
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def _chart(
    chart_id: str,
    title: str,
    description: str,
    fig: go.Figure,
    *,
    has_data: bool,
    empty_message: str,
    y_title: str,
    percent: bool = False,
) -> Chart:
    """The common ending of every chart: the shared layout, and a message instead of an empty
    plot when the mart has no rows yet."""
    if not has_data:
        _empty(fig, empty_message)
    return Chart(
        chart_id, title, description, _layout(fig, y_title=y_title, percent=percent), has_data
    )


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(
        text=message, showarrow=False, font={"size": 16}, x=0.5, y=0.5, xref="paper", yref="paper"
    )
    return fig


def source_of_hire_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con, "select hire_quarter, channel, hires from analytics.source_of_hire order by 1, 2"
    )
    fig = go.Figure()
    order = list(CHANNEL_COLOURS)
    channels = frame["channel"].unique().to_list()
    for channel in sorted(channels, key=lambda c: (order.index(c) if c in order else 99, c)):
        part = frame.filter(pl.col("channel") == channel)
        fig.add_bar(
            x=part["hire_quarter"].to_list(),
            y=part["hires"].to_list(),
            name=channel.replace("_", " "),
            marker_color=CHANNEL_COLOURS.get(channel, CHANNEL_COLOURS["other"]),
        )
    fig.update_layout(barmode="stack")
    return _chart(
        "source-of-hire",
        "Source of hire",
        "Hires per quarter by the channel the application came through.",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no hires recorded yet",
        y_title="hires",
    )


def warm_share_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select hire_quarter, warm_hires, cold_hires, warm_share "
        "from analytics.warm_pool_hire_share order by 1",
    )
    fig = go.Figure()
    quarters = frame["hire_quarter"].to_list()
    fig.add_bar(
        x=quarters,
        y=frame["warm_hires"].to_list(),
        name="warm: in the CRM before the req opened",
        marker_color=WARM,
    )
    fig.add_bar(x=quarters, y=frame["cold_hires"].to_list(), name="cold", marker_color=COLD)
    fig.add_scatter(
        x=quarters,
        y=frame["warm_share"].to_list(),
        name="warm share",
        yaxis="y2",
        mode="lines+markers",
        line={"color": NEUTRAL},
    )
    fig.update_layout(
        barmode="stack",
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "tickformat": ".0%",
            "range": [0, 1],
            "dtick": 0.25,
            "showgrid": False,
        },
    )
    return _chart(
        "warm-share",
        "Pipeline self-sufficiency: warm vs cold hires",
        "Hires who were CRM contacts before their req opened, against those first met "
        "through the application itself (job boards, careers site, agencies).",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no hires recorded yet",
        y_title="hires",
    )


def time_to_fill_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(con, "select filled_from, days_to_fill from analytics.time_to_fill")
    fig = go.Figure()
    for pool, colour, label in (
        ("crm_warm", WARM, "filled from the CRM"),
        ("cold", COLD, "filled cold"),
    ):
        values = frame.filter(pl.col("filled_from") == pool)["days_to_fill"].to_list()
        fig.add_box(
            y=values, name=f"{label} ({len(values)} reqs)", marker_color=colour, boxmean=True
        )
    return _chart(
        "time-to-fill",
        "Time to fill: CRM-sourced vs other reqs",
        "Days from a req opening to its first hire (box: quartiles; dashed line: mean).",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no filled reqs yet",
        y_title="days to fill",
    )


COHORT_LABELS = {
    "silver_medalist": "silver medalists",
    "event_attendee": "event attendees",
    "whole_pool": "whole pool (baseline)",
}


def cohort_conversion_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select cohort, sum(cohort_size) as size, sum(hired_after) as hired, "
        "sum(hired_after) / nullif(sum(cohort_size), 0) as rate "
        "from analytics.cohort_conversion group by cohort order by cohort",
    )
    rows = {row["cohort"]: row for row in frame.iter_rows(named=True)}
    cohorts = [c for c in COHORT_LABELS if c in rows]
    fig = go.Figure(
        go.Bar(
            x=[COHORT_LABELS[c] for c in cohorts],
            y=[rows[c]["rate"] for c in cohorts],
            text=[f"{rows[c]['hired']:,} of {rows[c]['size']:,}" for c in cohorts],
            textposition="outside",
            marker_color=[WARM if c != "whole_pool" else NEUTRAL for c in cohorts],
        )
    )
    chart = _chart(
        "cohort-conversion",
        "Silver-medalist and event-attendee conversion",
        "Share of each cohort hired after entering it: rejected at a final stage, attended an "
        "event, or (baseline) simply in the pool.",
        fig,
        has_data=bool(cohorts),
        empty_message="no cohorts yet",
        y_title="hired afterwards",
        percent=True,
    )
    chart.figure.update_yaxes(tickformat=".1%")
    return chart


def pool_growth_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select month_start, new_contacts, pool_size, contactable_pool "
        "from analytics.pool_growth_monthly order by 1",
    )
    months = frame["month_start"].to_list()
    fig = go.Figure()
    fig.add_scatter(
        x=months, y=frame["pool_size"].to_list(), name="pool size", line={"color": NEUTRAL}
    )
    fig.add_scatter(
        x=months,
        y=frame["contactable_pool"].to_list(),
        name="contactable today",
        line={"color": WARM},
    )
    fig.add_bar(
        x=months,
        y=frame["new_contacts"].to_list(),
        name="new contacts that month",
        marker_color=COLD,
        yaxis="y2",
        opacity=0.5,
    )
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False})
    return _chart(
        "pool-growth",
        "Talent pool size and growth",
        "Contacts in the pool at each month end, the part that may be contacted today, and new "
        "contacts per month (right axis).",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no contacts yet",
        y_title="contacts",
    )


def nurture_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        """
        select
            step,
            sum(contacts_replied) / nullif(sum(case when contacts_delivered > 0
                then contacts_delivered else contacts_sent end), 0) as reply_rate,
            sum(contacts_clicked) / nullif(sum(case when contacts_delivered > 0
                then contacts_delivered else contacts_sent end), 0) as click_rate,
            sum(contacts_sent) as sent
        from analytics.nurture_response_by_step
        where step is not null
        group by step
        order by step
        """,
    )
    steps = [f"step {s}" for s in frame["step"].to_list()]
    fig = go.Figure()
    fig.add_bar(x=steps, y=frame["reply_rate"].to_list(), name="replied", marker_color=WARM)
    fig.add_bar(x=steps, y=frame["click_rate"].to_list(), name="clicked", marker_color=NEUTRAL)
    fig.update_layout(barmode="group")
    return _chart(
        "nurture",
        "Nurture response by step",
        "Replies and clicks per delivered contact at each step of the nurture sequences "
        "(opens are not counted: privacy proxies open every email).",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no outreach logged yet",
        y_title="response rate",
        percent=True,
    )


def data_quality_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select month_start, fully_tagged_share, title_share, linkedin_share, stale_share "
        "from analytics.contact_data_quality_monthly order by 1",
    )
    months = frame["month_start"].to_list()
    fig = go.Figure()
    fig.add_scatter(
        x=months,
        y=frame["fully_tagged_share"].to_list(),
        name="title + company + location",
        line={"color": WARM},
    )
    fig.add_scatter(
        x=months,
        y=frame["linkedin_share"].to_list(),
        name="has LinkedIn",
        line={"color": NEUTRAL, "dash": "dot"},
    )
    fig.add_scatter(
        x=months,
        y=frame["stale_share"].to_list(),
        name="stale (no meaningful action in 12 months)",
        line={"color": COLD},
    )
    fig.update_yaxes(range=[0, 1])
    return _chart(
        "data-quality",
        "Tagging completeness and stale share",
        "Share of the pool at each month end with complete profile tags, and share gone stale.",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no contacts yet",
        y_title="share of pool",
        percent=True,
    )


def _month_labels(values: list) -> list[str]:
    return [value.strftime("%b %Y") for value in values]


def pool_by_segment_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select month_start, segment_name, members, joined, left_segment "
        "from analytics.pool_by_segment_monthly order by month_start, segment_name",
    )
    fig = go.Figure()
    for index, segment in enumerate(sorted(frame["segment_name"].unique().to_list())):
        part = frame.filter(pl.col("segment_name") == segment)
        fig.add_bar(
            x=_month_labels(part["month_start"].to_list()),
            y=part["members"].to_list(),
            name=segment.replace("_", " "),
            marker_color=SERIES_COLOURS[index % len(SERIES_COLOURS)],
            customdata=list(
                zip(part["joined"].to_list(), part["left_segment"].to_list(), strict=True)
            ),
            hovertemplate="%{y:,} members<br>+%{customdata[0]:,} joined, "
            "-%{customdata[1]:,} left<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="group")
    return _chart(
        "pool-by-segment",
        "Pool by segment",
        "Members of each segment at month end (hover: joined and left that month). Months start "
        "with the first pipeline run that built the segments.",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no segment members yet",
        y_title="members",
    )


def pool_by_role_family_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select month_start, role_family, pool_size "
        "from analytics.pool_by_role_family_monthly order by month_start, role_family",
    )
    # Largest families first, so the stack reads bottom-up from the biggest.
    order = (
        frame.group_by("role_family")
        .agg(pl.col("pool_size").max())
        .sort(["pool_size", "role_family"], descending=[True, False])["role_family"]
        .to_list()
    )
    fig = go.Figure()
    for index, family in enumerate(order):
        part = frame.filter(pl.col("role_family") == family)
        colour = (
            CHANNEL_COLOURS["other"]
            if family == "unknown"
            else SERIES_COLOURS[index % len(SERIES_COLOURS)]
        )
        fig.add_scatter(
            x=part["month_start"].to_list(),
            y=part["pool_size"].to_list(),
            name=family.replace("_", " "),
            stackgroup="pool",
            line={"color": colour, "width": 1},
        )
    return _chart(
        "pool-by-role-family",
        "Pool by role family",
        "Contacts in the pool at each month end, stacked by role family (the current tag).",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no contacts yet",
        y_title="contacts",
    )


def nurture_by_segment_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select segment_name, step, step_name, contacts_due, contacts_sent, contacts_responded, "
        "send_rate, response_rate from analytics.nurture_response_by_segment_step "
        "where contacts_due > 0 order by segment_name, step",
    )
    labels = [
        f"{segment.replace('_', ' ')}<br>step {step}"
        for segment, step in zip(
            frame["segment_name"].to_list(), frame["step"].to_list(), strict=True
        )
    ]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=frame["send_rate"].to_list(),
        name="e-mailed inside the step's window (of due)",
        marker_color=NEUTRAL,
        text=[
            f"{sent:,}/{due:,}"
            for sent, due in zip(
                frame["contacts_sent"].to_list(), frame["contacts_due"].to_list(), strict=True
            )
        ],
        textposition="outside",
    )
    fig.add_bar(
        x=labels,
        y=frame["response_rate"].to_list(),
        name="replied or clicked within 14 days (of e-mailed)",
        marker_color=WARM,
        text=[
            f"{responded:,}/{sent:,}" if sent else ""
            for responded, sent in zip(
                frame["contacts_responded"].to_list(),
                frame["contacts_sent"].to_list(),
                strict=True,
            )
        ],
        textposition="outside",
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(rangemode="tozero")
    chart = _chart(
        "nurture-by-segment",
        "Nurture response by segment and step",
        "For each segment's steps that have fallen due: the share of members e-mailed inside "
        "the step's window, and of those, the share who replied or clicked within 14 days "
        "(labels: counts; opens are not a response).",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no nurture step due yet",
        y_title="share",
        percent=True,
    )
    chart.figure.update_layout(
        xaxis={"tickangle": 0, "tickfont": {"size": 10}},
        yaxis={"tickformat": ".1%"},
        hovermode="x unified",
    )
    return chart


def gdpr_history_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(
        con,
        "select month_start, erasure_requests, retention_purges, other_erasures, "
        "suppression_list_size from analytics.gdpr_health_monthly order by month_start",
    )
    months = _month_labels(frame["month_start"].to_list())
    fig = go.Figure()
    for column, label, colour in (
        ("retention_purges", "retention purges", NEUTRAL),
        ("erasure_requests", "erasure requests", COLD),
        ("other_erasures", "source deletions, re-deliveries", CHANNEL_COLOURS["careers_site"]),
    ):
        fig.add_bar(x=months, y=frame[column].to_list(), name=label, marker_color=colour)
    fig.add_scatter(
        x=months,
        y=frame["suppression_list_size"].to_list(),
        name="suppression list (right axis)",
        yaxis="y2",
        mode="lines+markers",
        line={"color": WARM},
    )
    fig.update_layout(
        barmode="stack",
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero"},
    )
    fig.update_yaxes(rangemode="tozero")
    return _chart(
        "gdpr-history",
        "GDPR: erasures, purges and the suppression list",
        "People erased per month by reason, from the audit log, and the suppression list's "
        "size (hashes only) at month end.",
        fig,
        has_data=not frame.is_empty(),
        empty_message="no erasures or suppressions recorded yet",
        y_title="people erased",
    )


GDPR_NOW_BARS = (
    ("consent_gaps", "no lawful basis"),
    ("art14_notices_due", "Art. 14 notice owed"),
    ("art14_notices_overdue", "Art. 14 notice overdue"),
    ("retention_due_30_days", "retention ends within 30 days"),
    ("retention_purge_due", "purge due now"),
    ("suppressed_contacts", "suppressed"),
)


def gdpr_now_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    frame = read_mart(con, "select * from analytics.gdpr_health_current")
    row = frame.row(0, named=True) if frame.height else {}
    fig = go.Figure(
        go.Bar(
            y=[label for _, label in GDPR_NOW_BARS][::-1],
            x=[row.get(column) for column, _ in GDPR_NOW_BARS][::-1],
            orientation="h",
            marker_color=[
                COLD if "overdue" in c or "due_now" in c else NEUTRAL for c, _ in GDPR_NOW_BARS
            ][::-1],
            text=[f"{row.get(column, 0) or 0:,}" for column, _ in GDPR_NOW_BARS][::-1],
            textposition="outside",
        )
    )
    contacts = row.get("contacts") or 0
    chart = _chart(
        "gdpr-now",
        "GDPR health today",
        f"Contacts (of {contacts:,}) in each GDPR state as of this run. Current state only: the "
        "report's asset metadata keeps these figures run by run (Dagster → asset → Plots).",
        fig,
        has_data=bool(row),
        empty_message="GDPR marts not built yet",
        y_title="",
    )
    chart.figure.update_layout(margin={"l": 200})
    return chart


FUNNEL_STEPS = (
    ("matched", "matched"),
    ("reviewed", "reviewed"),
    ("approved", "approved"),
    ("pushed", "pushed to the ATS"),
    ("applied", "applied"),
    ("advanced", "advanced"),
    ("hired", "hired"),
)


def conversion_funnel_chart(con: duckdb.DuckDBPyConnection) -> Chart:
    """Req matching from ranking to hire, over every matched req; skipped and not-a-fit
    counts and the median hours per step in the sentence above the chart."""
    sums = ", ".join(f"coalesce(sum({column}), 0) as {column}" for column, _ in FUNNEL_STEPS)
    frame = read_mart(
        con,
        f"""
        select
            count(*) as reqs,
            {sums},
            coalesce(sum(skipped), 0) as skipped,
            coalesce(sum(not_a_fit), 0) as not_a_fit,
            median(median_hours_matched_to_decided) as to_decided,
            median(median_hours_decided_to_pushed) as to_pushed
        from analytics.conversion_funnel
        """,
    )
    row = frame.row(0, named=True)
    has_data = row["reviewed"] > 0
    fig = go.Figure()
    if has_data:
        fig.add_funnel(
            y=[label for _, label in FUNNEL_STEPS],
            x=[row[column] for column, _ in FUNNEL_STEPS],
            textinfo="value+percent initial",
            marker={"color": [NEUTRAL, NEUTRAL, WARM, WARM, WARM, WARM, WARM]},
        )
    explanation = (
        "Contacts req matching ranked for a req, and how many recruiters reviewed, approved "
        "and pushed into the ATS, then applied, advanced past the first stage and were hired "
        "(each step out of the one before)."
    )
    if has_data:
        hours = [
            f"{label} {value:.0f} h"
            for label, value in (
                ("match to decision", row["to_decided"]),
                ("decision to push", row["to_pushed"]),
            )
            if value is not None
        ]
        explanation += (
            f" {row['reqs']:,} reqs; {row['skipped']:,} skipped, {row['not_a_fit']:,} not a fit"
            + (f"; median of the reqs' medians: {', '.join(hours)}" if hours else "")
            + "."
        )
    chart = _chart(
        "conversion-funnel",
        "Req-matching conversion funnel",
        explanation,
        fig,
        has_data=has_data,
        empty_message="no match reviewed yet",
        y_title="",
    )
    if not has_data:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return chart


CHART_BUILDERS = (
    warm_share_chart,
    source_of_hire_chart,
    time_to_fill_chart,
    cohort_conversion_chart,
    pool_growth_chart,
    nurture_chart,
    data_quality_chart,
    pool_by_segment_chart,
    pool_by_role_family_chart,
    nurture_by_segment_chart,
    gdpr_now_chart,
    gdpr_history_chart,
    conversion_funnel_chart,
)


def build_report(con: duckdb.DuckDBPyConnection, as_of: date) -> Report:
    missing = missing_marts(con)
    if missing:
        raise RuntimeError(
            "analytics marts missing: "
            + ", ".join(f"analytics.{m}" for m in missing)
            + ". Build them first: materialize the dbt assets (job crm_pipeline) or run "
            "`.venv/bin/talent-crm materialize`."
        )
    return Report(
        as_of=as_of,
        key_numbers=key_numbers(con),
        charts=[builder(con) for builder in CHART_BUILDERS],
    )


# -- HTML ---------------------------------------------------------------------------------

KEY_NUMBER_LABELS = {
    "hires_total": ("hires", "{:,}"),
    "warm_hire_share": ("hires from the warm pool", "{:.0%}"),
    "median_days_to_fill_crm_warm": ("median days to fill, CRM", "{:.0f}"),
    "median_days_to_fill_cold": ("median days to fill, cold", "{:.0f}"),
    "silver_medalist_conversion": ("silver medalists hired later", "{:.1%}"),
    "event_attendee_conversion": ("event attendees hired later", "{:.1%}"),
    "pool_size": ("contacts in the pool", "{:,}"),
    "contactable_pool": ("contactable today", "{:,}"),
    "nurture_reply_rate": ("nurture reply rate", "{:.1%}"),
    "stale_share": ("stale share of the pool", "{:.0%}"),
    "segment_members_total": ("segment memberships", "{:,}"),
    "nurture_segment_response_rate": ("nurture steps answered", "{:.1%}"),
    "gdpr_consent_gaps": ("contacts without lawful basis", "{:,}"),
    "gdpr_art14_notices_overdue": ("Art. 14 notices overdue", "{:,}"),
    "gdpr_retention_purge_due": ("due for retention purge", "{:,}"),
    "gdpr_suppression_list_size": ("suppression list (hashes)", "{:,}"),
}

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
       background: #f6f7f9; color: #1d2a33; }
header { background: #264653; color: white; padding: 24px 40px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
main { padding: 24px 40px; max-width: 1200px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
         gap: 12px; margin-bottom: 24px; }
.tile { background: white; border-radius: 8px; padding: 14px 16px;
        box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.tile .value { font-size: 26px; font-weight: 600; }
.tile .label { font-size: 13px; color: #5c6b73; }
section.chart { background: white; border-radius: 8px; padding: 16px 20px; margin-bottom: 20px;
                box-shadow: 0 1px 2px rgba(0,0,0,.08); }
section.chart h2 { margin: 0 0 4px; font-size: 18px; }
section.chart p { margin: 0 0 8px; color: #5c6b73; font-size: 14px; }
footer { color: #5c6b73; font-size: 12px; padding: 0 40px 24px; }
"""


def _tiles(numbers: dict[str, float | int]) -> str:
    tiles = []
    for name, (label, fmt) in KEY_NUMBER_LABELS.items():
        value = numbers.get(name)
        shown = fmt.format(value) if value is not None else "–"
        tiles.append(
            f'<div class="tile" data-key="{name}"><div class="value">{shown}</div>'
            f'<div class="label">{html.escape(label)}</div></div>'
        )
    return '<div class="tiles">' + "".join(tiles) + "</div>"


def render_html(report: Report) -> str:
    """The whole report as one HTML document with plotly.js inlined (works offline)."""
    sections = []
    for chart in report.charts:
        div = pio.to_html(
            chart.figure,
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{chart.slug}",
            config={"displaylogo": False, "responsive": True},
        )
        sections.append(
            f'<section class="chart" id="{chart.slug}"><h2>{html.escape(chart.title)}</h2>'
            f"<p>{html.escape(chart.explanation)}</p>{div}</section>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Talent CRM report {report.as_of.isoformat()}</title>"
        f"<style>{STYLE}</style>"
        # plotly.js inline, once, before any chart: no CDN, no network at view time.
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
        "</head><body>"
        f"<header><h1>Talent CRM report</h1><div>Data as of {report.as_of.isoformat()} · "
        "aggregates only, no personal data</div></header>"
        f"<main>{_tiles(report.key_numbers)}{''.join(sections)}</main>"
        "<footer>Built from the analytics marts (schema <code>analytics</code>) by the Dagster "
        "asset analytics/talent_crm_report.</footer></body></html>\n"
    )


def report_path(out_dir: Path, as_of: date) -> Path:
    return out_dir / f"{REPORT_FILE_PREFIX}{as_of.isoformat()}.html"


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path, as_of: date) -> tuple[Path, Report]:
    """Build and write the report; re-running on the same day replaces that day's file."""
    report = build_report(con, as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = report_path(out_dir, as_of)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_html(report), encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a report
    return path, report

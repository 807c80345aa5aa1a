"""Reports: requests per village per week, time from request to issue, overdue requests.

The database does the counting (grouped by village and day, so the rows fetched stay few however
many requests there are); Python folds days into ISO weeks and draws the charts (:mod:`.charts`).
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

from flask import render_template, request
from sqlalchemy import Connection, func, select

from ..db import read
from ..db.schema import documents, requests
from ..errors import InvalidInputError
from .auth import engine
from .blueprint import bp
from .charts import horizontal_bars, stacked_columns
from .common import OPEN_STATES, today, village_codes, village_label
from .i18n import t
from .roles import ROLES, access

WEEKS = 8
ISSUE_WINDOW_DAYS = 90
BUCKETS = ((1, "bucket_1"), (3, "bucket_1_3"), (7, "bucket_3_7"))  # (days below, label)
BUCKETS_LAST = "bucket_more"


def week_start(day_text: str) -> date:
    day_value = date.fromisoformat(day_text[:10])
    return day_value - timedelta(days=day_value.weekday())


def per_village_per_week(conn: Connection, villages, weeks: int = WEEKS, until: date | None = None):
    """(week starts, {village: [count per week]}) for the villages named."""
    until = until or datetime.now(UTC).date()
    first = week_start(until.isoformat()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    day = func.substr(requests.c.created_at, 1, 10)
    counts = {code: [0] * weeks for code in villages}
    for village, day_text, count in conn.execute(
        select(requests.c.village, day, func.count())
        .where(requests.c.created_at >= first.isoformat())
        .group_by(requests.c.village, day)
    ):
        index = (week_start(day_text) - first).days // 7
        if village in counts and 0 <= index < weeks:
            counts[village][index] += count
    return starts, counts


def time_to_issue(conn: Connection, window_days: int = ISSUE_WINDOW_DAYS) -> dict:
    """Days from arrival at central to the document, over documents issued in the window."""
    since = (datetime.now(UTC) - timedelta(days=window_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = conn.execute(
        select(requests.c.created_at, documents.c.issued_at)
        .join(documents, documents.c.reference == requests.c.reference)
        .where(documents.c.issued_at >= since)
    ).all()
    days = []
    for created_at, issued_at in rows:
        start = datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ")
        end = datetime.strptime(issued_at, "%Y-%m-%dT%H:%M:%SZ")
        days.append(max((end - start).total_seconds() / 86400, 0))
    buckets = {key: 0 for _, key in BUCKETS}
    buckets[BUCKETS_LAST] = 0
    for value in days:
        for limit, key in BUCKETS:
            if value < limit:
                buckets[key] += 1
                break
        else:
            buckets[BUCKETS_LAST] += 1
    return {
        "count": len(days),
        "median": round(statistics.median(days), 1) if days else None,
        "p90": round(sorted(days)[int(0.9 * (len(days) - 1))], 1) if days else None,
        "buckets": buckets,
    }


def overdue_by_village(conn: Connection, villages) -> dict[str, int]:
    counts = dict.fromkeys(villages, 0)
    for village, count in conn.execute(
        select(requests.c.village, func.count())
        .where(requests.c.status.in_(OPEN_STATES), requests.c.due_date < today())
        .group_by(requests.c.village)
    ):
        if village in counts:
            counts[village] = count
    return counts


def open_by_state(conn: Connection) -> dict[str, int]:
    found = dict(
        conn.execute(
            select(requests.c.status, func.count())
            .where(requests.c.status.in_(OPEN_STATES))
            .group_by(requests.c.status)
        ).all()
    )
    return {state: found.get(state, 0) for state in OPEN_STATES}


@bp.get("/reports")
@access(*ROLES)
def reports():
    weeks = request.args.get("weeks", str(WEEKS)).strip() or str(WEEKS)
    if not (weeks.isascii() and weeks.isdigit()) or len(weeks) > 3:
        raise InvalidInputError("'weeks' must be a whole number of weeks, from 4 to 26.")
    weeks = min(max(int(weeks), 4), 26)
    villages = village_codes()
    with read(engine()) as conn:
        starts, weekly = per_village_per_week(conn, villages, weeks)
        issue = time_to_issue(conn)
        overdue = overdue_by_village(conn, villages)
        open_states = open_by_state(conn)
    week_labels = [start.strftime("%d.%m") for start in starts]
    series = [(village_label(code), values) for code, values in weekly.items()]
    weekly_chart = stacked_columns(
        t("report_weekly"), t("report_weekly_desc", weeks=weeks), week_labels, series, width=900
    )
    bucket_rows = [(t(key), count) for key, count in issue["buckets"].items()]
    issue_chart = horizontal_bars(t("report_issue"), t("report_issue_desc"), bucket_rows)
    overdue_rows = [(village_label(code), count) for code, count in overdue.items()]
    overdue_chart = horizontal_bars(
        t("report_overdue"), t("report_overdue_desc"), overdue_rows, colour="#D55E00"
    )
    return render_template(
        "office/reports.html",
        weeks=weeks,
        week_labels=week_labels,
        series=series,
        weekly_chart=weekly_chart,
        issue=issue,
        bucket_rows=bucket_rows,
        issue_chart=issue_chart,
        overdue_rows=overdue_rows,
        overdue_chart=overdue_chart,
        open_states=open_states,
    )

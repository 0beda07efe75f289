"""Schemathesis hooks for the tradewatch API.

The one rule of the API's parameters that an OpenAPI document cannot state is a relation
between two of them: `to` may not be before `from` (the document says so in words, and the
server answers such a request 400). Generated queries that break it are not sent, so that a
400 for them is not read as a valid request refused. Nothing else is filtered.
"""

import re

import schemathesis

_BOUND = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _bound(value, last):
    """A `from` or `to` bound as (year, month, day) to compare, or None when unreadable.

    Only the order matters: a `to` of a month or a year reaches past any day in it.
    """
    if not isinstance(value, str):
        return None
    match = _BOUND.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    if month is None:
        return (int(year), 12, 99) if last else (int(year), 1, 1)
    if day is None:
        return (int(year), int(month), 99 if last else 1)
    return (int(year), int(month), int(day))


@schemathesis.hook
def filter_query(context, query):
    if not isinstance(query, dict):
        return True
    start = _bound(query.get("from"), last=False)
    end = _bound(query.get("to"), last=True)
    return start is None or end is None or start <= end

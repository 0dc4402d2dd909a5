"""Dates as clerks read them, in Dutch: one place for the formats documents and messages use."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

__all__ = ["dutch_date", "short_date", "weekday_date"]


def dutch_date(value: dt.date) -> str:
    """A date as the documents print it: ``11 april 2023``."""
    return format_date(value, "long", locale="nl_NL")


def weekday_date(value: dt.date) -> str:
    """A meeting's day on its agenda: ``vrijdag 26 mei 2023``."""
    return format_date(value, "EEEE d MMMM y", locale="nl_NL")


def short_date(value: dt.date) -> str:
    """A date in the Behandeling table: ``12-11-21``."""
    return format_date(value, "dd-MM-yy", locale="nl_NL")

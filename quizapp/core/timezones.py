"""IANA time zones for people to pick from, and conversions between a wall-clock time there and stored UTC.

Stored times are naive UTC (as the models keep them); a form's ``datetime-local`` value is naive wall-clock
time in the person's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Current IANA names are Region/City; these regions are the continents and oceans people live in.
# Etc/*, US/*, Canada/* and the like are legacy or administrative aliases, and single-word names
# (Factory, GB-Eire, Navajo, Zulu, ...) are backward-compatibility links: both are left out.
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
           "Pacific")
DEFAULT_ZONE = "UTC"


@cache
def grouped_zones() -> dict[str, tuple[str, ...]]:
    """The common zones by region, each sorted; "UTC" is its own group first."""
    groups: dict[str, list[str]] = {"UTC": [DEFAULT_ZONE]}
    for name in sorted(available_timezones()):
        region = name.split("/", 1)[0]
        if "/" in name and region in REGIONS:
            groups.setdefault(region, []).append(name)
    return {region: tuple(names) for region, names in groups.items()}


def is_common_zone(name: str) -> bool:
    return any(name in names for names in grouped_zones().values())


def zone(name: str | None) -> ZoneInfo:
    """The zone called ``name``, or UTC for an unknown or empty name (old rows keep working)."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local_to_utc(wall_clock: datetime | None, zone_name: str | None) -> datetime | None:
    """A naive wall-clock time in ``zone_name`` as naive UTC (a time skipped or repeated by a DST change
    is read with ``fold=0``, i.e. the earlier offset, as zoneinfo does)."""
    if wall_clock is None:
        return None
    return wall_clock.replace(tzinfo=zone(zone_name)).astimezone(UTC).replace(tzinfo=None)


def utc_to_local(stored: datetime | None, zone_name: str | None) -> datetime | None:
    """A stored naive-UTC time as aware wall-clock time in ``zone_name``."""
    if stored is None:
        return None
    return stored.replace(tzinfo=UTC).astimezone(zone(zone_name))

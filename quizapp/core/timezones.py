"""IANA time zones for people to pick from, and conversions between a wall-clock time there and stored UTC.

Stored times are naive UTC (as the models keep them); a form's ``datetime-local`` value is naive wall-clock
time in the person's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "UTC"
# The IANA database's own list of the zones people choose by country (zone.tab, shipped by the tzdata package
# the app depends on): current Region/City names only. Backward-compatibility links are not in it -- whole-
# zone aliases (Factory, GB-Eire, Navajo, Etc/*, US/*) and Region/Name ones alike (Australia/ACT, Australia/NSW,
# Asia/Calcutta, Europe/Kiev) -- so no filter of ours has to guess which names are legacy.
_ZONE_TAB = "zone.tab"
# tzdata.zi: the compiled source of the database; its "L <target> <alias>" lines are the links.
_LINKS = "tzdata.zi"


def _tzdata_text(name: str) -> str:
    return files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@cache
def grouped_zones() -> dict[str, tuple[str, ...]]:
    """The common zones by region (the part before the first "/"), each sorted; "UTC" is its own group first.
    Read once per process, on first use."""
    names = sorted(line.split("\t")[2] for line in _tzdata_text(_ZONE_TAB).splitlines()
                   if line and not line.startswith("#"))
    groups: dict[str, list[str]] = {DEFAULT_ZONE: [DEFAULT_ZONE]}
    for name in names:
        groups.setdefault(name.split("/", 1)[0], []).append(name)
    return {region: tuple(zones) for region, zones in sorted(groups.items(), key=lambda g: g[0] != DEFAULT_ZONE)}


@cache
def _common_zones() -> frozenset[str]:
    return frozenset(name for names in grouped_zones().values() for name in names)


@cache
def _link_targets() -> dict[str, str]:
    """Each alias of the database with the zone it stands for (Australia/NSW -> Australia/Sydney)."""
    links = (line.split() for line in _tzdata_text(_LINKS).splitlines() if line.startswith("L "))
    return {parts[2]: parts[1] for parts in links if len(parts) == 3}


def is_common_zone(name: str) -> bool:
    return name in _common_zones()


def offered_zone(name: str | None) -> str:
    """The zone of the list that a stored name stands for: itself, the zone an alias links to (a zone saved
    elsewhere, e.g. by the flashcard settings, may be "US/Eastern" or "Asia/Calcutta"), or UTC for a name with
    none -- so a form never shows a zone other than the one the person has."""
    if name and is_common_zone(name):
        return name
    target = _link_targets().get(name or "")
    return target if target is not None and is_common_zone(target) else DEFAULT_ZONE


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

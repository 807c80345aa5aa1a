"""Where the settlements are, and a map of the municipality drawn from that alone (no tiles).

The coordinates come from the municipality profile (``municipality.toml``) and are APPROXIMATE
(WGS84, settlement centres to within about a kilometre); they place the kiosks on a schematic
map, they are not survey data. The outline is
the convex hull of the settlements widened by a margin: a sketch of the municipality, labelled
as such, not its legal boundary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sync.municipality import Municipality


@dataclass(frozen=True)
class Place:
    code: str
    name_bg: str
    name_en: str
    lat: float
    lon: float
    approximate: bool = True


KM_PER_DEGREE_LAT = 111.32


def places_of(municipality: Municipality) -> tuple[Place, ...]:
    """The profile's settlements as places on the map, the municipal centre first."""
    ordered = sorted(municipality.settlements, key=lambda settlement: not settlement.is_centre)
    return tuple(Place(s.code, s.name.bg, s.name.en, s.latitude, s.longitude) for s in ordered)


@dataclass(frozen=True)
class Projection:
    """Equirectangular around the municipality's middle: good to a few metres at this size."""

    lat0: float
    lon0: float
    pixels_per_km: float
    width: int
    height: int

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        x_km = (lon - self.lon0) * KM_PER_DEGREE_LAT * math.cos(math.radians(self.lat0))
        y_km = (self.lat0 - lat) * KM_PER_DEGREE_LAT
        return (
            round(self.width / 2 + x_km * self.pixels_per_km, 1),
            round(self.height / 2 + y_km * self.pixels_per_km, 1),
        )


def projection(
    places: Sequence[Place], width: int = 620, height: int = 420, margin_km: float = 4.0
) -> Projection:
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    lat0, lon0 = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    span_x = (max(lons) - min(lons)) * KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    span_y = (max(lats) - min(lats)) * KM_PER_DEGREE_LAT
    scale = min(width / (span_x + 2 * margin_km), height / (span_y + 2 * margin_km))
    return Projection(lat0, lon0, scale, width, height)


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain: the convex hull, counter-clockwise."""
    points = sorted(set(points))
    if len(points) < 3:
        return points

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def outline(
    proj: Projection, places: Sequence[Place], margin_km: float = 2.5, steps: int = 10
) -> str:
    """An SVG path: the hull of the settlements with rounded corners ``margin_km`` out."""
    hull = _hull([proj.point(p.lat, p.lon) for p in places])
    radius = margin_km * proj.pixels_per_km
    # The Minkowski sum of the hull and a circle: a circle's points around each corner, hulled.
    around = [
        (
            x + radius * math.cos(2 * math.pi * k / (steps * len(hull))),
            y + radius * math.sin(2 * math.pi * k / (steps * len(hull))),
        )
        for x, y in hull
        for k in range(steps * len(hull))
    ]
    ring = _hull(around)
    return "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in ring) + " Z"


def scale_bar(proj: Projection, km: int = 5) -> dict:
    return {"km": km, "pixels": round(km * proj.pixels_per_km, 1)}

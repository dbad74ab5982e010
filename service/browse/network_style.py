"""How the network drawing tells kinds of things apart: one colour and one shape per group of
types, each group's colour and shape its own, so no two groups look alike in the drawing or in
its legend.

The page gets the table as data (``styles`` in the network's JSON island, built by
:func:`legend`); ``static/network.js`` draws each node as the polygon given here, and the page's
legend draws the same polygon as SVG, so the legend matches the drawing by construction.
Coordinates are Cytoscape's ``shape-polygon-points``: x and y in [-1, 1], y pointing down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _regular(sides: int, turn: float = 0.0) -> tuple[float, ...]:
    """A regular polygon with a corner at the top (``turn``: a fraction of a side further)."""
    points: list[float] = []
    for i in range(sides):
        angle = -math.pi / 2 + 2 * math.pi * (i + turn) / sides
        points += [round(math.cos(angle), 3), round(math.sin(angle), 3)]
    return tuple(points)


def _star(tips: int = 5, inner: float = 0.45) -> tuple[float, ...]:
    points: list[float] = []
    for i in range(2 * tips):
        radius = 1.0 if i % 2 == 0 else inner
        angle = -math.pi / 2 + math.pi * i / tips
        points += [round(radius * math.cos(angle), 3), round(radius * math.sin(angle), 3)]
    return tuple(points)


#: The shapes, by name; ``None`` is a circle (Cytoscape's ``ellipse``).
SHAPES: dict[str, tuple[float, ...] | None] = {
    "circle": None,
    "hexagon": _regular(6, 0.5),
    "square": (-0.85, -0.85, 0.85, -0.85, 0.85, 0.85, -0.85, 0.85),
    "octagon": _regular(8, 0.5),
    "triangle": (0.0, -1.0, 1.0, 0.8, -1.0, 0.8),
    "triangle-down": (-1.0, -0.8, 1.0, -0.8, 0.0, 1.0),
    "pentagon": _regular(5),
    "diamond": (0.0, -1.0, 1.0, 0.0, 0.0, 1.0, -1.0, 0.0),
    "star": _star(),
    "page": (-0.75, -1.0, 0.35, -1.0, 0.75, -0.6, 0.75, 1.0, -0.75, 1.0),
    "parallelogram": (-0.5, -0.75, 1.0, -0.75, 0.5, 0.75, -1.0, 0.75),
    "chevron": (-1.0, -0.9, 0.0, -0.2, 1.0, -0.9, 1.0, 0.1, 0.0, 0.9, -1.0, 0.1),
    "cross": (-0.35, -1.0, 0.35, -1.0, 0.35, -0.35, 1.0, -0.35, 1.0, 0.35, 0.35, 0.35,
              0.35, 1.0, -0.35, 1.0, -0.35, 0.35, -1.0, 0.35, -1.0, -0.35, -0.35, -0.35),
    "bar": (-1.0, -0.45, 1.0, -0.45, 1.0, 0.45, -1.0, 0.45),
}


@dataclass(frozen=True)
class Style:
    key: str
    colour: str  # at least 3:1 against the drawing's background (WCAG 1.4.11)
    shape: str
    types: tuple[str, ...]  # CURIEs; the first group holding a type wins


#: The groups, in legend order. A type in no group is drawn as ``OTHER``.
STYLES: tuple[Style, ...] = (
    Style("municipality", "#1f5fa8", "circle", ("kf:Municipality",)),
    Style("region", "#c0262d", "hexagon", ("kf:Region",)),
    Style("county", "#6a3d9a", "square", ("kf:County",)),
    Style("federation", "#1a7a3a", "octagon", ("kf:MunicipalFederation",)),
    Style("council", "#b65300", "triangle", (
        "kf:SubregionalCompetenceCouncil", "kf:CollaborationBody", "kf:StrategicGroup",
        "kf:PoliticalCommittee", "kf:SectorCouncil", "kf:CompetencePlatform",
        "kf:JointIndustryBody")),
    Style("state", "#00727a", "triangle-down", (
        "kf:CountyAdministrativeBoard", "kf:GovernmentAgency", "kf:Government", "kf:Ministry",
        "kf:GovernmentCommittee")),
    Style("organisation", "#7f4f24", "pentagon", (
        "org:Organization", "org:OrganizationalUnit", "kf:EmployersOrganisation",
        "kf:TradeUnion", "kf:LabourMarketOrganisation", "foaf:Agent")),
    Style("agreement", "#b8237a", "diamond", (
        "kf:DeclarationOfIntent", "kf:FundingAgreement", "kf:ResponsibilityTransfer")),
    Style("funding", "#8a6d00", "star", ("kf:Grant", "kf:FundingScheme")),
    Style("document", "#4b5563", "page", (
        "kf:SourceDocument", "foaf:Document", "kf:OfficialReport", "kf:Act", "kf:Ordinance",
        "kf:Amendment", "kf:Guidance", "kf:RegionalDevelopmentStrategy", "kf:Plan",
        "kf:ActionPlan", "kf:CompetencePlan")),
    Style("activity", "#1d3f8f", "parallelogram", (
        "prov:Activity", "kf:Project", "schema:Project", "kf:EsfProject", "kf:Assignment",
        "kf:GovernmentAssignment")),
    Style("concept", "#5c6f00", "chevron", (
        "skos:Concept", "kf:Goal", "kf:IndustryValidationModel", "kf:AnalysisTool",
        "prov:Entity")),
    Style("person", "#a4122f", "cross", ("foaf:Person", "org:Post")),
)
OTHER = Style("other", "#6b6b6b", "bar", ())

_BY_TYPE = {t: s for s in reversed(STYLES) for t in s.types}


def style_of(type_curie: str | None) -> Style:
    return _BY_TYPE.get(type_curie or "", OTHER)


def legend(nodes: list[dict]) -> list[dict]:
    """The styles the nodes use (each node's ``type`` a CURIE, ``type_label`` its label), in
    table order, each with the labels of the types it stands for here."""
    labels: dict[str, list[str]] = {}
    for node in nodes:
        key = style_of(node.get("type")).key
        label = node.get("type_label") or node.get("type") or "–"
        if label not in labels.setdefault(key, []):
            labels[key].append(label)
    return [
        {
            "key": s.key,
            "colour": s.colour,
            "shape": s.shape,
            "points": SHAPES[s.shape],
            "svg_points": _svg_points(SHAPES[s.shape]),
            "types": sorted(labels[s.key]),
        }
        for s in (*STYLES, OTHER)
        if s.key in labels
    ]


def _svg_points(points: tuple[float, ...] | None) -> str | None:
    """The polygon in a 20×20 SVG box (for the legend), or ``None`` for a circle."""
    if points is None:
        return None
    pairs = zip(points[::2], points[1::2], strict=True)
    return " ".join(f"{10 + 9 * x:.1f},{10 + 9 * y:.1f}" for x, y in pairs)


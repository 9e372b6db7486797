"""One colour and one shape per node type, and the legend swatches that show them.

Colours are the ten of Tableau's "Tableau 10" palette (Maureen Stone, 2016; also
matplotlib's ``tab10`` in its newer variant), chosen for being told apart on screen
and in print; shapes are vis-network shapes whose label sits *below* the node, so
that ``value`` (support) scales the node.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeStyle:
    """How nodes of one type are drawn.

    Attributes
    ----------
    colour : str
        Fill colour, ``#rrggbb``.
    border : str
        Border colour, ``#rrggbb``.
    shape : str
        vis-network shape name (``dot``, ``square``, ``diamond``, ``triangle``,
        ``triangleDown``, ``hexagon``, ``star``).
    """

    colour: str
    border: str
    shape: str


#: Style per node type (entity types of :data:`kg.model.GRAPH_ENTITY_TYPES`, then
#: ``Document`` and ``Result``). The (colour, shape) pairs are all different.
TYPE_STYLES: dict[str, TypeStyle] = {
    "Method": TypeStyle("#4e79a7", "#2f4b6b", "dot"),
    "Dataset": TypeStyle("#f28e2b", "#a35a12", "square"),
    "Benchmark": TypeStyle("#e15759", "#962b2d", "diamond"),
    "Task": TypeStyle("#59a14f", "#356530", "triangle"),
    "Metric": TypeStyle("#edc948", "#a08522", "triangleDown"),
    "Organization": TypeStyle("#b07aa1", "#74466a", "hexagon"),
    "Hardware": TypeStyle("#76b7b2", "#3f7c77", "star"),
    "Person": TypeStyle("#ff9da7", "#c0535f", "dot"),
    "Location": TypeStyle("#9c755f", "#64483a", "square"),
    # stand-in for a method a document proposes without naming it (shown only in
    # document views and when asked for): Method's shape, pale "Tableau 20" blue
    "UnnamedMethod": TypeStyle("#a0cbe8", "#4e79a7", "dot"),
    "Document": TypeStyle("#bab0ac", "#77706c", "diamond"),
    "Result": TypeStyle("#555555", "#222222", "triangle"),
}

#: Style of any type not listed above.
FALLBACK_STYLE = TypeStyle("#d3d3d3", "#888888", "dot")


def style_for(type_name: str) -> TypeStyle:
    """Return the :class:`TypeStyle` of a node type (grey dot when unknown).

    Parameters
    ----------
    type_name : str
        Node type, e.g. ``"Method"``.

    Returns
    -------
    TypeStyle
    """
    return TYPE_STYLES.get(type_name, FALLBACK_STYLE)


# Unit-square (0..16) outlines of each shape for the legend.
_SVG_SHAPES: dict[str, str] = {
    "dot": '<circle cx="8" cy="8" r="6.5"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,1.5 15,14.5 1,14.5"/>',
    "triangleDown": '<polygon points="1,1.5 15,1.5 8,14.5"/>',
    "hexagon": '<polygon points="4.5,2 11.5,2 15,8 11.5,14 4.5,14 1,8"/>',
    "star": '<polygon points="8,0.8 10,6 15.5,6.2 11.2,9.6 12.7,15 8,11.9 3.3,15 4.8,9.6 0.5,6.2 6,6"/>',
}


def legend_svg(type_name: str) -> str:
    """Return an inline SVG swatch (16×16 px) of a type's shape and colour.

    The markup is built only from :data:`TYPE_STYLES` constants, never from graph
    text, so it is safe to insert unescaped.

    Parameters
    ----------
    type_name : str
        Node type.

    Returns
    -------
    str
        ``<svg>`` element markup.
    """
    st = style_for(type_name)
    shape = _SVG_SHAPES.get(st.shape, _SVG_SHAPES["dot"])
    return (
        '<svg class="kg-swatch" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">'
        f'<g fill="{st.colour}" stroke="{st.border}" stroke-width="1">{shape}</g></svg>'
    )

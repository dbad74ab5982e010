"""The deterministic TriG writer: subjects, predicates and objects sorted, no blank-node labels."""

from __future__ import annotations

import re
from collections import defaultdict

from graph.namespaces import PREFIXES
from graph.reference.terms import I, Lit, expand, sv


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render(obj, indent: str = "        ") -> str:
    if isinstance(obj, I):
        expand(obj)
        return str(obj)
    if isinstance(obj, Lit):
        if obj.lang:
            return _string(obj.value) + "@" + obj.lang
        if obj.datatype:
            expand(obj.datatype)
            return _string(obj.value) + "^^" + obj.datatype
        return _string(obj.value)
    if isinstance(obj, tuple):
        inner = indent + "    "
        return "[\n" + inner + predicate_list(obj, inner) + "\n" + indent + "]"
    raise TypeError(f"cannot write {obj!r}")


def render_predicate(p: I) -> str:
    return "a" if p == "rdf:type" else render(p)


def _pred_key(p: I) -> tuple[int, str]:
    return (0, "") if p == "rdf:type" else (1, expand(p))


def sorted_pairs(pairs) -> list[tuple[I, object]]:
    return sorted(set(pairs), key=lambda po: (_pred_key(po[0]), render(po[1])))


def predicate_list(pairs, indent: str) -> str:
    """``p o1 , o2 ;`` lines, predicates and objects sorted (``a`` first)."""
    grouped: dict[I, list[str]] = {}
    for p, o in sorted_pairs(pairs):
        grouped.setdefault(p, []).append(render(o, indent + "    "))
    return (" ;\n" + indent).join(
        f"{render_predicate(p)} {' , '.join(objs)}" for p, objs in grouped.items()
    )


class Quads:
    """Statements grouped by named graph and subject; written as sorted TriG."""

    def __init__(self) -> None:
        self.graphs: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))

    def add(self, graph: str, subject: str, predicate: str, obj) -> None:
        self.graphs[graph][I(subject)].add((I(predicate), obj))

    def addmany(self, graph: str, subject: str, *pairs) -> None:
        """Add (predicate, object) pairs; a pair whose object is None or "" is left out."""
        for p, o in pairs:
            if o is None or o == "":
                continue
            self.add(graph, subject, p, o)

    def typed(self, graph: str, node: str, cls: str, label: str, *more, pref: bool = False) -> None:
        """``node`` as an instance of ``cls`` with a Swedish label (also skos:prefLabel if pref)."""
        self.addmany(
            graph,
            node,
            ("rdf:type", I(cls)),
            ("rdfs:label", sv(label)),
            ("skos:prefLabel", sv(label) if pref else None),
            *more,
        )

    def named(self, graph: str, node: str, cls: str, label: str, *more) -> None:
        """``node`` as an instance of ``cls`` whose Swedish name is its label and prefLabel."""
        self.typed(graph, node, cls, label, *more, pref=True)

    def trig(self, order: list[str]) -> str:
        text = "\n".join(self._graph_block(g) for g in order)
        used = {"rdf", "xsd"}
        used |= set(re.findall(r"(?<![\w<\"/#:.-])([a-z][a-z0-9]*):[A-Za-z0-9_]", text))
        head = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in sorted(used) if p in PREFIXES)
        return head + "\n" + text

    def _graph_block(self, g: str) -> str:
        lines = [f"{g} {{"]
        for s in sorted(self.graphs[g], key=expand):
            text = predicate_list(self.graphs[g][s], "        ")
            lines.append(f"    {render(s)}\n        {text} .\n")
        lines[-1] = lines[-1].rstrip("\n")
        lines.append("}\n")
        return "\n".join(lines)

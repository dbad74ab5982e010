"""The national reference layer: convert the shared reference tables into the project's TriG files.

Run ``python -m graph.reference ../shared/reference`` from the repository root. The tables (CSV,
described in their ``SOURCES.md``) stay outside the repository; the generated files
``graph/data/reference/<graph>.trig`` are committed. Each file holds one fact graph ``kfg:ref-…``
with the facts taken from one public source, and its description in ``kfg:meta``.

The output is deterministic: the same tables give the same bytes (sorted subjects, predicates and
objects; no blank-node labels; each graph's ``prov:generatedAtTime`` the fixed day
it was first written, each source's ``kf:accessed`` the earliest of its graphs' days).
"""

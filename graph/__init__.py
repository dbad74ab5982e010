"""Kompetensgrafen's data layer: ontology, curated data, build, validation and the store.

This package never imports Flask; the web layer lives in :mod:`service`.
"""

from pathlib import Path

#: The repository root (the folder that holds ``ontology/``, ``graph/``, ``queries/``).
ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ROOT"]

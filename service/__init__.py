"""Kompetensgrafen's web layer: the SPARQL endpoint, the linked-data browser, the catalogue.

The application factory is ``service.app.create_app``; this package's own module holds nothing,
so that a query worker process (which imports ``service.sparql.worker``) does not import Flask.
"""

"""The linked-data browser: home, class lists, entity/source/graph pages, dereferencing, ontology.

Every page of the browser lives in this package; ``service.browse.site.init_app(app)`` registers
them. This module holds only its docstring, so that importing one of the package's modules (their
helpers are used by the catalogue and the reconciliation service) does not import all of them.
"""

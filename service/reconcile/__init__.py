"""A reconciliation service for OpenRefine (Reconciliation Service API 0.2) at ``/reconcile``:
the routes in :mod:`service.reconcile.views`, the index of our things in
:mod:`service.reconcile.index`, the matching in :mod:`service.reconcile.matching`, data extension
in :mod:`service.reconcile.extend`. README: "Reconciliation (OpenRefine)".
"""

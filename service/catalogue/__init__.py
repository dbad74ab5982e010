"""The query catalogue: the named queries of queries/ as pages, forms and downloads."""

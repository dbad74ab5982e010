"""A :class:`graph.store.GraphStore` on a SPARQL 1.1 engine over HTTP: the generic protocol store
(:mod:`graph.remote.store`), its HTTP and answer handling (:mod:`graph.remote.io`) and the
dialects of engines that differ from the standard (:mod:`graph.remote.virtuoso`)."""

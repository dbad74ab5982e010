"""The SPARQL endpoint: the protocol, the gate, the engine and its worker processes, updates."""

"""Where layers live: the store contract (base), the file store, the PostGIS store, and the in-memory engine."""

"""The PostGIS store: store, SQL, tile cluster tables, backup part."""

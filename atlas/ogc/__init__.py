"""OGC API – Features Part 1 (Core): query parameters, item queries, documents and the OpenAPI definition."""

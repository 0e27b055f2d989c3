"""Vector tiles: the MVT encoder with its cache (mvt) and the one low-zoom gathering rule (clusters)."""

"""The planner feature: compare transport corridors, their catchments and a proposed line; exports, maps, PDFs."""

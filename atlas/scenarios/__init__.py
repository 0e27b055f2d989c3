"""Scenarios: proposed lines, access points and hubs evaluated against the park ranking and the catchments."""

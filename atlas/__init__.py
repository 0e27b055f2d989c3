"""Qijiang Atlas domain package: catalog, data loading, validation, analysis, map building.

Nothing in this package except ``atlas.web`` imports Flask.
"""

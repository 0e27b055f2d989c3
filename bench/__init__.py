"""Qijiang Atlas benchmark against its peers (issue 9): run `python -m bench --help`."""

#!/usr/bin/env bash
# Re-extract UI strings, merge them into the English catalog, fill known translations and compile.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel --quiet extract -F babel.cfg -k _ -k gettext -k ngettext -k lazy_gettext -o translations/messages.pot .
.venv/bin/pybabel --quiet update -i translations/messages.pot -d translations --no-fuzzy-matching
.venv/bin/python scripts/translate_en.py

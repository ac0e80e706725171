#!/usr/bin/env bash
# The Slicer Lib's tests under Python 3.12 (3D Slicer 5.10+ bundles 3.12.10) in an environment
# without torch; the super-resolution child runs in the main test venv (.venv, made first by the
# README's test command). CI runs this after the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
PY312="${RRLSRN_PYTHON312:-}"
if [ -z "$PY312" ]; then
  PY312="$(PYENV_VERSION=3.12.1 pyenv which python3.12 2>/dev/null || command -v python3.12 || true)"
fi
if [ -z "$PY312" ]; then
  echo "slicer_python_lane: no Python 3.12 found (set RRLSRN_PYTHON312)" >&2
  exit 1
fi
"$PY312" -m venv .venv312
.venv312/bin/pip install -q -r Testing/requirements-slicer-python.txt
.venv312/bin/python - <<'PY'
import importlib.util, sys
assert sys.version_info[:2] == (3, 12), sys.version
assert importlib.util.find_spec("torch") is None, "this lane must not have torch (Slicer before the first Apply)"
print("Slicer-Python lane:", sys.version.split()[0], "without torch")
PY
RRLSRN_CHILD_PYTHON="$PWD/.venv/bin/python" .venv312/bin/python -m pytest -p no:cacheprovider \
  Testing/test_slicer_lib.py Testing/test_slicer_logic.py Testing/test_slicer_binding.py \
  Testing/test_slicer_ui.py Testing/test_slicer_module_rules.py Testing/test_extension_static.py

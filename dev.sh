#!/usr/bin/env bash
# mirra's developer entry point.
#   ./dev.sh up [mirra proxy options]   set up .venv (if needed) and run `mirra proxy`
#   ./dev.sh test [pytest options]      set up .venv (and Chromium for the browser tests) and run the whole test suite
#   ./dev.sh setup                      only set up .venv
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
STAMP="$VENV/.mirra-installed"

say() { printf 'dev.sh: %s\n' "$*" >&2; }

python_is_new_enough() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# mitmproxy 12 needs Python >= 3.12: look on PATH first, then in pyenv's installed versions.
find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 && python_is_new_enough "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    local pyenv_root="${PYENV_ROOT:-}"
    if [ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1; then
        pyenv_root="$(pyenv root)"
    fi
    pyenv_root="${pyenv_root:-$HOME/.pyenv}"
    if [ -d "$pyenv_root/versions" ]; then
        for candidate in $(ls -d "$pyenv_root"/versions/3.* 2>/dev/null | sort -rV); do
            if [ -x "$candidate/bin/python" ] && python_is_new_enough "$candidate/bin/python"; then
                echo "$candidate/bin/python"
                return 0
            fi
        done
    fi
    return 1
}

setup() {
    local wanted
    wanted="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ] && python_is_new_enough "$VENV/bin/python"; then
        return 0
    fi
    if ! python_is_new_enough "$VENV/bin/python" 2>/dev/null; then
        local python
        if ! python="$(find_python)"; then
            say "mirra needs Python 3.12 or newer and none was found on PATH or under pyenv."
            say "Install one (e.g. 'pyenv install 3.12', 'apt-get install python3.12-venv', or python.org) and run this again."
            exit 1
        fi
        say "creating $VENV with $python ($("$python" --version 2>&1))"
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
    fi
    say "installing mirra and its dependencies from pyproject.toml (first run takes a minute)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"
    echo "$wanted" >"$STAMP"
}

# The dashboard's browser tests drive Debian's Chromium (browsers cannot be downloaded here):
# install it when it is missing and this machine can (root with apt-get); otherwise say how.
ensure_chromium() {
    if command -v chromium >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian's chromium for the dashboard's browser tests"
        if apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null 2>&1; }; then
            return 0
        fi
    fi
    say "no chromium: the dashboard's browser tests will be skipped (install it with 'apt-get install chromium')"
}

command="${1:-up}"
[ $# -gt 0 ] && shift
case "$command" in
    setup) setup ;;
    up) setup; exec "$VENV/bin/mirra" proxy "$@" ;;
    test) setup; ensure_chromium; exec "$VENV/bin/python" -m pytest "$@" ;;
    *) say "unknown command '$command'; use: ./dev.sh up | test | setup"; exit 2 ;;
esac

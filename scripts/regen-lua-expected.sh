#!/usr/bin/env bash
# Regenerate (default) or verify (--check) the expected-output files of the
# demo-vm Lua corpus from the reference interpreter `lua5.4`.
#
# For every program demo-vm/tests/lua/NAME.lua (except modules named *_helper.lua)
# the reference is run with demo-vm/tests/lua as working directory, as
# `lua5.4 NAME.lua`, with NAME.stdin on stdin when that file exists (else /dev/null):
#   NAME.out   stdout, byte for byte (always written, possibly empty)
#   NAME.err   first line of stderr with the leading "lua5.4: " replaced by "lua: "
#              (only written when stderr is not empty)
#   NAME.code  exit status followed by a newline (only written when it is not 0)
# The format is described for readers in demo-vm/tests/lua/README.md.
#
# --check writes nothing: it regenerates into a scratch directory and fails
# (exit 1) listing every expected file that is missing, differs, or is stale.
# Override the reference with LUA=/path/to/lua5.4.
set -euo pipefail

mode=write
case "${1-}" in
  "") ;;
  --check) mode=check ;;
  -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/demo-vm/tests/lua"
lua="${LUA:-lua5.4}"
if ! command -v "$lua" >/dev/null 2>&1; then
  echo "error: reference interpreter '$lua' not found on PATH (install lua5.4)" >&2
  exit 2
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

cd "$corpus"
shopt -s nullglob
count=0
for src in *.lua; do
  case "$src" in *_helper.lua) continue ;; esac
  name="${src%.lua}"
  input=/dev/null
  [ -f "$name.stdin" ] && input="$name.stdin"
  set +e
  timeout 20 "$lua" "$src" <"$input" >"$scratch/$name.out" 2>"$scratch/$name.stderr"
  code=$?
  set -e
  if [ "$code" -eq 124 ]; then
    echo "error: $src timed out under $lua" >&2
    exit 1
  fi
  if [ -s "$scratch/$name.stderr" ]; then
    # Normalise the program name the reference puts in front of its message.
    head -n 1 "$scratch/$name.stderr" | sed -e "s|^$(basename "$lua"): |lua: |" -e "s|^$lua: |lua: |" >"$scratch/$name.err"
  fi
  rm -f "$scratch/$name.stderr"
  if [ "$code" -ne 0 ]; then
    echo "$code" >"$scratch/$name.code"
  fi
  count=$((count + 1))
done

# Expected files present in the corpus (with or without a program).
existing=()
for f in *.out *.err *.code; do existing+=("$f"); done

if [ "$mode" = write ]; then
  for f in "${existing[@]}"; do
    [ -e "$scratch/$f" ] || rm -f "$f"
  done
  cp "$scratch"/* . 2>/dev/null || true
  echo "regenerated expected output for $count programs with $("$lua" -v 2>&1 | head -n 1)"
  exit 0
fi

bad=0
for f in "$scratch"/*; do
  base="$(basename "$f")"
  if [ ! -e "$base" ]; then
    echo "missing: demo-vm/tests/lua/$base" >&2
    bad=1
  elif ! cmp -s "$f" "$base"; then
    echo "differs: demo-vm/tests/lua/$base" >&2
    diff -u "$base" "$f" | head -n 40 >&2 || true
    bad=1
  fi
done
for f in "${existing[@]}"; do
  if [ ! -e "$scratch/$f" ]; then
    echo "stale: demo-vm/tests/lua/$f (no program produces it)" >&2
    bad=1
  fi
done
for f in *.stdin; do
  if [ ! -e "${f%.stdin}.lua" ]; then
    echo "stale: demo-vm/tests/lua/$f (no program reads it)" >&2
    bad=1
  fi
done
if [ "$bad" -ne 0 ]; then
  echo "expected files are out of date: run scripts/regen-lua-expected.sh" >&2
  exit 1
fi
echo "all expected files of $count programs match $("$lua" -v 2>&1 | head -n 1)"

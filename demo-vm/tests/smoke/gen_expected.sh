#!/bin/sh
# Regenerate tests/smoke/*.expected with the reference interpreter.
# Run from the demo-vm directory: sh tests/smoke/gen_expected.sh
# Format: the program's stdout, then "ERROR: <message>" if it ended with an error.
for f in tests/smoke/*.lua; do
  case "$f" in *smoke_module.lua) continue ;; esac
  out="${f%.lua}.expected"
  lua5.4 "$f" > "$out" 2> /tmp/smoke_err.txt
  if [ -s /tmp/smoke_err.txt ]; then
    printf 'ERROR: %s\n' "$(head -1 /tmp/smoke_err.txt | sed 's/^lua5.4: //')" >> "$out"
  fi
done

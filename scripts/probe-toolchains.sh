#!/usr/bin/env bash
# Probes, by capability, what the tests need from the machine: for every cgo target the tests
# build, compile and link a C program with the cross compiler (headers and crt files included),
# and run it under qemu-user with the target's libc. Prints one line per capability and exits 1
# when any is missing. Used by .ci/run before and after installing scripts/debian-packages.txt.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/probe.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void) { puts("probe ok"); return EXIT_SUCCESS; }
C
fail=0
check() { # name, then the command
  local name=$1; shift
  if out=$("$@" 2>&1); then echo "ok      $name"; else
    echo "MISSING $name: $(printf '%s' "$out" | head -n 3 | tr '\n' ' ')"; fail=1; fi
}
# triple  qemu  debian-libc-dir
for row in "aarch64-linux-gnu qemu-aarch64" "arm-linux-gnueabihf qemu-arm" "riscv64-linux-gnu qemu-riscv64"; do
  set -- $row
  check "$1-gcc compiles and links" "$1-gcc" -o "$dir/$1" "$dir/probe.c"
  check "$2 runs a $1 program" "$2" -L "/usr/$1" "$dir/$1"
done
check "musl-gcc compiles, links and runs" sh -c "musl-gcc -o '$dir/musl' '$dir/probe.c' && '$dir/musl'"
check "readelf (binutils-multiarch) reads a riscv64 binary" sh -c "readelf -h '$dir/riscv64-linux-gnu' | grep -q RISC-V"
check "objdump (binutils-multiarch) disassembles aarch64" sh -c "objdump -d '$dir/aarch64-linux-gnu' >/dev/null"
for tool in zip unzip zipinfo openssl python3 sha256sum gzip; do
  check "$tool (release test oracles)" sh -c "command -v $tool"
done
exit $fail

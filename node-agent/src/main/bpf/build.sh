#!/bin/sh
# Compiles the eBPF program into the jar's resources. Called by the Maven build (generate-resources).
# Usage: build.sh SOURCE OUTPUT
set -eu
src="$1"; out="$2"
if ! command -v clang >/dev/null 2>&1; then
  echo "node-agent: clang is missing; it compiles the eBPF program (install the Debian packages clang and libbpf-dev)" >&2
  exit 1
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
  echo "node-agent: /usr/include/bpf/bpf_helpers.h is missing (install the Debian package libbpf-dev)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
# -I for asm/types.h (linux-libc-dev keeps it under the multiarch directory; gcc-multilib's
# /usr/include/asm symlink is not needed then).
clang -O2 -g -target bpf -Wall -Werror -I"/usr/include/$(uname -m)-linux-gnu" -c "$src" -o "$out"

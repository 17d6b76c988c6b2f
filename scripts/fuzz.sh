#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build every tests/fuzz/fuzz_*.c with clang's libFuzzer + ASan + UBSan and
# run each for a bounded time. Usage: scripts/fuzz.sh [name...]
#   FUZZ_SECONDS  time per fuzzer (default 30)
#   CLANG         compiler (default clang)
# Everything goes under build/fuzz/; the meson build is not touched.
# Prints "fuzz <name>: ok (N runs)" or "fuzz <name>: FAILED ..." per fuzzer;
# exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
CLANG=${CLANG:-clang}
OUT=build/fuzz
# The flow library, compiled straight from source (it needs DPDK's headers
# only, so no EAL and no DPDK libraries are linked).
LIB_SRCS=(src/flow/*.c)

if ! command -v "$CLANG" >/dev/null; then
	echo "fuzz: $CLANG not found (apt-get install clang libclang-rt-14-dev llvm)" >&2
	exit 2
fi
read -ra DPDK_CFLAGS <<<"$(pkg-config --cflags libdpdk)"
CFLAGS=(-g -O1 -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers
	-Isrc -D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API "${DPDK_CFLAGS[@]}"
	-fno-sanitize-recover=all)   # UB aborts, so libFuzzer keeps the input
SAN=address,undefined

if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in tests/fuzz/fuzz_*.c; do
		[ -e "$f" ] || continue
		n=${f##*/fuzz_}
		names+=("${n%.c}")
	done
fi
if [ ${#names[@]} -eq 0 ]; then
	echo "fuzz: no tests/fuzz/fuzz_*.c" >&2
	exit 2
fi

# Library objects: coverage-instrumented, but without libFuzzer's main().
mkdir -p "$OUT/obj"
: >"$OUT/obj/build.log"
lib_objs=()
lib_ok=1
for src in "${LIB_SRCS[@]}"; do
	obj="$OUT/obj/$(basename "${src%.c}").o"
	if ! "$CLANG" "${CFLAGS[@]}" -fsanitize=fuzzer-no-link,$SAN -c "$src" -o "$obj" \
		>>"$OUT/obj/build.log" 2>&1; then
		echo "fuzz: $src does not build with $CLANG (see $OUT/obj/build.log)" >&2
		lib_ok=0
	fi
	lib_objs+=("$obj")
done

failed=0
for name in "${names[@]}"; do
	dir="$OUT/$name"
	bin="$dir/fuzz_$name"
	seeds="tests/fuzz/corpus/$name"
	rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*
	mkdir -p "$dir/corpus"

	if [ $lib_ok -eq 0 ]; then
		echo "fuzz $name: FAILED (build; see $OUT/obj/build.log)"
		failed=1
		continue
	fi
	# A target may need more than the flow library: its "fuzz-sources:"
	# lines name them (globs), its "fuzz-libs:" line pkg-config packages.
	read -ra extra <<<"$(sed -n 's/^ \* fuzz-sources: //p' "tests/fuzz/fuzz_$name.c" | tr '\n' ' ')"
	read -ra pkgs <<<"$(sed -n 's/^ \* fuzz-libs: //p' "tests/fuzz/fuzz_$name.c")"
	extra_srcs=()
	for g in "${extra[@]}"; do
		for f in $g; do extra_srcs+=("$f"); done
	done
	libs=()
	[ ${#pkgs[@]} -gt 0 ] && read -ra libs <<<"$(pkg-config --libs "${pkgs[@]}")"
	if ! "$CLANG" "${CFLAGS[@]}" -fsanitize=fuzzer,$SAN "tests/fuzz/fuzz_$name.c" \
		"${extra_srcs[@]}" "${lib_objs[@]}" "${libs[@]}" -o "$bin" >"$dir/build.log" 2>&1; then
		echo "fuzz $name: FAILED (build; see $dir/build.log)"
		failed=1
		continue
	fi

	# New inputs go to the first corpus dir; the checked-in seeds stay as
	# they are.
	corpora=("$dir/corpus")
	[ -d "$seeds" ] && corpora+=("$seeds")
	if "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/" "${corpora[@]}" \
		>"$dir/fuzz.log" 2>&1; then
		runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/fuzz.log")
		echo "fuzz $name: ok (${runs:-?} runs)"
	else
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/fuzz.log" | head -n 1)
		echo "fuzz $name: FAILED ${crash:-(no input saved)} (log: $dir/fuzz.log)"
		failed=1
	fi
done
exit $failed

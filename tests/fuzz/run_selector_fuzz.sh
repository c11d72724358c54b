#!/bin/sh
# Builds the selector fuzzer with clang++ (libFuzzer + ASan + UBSan) and runs it for a bounded
# time over the seed corpus. Usage: run_selector_fuzz.sh <source-root> <work-dir> [seconds]
set -eu
src=${1:?source root}
work=${2:?work dir}
seconds=${3:-20}
mkdir -p "$work/corpus"
cp "$src"/tests/fuzz/corpus/selector/* "$work/corpus/"
"${CLANGXX:-clang++}" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src/libcommon" -I"$src/libbroker" \
  "$src/tests/fuzz/selector_fuzz.cpp" "$src"/libbroker/core/filter.cpp \
  "$src"/libbroker/core/filter_lexer.cpp "$src"/libbroker/core/filter_parser.cpp \
  "$src"/libbroker/core/filter_eval.cpp "$src/libcommon/util/strings.cpp" \
  -lfmt -o "$work/selector_fuzz"
# The corpus copy in $work grows with new inputs; the seeds in the tree stay small.
exec "$work/selector_fuzz" -max_total_time="$seconds" -max_len=2048 -timeout=10 \
  -rss_limit_mb=1024 -print_final_stats=1 "$work/corpus"

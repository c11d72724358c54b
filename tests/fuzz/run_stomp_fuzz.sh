#!/bin/sh
# Builds the STOMP codec fuzzer with clang++ (libFuzzer + ASan + UBSan) and runs it for a
# bounded time over the seed corpus. Usage: run_stomp_fuzz.sh <source-root> <work-dir> [seconds]
set -eu
src=${1:?source root}
work=${2:?work dir}
seconds=${3:-20}
mkdir -p "$work/corpus"
cp "$src"/tests/fuzz/corpus/stomp/* "$work/corpus/"
"${CLANGXX:-clang++}" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src/libcommon" \
  "$src/tests/fuzz/stomp_codec_fuzz.cpp" "$src/libcommon/stomp/codec.cpp" \
  -o "$work/stomp_codec_fuzz"
# The corpus copy in $work grows with new inputs; the seeds in the tree stay small.
exec "$work/stomp_codec_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -rss_limit_mb=1024 -print_final_stats=1 "$work/corpus"

#!/bin/sh
# Builds one libFuzzer target with clang++ (libFuzzer + ASan + UBSan) and runs it for a bounded
# time over its seed corpus.
#   fuzz.sh <target> <source-root> <work-dir> [seconds]
#   target: stomp_codec | selector | amqp_message | mqtt_codec | page_file | websocket
# The binary is cached by the hash of its preprocessed sources and flags, in
# $ARTEMIS_FUZZ_CACHE (default ~/.cache/artemis-fuzz), so an unchanged fuzzer is not rebuilt by
# every test run or every clean clone on the same machine. The corpus grows in <work-dir>; the
# seeds in the tree stay small.
set -eu
target=${1:?target}
src=${2:?source root}
work=${3:?work dir}
seconds=${4:-20}
cxx=${CLANGXX:-clang++}
cache=${ARTEMIS_FUZZ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/artemis-fuzz}

case "$target" in
  stomp_codec)
    sources="tests/fuzz/stomp_codec_fuzz.cpp libcommon/stomp/codec.cpp libcommon/stomp/decoder.cpp libcommon/stomp/encode.cpp"
    includes="-I$src/libcommon" libs= seeds=stomp max_len=4096 ;;
  selector)
    sources="tests/fuzz/selector_fuzz.cpp libbroker/core/filter.cpp libbroker/core/filter_lexer.cpp
             libbroker/core/filter_parser.cpp libbroker/core/filter_eval.cpp libcommon/util/strings.cpp"
    includes="-I$src/libcommon -I$src/libbroker" libs=-lfmt seeds=selector max_len=2048 ;;
  mqtt_codec)
    sources="tests/fuzz/mqtt_codec_fuzz.cpp libcommon/mqtt/decode.cpp libcommon/mqtt/encode.cpp
             libcommon/mqtt/errors.cpp libcommon/mqtt/properties.cpp libcommon/mqtt/wire.cpp"
    includes="-I$src/libcommon" libs=-lfmt seeds=mqtt max_len=4096 ;;
  amqp_message)
    sources="tests/fuzz/amqp_message_fuzz.cpp libbroker/protocol/amqp/message_mapping.cpp
             libbroker/protocol/amqp/sections.cpp libbroker/protocol/amqp/delivery_encoding.cpp
             libbroker/core/message.cpp libbroker/core/filter.cpp libbroker/core/filter_lexer.cpp
             libbroker/core/filter_parser.cpp libbroker/core/filter_eval.cpp
             libbroker/store/properties.cpp libbroker/store/property_value.cpp
             libbroker/store/large_message.cpp libcommon/util/strings.cpp"
    includes="-I$src/libcommon -I$src/libbroker" libs="-lqpid-proton -lfmt" seeds=amqp max_len=4096 ;;
  page_file)
    sources="tests/fuzz/page_file_fuzz.cpp libbroker/store/page_file.cpp libbroker/store/encodings.cpp
             libbroker/store/message_encoding.cpp libbroker/store/bytes.cpp
             libbroker/store/properties.cpp libbroker/store/property_value.cpp"
    includes="-I$src/libcommon -I$src/libbroker" libs=-lfmt seeds=page max_len=4096 ;;
  websocket)
    sources="tests/fuzz/websocket_fuzz.cpp libbroker/net/websocket.cpp libcommon/util/strings.cpp"
    includes="-I$src/libcommon -I$src/libbroker" libs="-lfmt -lcrypto" seeds=websocket max_len=4096 ;;
  *) echo "fuzz.sh: unknown target '$target' (stomp_codec, selector, amqp_message, mqtt_codec, page_file, websocket)" >&2; exit 2 ;;
esac
flags="-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

# The key covers everything the compiler sees: flags, compiler version, preprocessed sources.
key=$( {
  echo "$flags $libs"
  "$cxx" --version
  for s in $sources; do "$cxx" -std=c++20 $includes -E -P "$src/$s"; done
} | sha256sum | cut -c1-16)
bin="$cache/${target}_fuzz-$key"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  paths=
  for s in $sources; do paths="$paths $src/$s"; done
  # Built under a temporary name and renamed, so a run stopped midway leaves no broken binary.
  "$cxx" $flags $includes $paths $libs -o "$bin.tmp.$$"
  mv "$bin.tmp.$$" "$bin"
  # Older builds of this target are stale now.
  find "$cache" -name "${target}_fuzz-*" ! -name "${target}_fuzz-$key" -delete 2>/dev/null || true
fi

mkdir -p "$work/corpus"
cp "$src/tests/fuzz/corpus/$seeds"/* "$work/corpus/"
exec "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 "$work/corpus"

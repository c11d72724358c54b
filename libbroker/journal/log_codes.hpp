#pragma once
// Every catalogued journal log line, declared once (id, level, logger, text). Ids sit in the
// journal's 14xxxx range as in Artemis; a unit test fails on duplicates.
#include <array>

#include "util/log.hpp"

namespace artemis::journal::log_codes {

using util::Level;
using util::LogCode;

inline constexpr std::string_view kLogger = "org.apache.activemq.artemis.journal";

inline constexpr LogCode kTornTail{142001, Level::warn, kLogger,
                                   "Journal file {} (sequence {}): dropped {} bytes from offset {}: {}"};
inline constexpr LogCode kBadHeader{142002, Level::warn, kLogger,
                                    "Journal file {} has a damaged header ({}); it is left untouched"};
inline constexpr LogCode kWriteFailed{142003, Level::error, kLogger,
                                      "Journal write to {} at offset {} failed: {}"};
inline constexpr LogCode kSyncFailed{142004, Level::error, kLogger, "Journal sync of {} failed: {}"};
inline constexpr LogCode kCreateFailed{142005, Level::error, kLogger,
                                       "Could not create journal file {}: {}"};
inline constexpr LogCode kRecordTooLarge{142006, Level::warn, kLogger,
                                         "Record of {} bytes exceeds the journal file capacity of {} bytes"};
inline constexpr LogCode kTxDiscarded{142007, Level::info, kLogger,
                                      "Transaction {} had no outcome and was not prepared; its {} records were discarded"};
inline constexpr LogCode kCompactDone{142008, Level::info, kLogger,
                                      "Compacted {} journal files into {} ({} live records) in {} ms, appends paused {} us"};
inline constexpr LogCode kCompactFailed{142009, Level::warn, kLogger, "Journal compaction failed: {}"};
inline constexpr LogCode kCompactReplayed{142010, Level::info, kLogger,
                                          "Finished an interrupted compaction from {}"};
inline constexpr LogCode kWrongSize{142011, Level::warn, kLogger,
                                    "Journal file {} has size {} instead of {}; it is read but never reused"};
inline constexpr LogCode kFailedState{142012, Level::error, kLogger,
                                      "Journal stopped accepting appends after an I/O error: {}"};

inline constexpr LogCode kPoolShort{
    142013, Level::warn, kLogger,
    "Could not create journal files in {}: the disk is full. Starting with the {} files there "
    "are, {} of them free; {}. Files are created again once the disk has room"};

// After AMQ142005 or AMQ142013: the pool is being topped up again (the disk has room).
inline constexpr LogCode kCreateWorks{
    142014, Level::info, kLogger,
    "Created journal file {}: the journal can create files again ({} creations failed before)"};

inline constexpr std::array kAll{&kTornTail,     &kBadHeader,     &kWriteFailed,    &kSyncFailed,
                                 &kCreateFailed, &kRecordTooLarge, &kTxDiscarded,  &kCompactDone,
                                 &kCompactFailed, &kCompactReplayed, &kWrongSize,   &kFailedState,
                                 &kPoolShort,    &kCreateWorks};

}  // namespace artemis::journal::log_codes

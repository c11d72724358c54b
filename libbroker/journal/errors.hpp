#pragma once
// Journal error codes. Expected failures (I/O, full disk, damaged files) are reported as
// std::error_code values of this category; the what-and-where (file, offset) goes to the log.
#include <string>
#include <system_error>

namespace artemis::journal {

enum class errc {
  record_too_large = 1,  // encoded record does not fit in an empty journal file
  disk_full,             // ENOSPC / EFBIG / EDQUOT while writing or creating a file
  io_error,              // any other write, sync, open or read failure
  journal_failed,        // an earlier batch failed; the journal must be closed and reopened
  closed,                // appended after close() or before load()
  backlog_full,          // more bytes queued for the writer than its bound
  bad_directory,         // the journal directory cannot be created or listed
  bad_file_header,       // a journal file's header is unreadable (wrong magic, version or CRC)
  compaction_failed,     // compaction aborted; the old files stay in use
  bad_options,           // an option is out of range (e.g. journal-file-size)
};

const std::error_category& journal_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace artemis::journal

template <>
struct std::is_error_code_enum<artemis::journal::errc> : std::true_type {};

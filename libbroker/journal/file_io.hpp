#pragma once
// FileIo: the system calls that put journal bytes on the disk (pwritev, fdatasync, fsync,
// posix_fallocate), behind one small interface. JournalFile makes every write and sync through
// the FileIo of its journal's Options, so a test can make the N-th write or sync fail with
// EIO or ENOSPC (FaultyFileIo, journal/faulty_file_io.hpp) and check what the journal and the
// layers above do: the failure paths matter most and a real disk almost never takes them.
// Reads, opens, renames and unlinks stay direct calls: no failure policy depends on them.
//
// Each call returns 0 or an errno value (posix_fallocate's convention) instead of setting
// errno, so a fake needs no global state. Threads: the journal thread and the compactor
// thread call it concurrently; implementations must allow that.
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>

#include "journal/journal.hpp"

namespace artemis::journal {

class FileIo {
 public:
  virtual ~FileIo() = default;
  // One pwritev(2). `written` is the byte count when it returns 0 (possibly short).
  virtual int pwritev(int fd, const iovec* iov, int count, off_t offset, std::size_t& written) = 0;
  virtual int fdatasync(int fd) = 0;
  virtual int fsync(int fd) = 0;
  // posix_fallocate(3) of [0, length).
  virtual int allocate(int fd, off_t length) = 0;
};

// The kernel. Stateless; one instance serves every journal.
FileIo& real_file_io();
// The FileIo a journal with these options uses.
inline FileIo& file_io(const Options& options) { return options.io ? *options.io : real_file_io(); }

}  // namespace artemis::journal

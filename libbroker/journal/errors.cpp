#include "journal/errors.hpp"

namespace artemis::journal {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "journal"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::record_too_large: return "record larger than a journal file";
      case errc::disk_full: return "journal disk full (no space or file size limit reached)";
      case errc::io_error: return "journal I/O error";
      case errc::journal_failed: return "journal failed earlier; close and reopen it";
      case errc::closed: return "journal is not open";
      case errc::backlog_full: return "journal write backlog full";
      case errc::bad_directory: return "journal directory cannot be used";
      case errc::bad_file_header: return "journal file header is damaged";
      case errc::compaction_failed: return "journal compaction failed";
      case errc::bad_options:
        return "journal option out of range (journal-file-size must be between 4 KiB and 4 GiB)";
    }
    return "unknown journal error";
  }
};

}  // namespace

const std::error_category& journal_category() noexcept {
  static const Category category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), journal_category()}; }

}  // namespace artemis::journal

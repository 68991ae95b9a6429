// Secret: the SYSDBA password, held so that it cannot be printed by accident.
//
// A Secret has no stream operator and no implicit conversion; the one way to
// its text is reveal(), called only where the password must go (dminit's
// PARFILE, ODBC's PWD). scrub() replaces the password in any text about to
// be logged or shown, as a last guard against a tool echoing it.
// Header-only; immutable after construction, so safe to share read-only
// between the backend's thread and its SQL worker.
#pragma once

#include <string>
#include <utility>

namespace dpc::real {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string text) : text_(std::move(text)) {}

  bool empty() const { return text_.empty(); }
  /// The password itself. Never log, print or put it on a command line.
  const std::string& reveal() const { return text_; }

  /// `text` with every occurrence of the password replaced by "******".
  std::string scrub(std::string text) const {
    if (text_.empty()) return text;
    for (size_t at = 0; (at = text.find(text_, at)) != std::string::npos;) {
      text.replace(at, text_.size(), "******");
      at += 6;
    }
    return text;
  }

 private:
  std::string text_;
};

}  // namespace dpc::real

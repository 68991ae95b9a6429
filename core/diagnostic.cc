#include "core/diagnostic.h"

#include <algorithm>

namespace dpc {

Diagnostic error_at(std::string path, std::string message, std::string hint) {
  return Diagnostic{Diagnostic::Severity::Error, std::move(path), std::move(message),
                    std::move(hint), 0, 0};
}

Diagnostic warning_at(std::string path, std::string message, std::string hint) {
  return Diagnostic{Diagnostic::Severity::Warning, std::move(path), std::move(message),
                    std::move(hint), 0, 0};
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return count_severity(diagnostics, Diagnostic::Severity::Error) > 0;
}

size_t count_severity(const std::vector<Diagnostic>& diagnostics, Diagnostic::Severity severity) {
  return static_cast<size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                           [&](const Diagnostic& d) { return d.severity == severity; }));
}

const char* severity_name(Diagnostic::Severity severity) {
  return severity == Diagnostic::Severity::Error ? "error" : "warning";
}

std::string format_diagnostics(const std::vector<Diagnostic>& d, const std::string& file) {
  std::string out;
  for (const auto& diag : d) {
    out += file;
    if (diag.line > 0) {
      out += ":" + std::to_string(diag.line) + ":" + std::to_string(diag.column);
    }
    out += ": ";
    out += severity_name(diag.severity);
    out += ": ";
    if (!diag.path.empty()) out += diag.path + ": ";
    out += diag.message;
    out += "\n";
    if (!diag.hint.empty()) out += "  fix: " + diag.hint + "\n";
  }
  return out;
}

nlohmann::json diagnostics_json(const std::vector<Diagnostic>& d, const std::string& file,
                                bool valid) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& diag : d) {
    nlohmann::json item = {{"severity", severity_name(diag.severity)},
                           {"path", diag.path},
                           {"message", diag.message},
                           {"hint", diag.hint}};
    if (diag.line > 0) {
      item["line"] = diag.line;
      item["column"] = diag.column;
    }
    list.push_back(std::move(item));
  }
  return nlohmann::json{{"file", file},
                        {"valid", valid},
                        {"errors", count_severity(d, Diagnostic::Severity::Error)},
                        {"warnings", count_severity(d, Diagnostic::Severity::Warning)},
                        {"diagnostics", std::move(list)}};
}

std::string json_output(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dpc

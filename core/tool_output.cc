#include "core/tool_output.h"

#include <cctype>
#include <vector>

namespace dpc {

std::optional<int> end_code(const std::string& output) {
  static const std::string kMark = "CODE:[";
  std::optional<int> found;
  for (size_t at = output.find(kMark); at != std::string::npos; at = output.find(kMark, at + 1)) {
    size_t i = at + kMark.size();
    size_t close = output.find(']', i);
    if (close == std::string::npos) break;
    std::string digits = output.substr(i, close - i);
    bool numeric = !digits.empty();
    for (size_t k = 0; k < digits.size(); ++k) {
      char c = digits[k];
      if (!(std::isdigit(static_cast<unsigned char>(c)) || (k == 0 && (c == '-' || c == '+')))) {
        numeric = false;
      }
    }
    if (numeric && digits != "-" && digits != "+" && digits.size() < 10) found = std::stoi(digits);
  }
  return found;
}

int effective_exit_code(const std::string& program, int exit_code, std::string& output) {
  const std::optional<int> code = end_code(output);
  if (exit_code != 0 || !code || *code == 0) return exit_code;
  output += "dpcctl: " + program + " reported CODE:[" + std::to_string(*code) + "] although it exited with status 0\n";
  return *code;
}

std::string output_tail(const std::string& output, int lines) {
  size_t end = output.size();
  while (end > 0 && (output[end - 1] == '\n' || output[end - 1] == '\r')) --end;
  size_t start = end;
  int seen = 0;
  while (start > 0) {
    if (output[start - 1] == '\n' && ++seen == lines) break;
    --start;
  }
  return output.substr(start, end - start);
}

std::string framed_output_tail(const std::string& output, int lines) {
  std::vector<std::string> all;
  size_t start = 0;
  while (start < output.size()) {
    size_t nl = output.find('\n', start);
    if (nl == std::string::npos) nl = output.size();
    if (nl > start) all.push_back(output.substr(start, nl - start));
    start = nl + 1;
  }
  if (all.empty()) return "  (no output)";
  std::string out = "  output (last lines):";
  size_t from = all.size() > static_cast<size_t>(lines) ? all.size() - static_cast<size_t>(lines) : 0;
  for (size_t i = from; i < all.size(); ++i) out += "\n    | " + all[i];
  return out;
}

}  // namespace dpc

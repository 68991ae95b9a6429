#include "real-backend/tool_output.h"

#include <cctype>

namespace dpc::real {

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

}  // namespace dpc::real

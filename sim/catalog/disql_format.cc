// format_disql (sim/catalog/catalog.h): rows printed the way the manual shows disql
// output, for the shell, scenario transcripts and tests.
#include <algorithm>
#include <cstdint>

#include "sim/catalog/catalog.h"

namespace dpc::sim {
namespace {

/// Terminal columns a code point takes: 2 for East Asian wide characters.
int code_point_width(uint32_t cp) {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

/// Display width of UTF-8 text; a malformed byte counts as one column.
size_t display_width(const std::string& s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + len > s.size()) len = 1;
    uint32_t cp = len == 1 ? b : b & (0xFFu >> (len + 1));
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    width += static_cast<size_t>(code_point_width(cp));
    i += len;
  }
  return width;
}

void append_line(std::string& out, const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c) line += ' ';
    line += cells[c];
    line.append(widths[c] - display_width(cells[c]), ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

}  // namespace

std::string format_disql(const Rows& rows) {
  if (rows.columns.empty()) return "";
  if (rows.rows.empty()) return "未选定行\n";
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header{"行号"};
  header.insert(header.end(), rows.columns.begin(), rows.columns.end());
  table.push_back(header);
  for (size_t r = 0; r < rows.rows.size(); ++r) {
    std::vector<std::string> line{std::to_string(r + 1)};
    for (size_t c = 0; c < rows.columns.size(); ++c) {
      const bool present = c < rows.rows[r].size() && rows.rows[r][c].has_value();
      line.push_back(present ? *rows.rows[r][c] : "NULL");
    }
    table.push_back(std::move(line));
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& line : table) {
    for (size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], display_width(line[c]));
  }
  std::string out;
  append_line(out, table[0], widths);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.emplace_back(w, '-');
  append_line(out, rule, widths);
  for (size_t r = 1; r < table.size(); ++r) append_line(out, table[r], widths);
  return out;
}

}  // namespace dpc::sim

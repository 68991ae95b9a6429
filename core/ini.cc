#include "core/ini.h"

#include <strings.h>

#include <cctype>
#include <cstdlib>

namespace dpc {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string strip_comment(const std::string& s) {
  size_t hash = s.find('#');
  return hash == std::string::npos ? s : s.substr(0, hash);
}

bool iequals(const std::string& a, const std::string& b) {
  return strcasecmp(a.c_str(), b.c_str()) == 0;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  for (auto& l : lines) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
  }
  return lines;
}

}  // namespace

std::optional<std::string> IniSection::get(const std::string& key) const {
  for (const auto& e : entries) {
    if (iequals(e.key, key)) return e.value;
  }
  return std::nullopt;
}

const IniSection* IniFile::section(const std::string& name) const {
  for (const auto& s : sections) {
    if (!s.name.empty() && iequals(s.name, name)) return &s;
  }
  return nullptr;
}

Result<IniFile> parse_ini(const std::string& text, const std::string& source) {
  IniFile ini;
  ini.sections.push_back(IniSection{});
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const int lineno = static_cast<int>(i) + 1;
    std::string line = trim(strip_comment(lines[i]));
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        return Error{source + ":" + std::to_string(lineno) + ": malformed section header '" +
                     line + "' (expected [NAME])"};
      }
      ini.sections.push_back(IniSection{trim(line.substr(1, line.size() - 2)), {}});
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return Error{source + ":" + std::to_string(lineno) + ": expected KEY = VALUE, got '" + line +
                   "'"};
    }
    ini.sections.back().entries.push_back(
        IniEntry{trim(line.substr(0, eq)), trim(line.substr(eq + 1)), lineno});
  }
  return ini;
}

std::string ini_set_global(const std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& set) {
  auto lines = split_lines(text);
  std::vector<bool> done(set.size(), false);
  size_t global_end = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string bare = trim(strip_comment(lines[i]));
    if (!bare.empty() && bare.front() == '[') {
      global_end = i;
      break;
    }
    size_t eq = bare.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(bare.substr(0, eq));
    for (size_t k = 0; k < set.size(); ++k) {
      if (!iequals(key, set[k].first)) continue;
      size_t hash = lines[i].find('#');
      std::string comment = hash == std::string::npos ? "" : "   " + lines[i].substr(hash);
      size_t raw_eq = lines[i].find('=');
      lines[i] = lines[i].substr(0, raw_eq + 1) + " " + set[k].second + comment;
      done[k] = true;
    }
  }
  std::vector<std::string> added;
  for (size_t k = 0; k < set.size(); ++k) {
    if (!done[k]) added.push_back(set[k].first + " = " + set[k].second);
  }
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(global_end), added.begin(), added.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::optional<long long> ini_int(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  char* end = nullptr;
  long long v = std::strtoll(value->c_str(), &end, 10);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return v;
}

}  // namespace dpc

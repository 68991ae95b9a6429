// DM's ini files (dm.ini, mp.ini, dmarch.ini): parse, edit in place, render.
//
// Syntax as DM writes and reads it: `KEY = VALUE` lines, `[SECTION]` headers,
// `#` starting a comment anywhere on a line, keys case-insensitive, blank
// lines ignored. Editing keeps every other line (and its comment) as it was,
// so a dm.ini written by dminit keeps its hundreds of other parameters.
// Pure text processing; no I/O; no threading concerns.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace dpc {

struct IniEntry {
  std::string key;    ///< as written (compare case-insensitively)
  std::string value;  ///< trimmed, comment removed
  int line = 0;       ///< 1-based line number in the source text
};

struct IniSection {
  std::string name;  ///< "" for the global part before any [SECTION]
  std::vector<IniEntry> entries;
  /// The value of a key (case-insensitive), or nullopt.
  std::optional<std::string> get(const std::string& key) const;
};

struct IniFile {
  std::vector<IniSection> sections;  ///< sections[0] is always the global part
  const IniSection& global() const { return sections.front(); }
  const IniSection* section(const std::string& name) const;  ///< case-insensitive
  /// A global key's value, or nullopt.
  std::optional<std::string> get(const std::string& key) const { return global().get(key); }
};

/// Parses ini text. Errors name `source` and the line: a malformed section
/// header or a line without `=`.
Result<IniFile> parse_ini(const std::string& text, const std::string& source);

/// Sets global keys in ini text: replaces the value on an existing `KEY =`
/// line (keeping its comment), or appends `KEY = VALUE` at the end of the
/// global part. Everything else is kept byte for byte.
std::string ini_set_global(const std::string& text,
                           const std::vector<std::pair<std::string, std::string>>& set);

/// Parses an integer value; nullopt when the text is not a whole number.
std::optional<long long> ini_int(const std::optional<std::string>& value);

}  // namespace dpc

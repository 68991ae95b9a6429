// Reading hand-written JSON files (topologies, scenarios): parsing with
// comments allowed, turning a parse error into a line and column, noticing
// keys written twice in one object (nlohmann keeps only the last), and the
// "did you mean" suggestions for misspelt field names. Owned by the topology
// loader; usable by any reader of user-written JSON. Pure functions; no I/O;
// no threading concerns.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dpc {

/// A 1-based line and column (columns count characters, not UTF-8 bytes).
struct TextPosition {
  int line = 1;
  int column = 1;
};

/// The outcome of parse_json_text: a value, or where and why parsing failed.
struct JsonText {
  std::optional<nlohmann::json> value;  ///< absent when the text is not JSON
  std::string error;                    ///< what is wrong, without position
  TextPosition position;                ///< where parsing failed
  /// JSON paths of keys written more than once in one object, e.g.
  /// "bp_rafts[0].members[1].port_num" (the last occurrence is kept).
  std::vector<std::string> duplicate_keys;
  bool ok() const { return value.has_value(); }
};

/// Parses JSON text in which `//` and `/* */` comments are allowed.
JsonText parse_json_text(const std::string& text);

/// The line and column of a 0-based byte offset in `text`.
TextPosition position_at(const std::string& text, size_t byte_offset);

/// Appends an object member or array index to a JSON path:
/// json_path_key("defaults", "host") == "defaults.host",
/// json_path_index("sp", 0) == "sp[0]".
std::string json_path_key(const std::string& path, const std::string& key);
std::string json_path_index(const std::string& path, size_t index);

/// Levenshtein distance between two byte strings.
size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `word` when it is close enough to be a likely
/// misspelling (same letters in another case, or a few edits away);
/// nullopt otherwise. Ties go to the first candidate.
std::optional<std::string> closest_name(const std::string& word,
                                        const std::vector<std::string>& candidates);

/// "a number", "a string", "an object", ...: a JSON value's type for messages.
std::string json_type_phrase(const nlohmann::json& value);

}  // namespace dpc

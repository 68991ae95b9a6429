#include "core/json_text.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/input_text.h"

namespace dpc {

namespace {

/// A SAX handler that builds nothing and only tracks where the parser is,
/// to name the path of a key written twice. (nlohmann's callback parser,
/// used before, scans the parent array at every object's end: quadratic
/// time for a large array of objects.)
class DuplicateKeyFinder {
 public:
  bool null() { return element_done(); }
  bool boolean(bool) { return element_done(); }
  bool number_integer(nlohmann::json::number_integer_t) { return element_done(); }
  bool number_unsigned(nlohmann::json::number_unsigned_t) { return element_done(); }
  bool number_float(nlohmann::json::number_float_t, const std::string&) { return element_done(); }
  bool string(std::string&) { return element_done(); }
  bool binary(nlohmann::json::binary_t&) { return element_done(); }
  bool start_object(std::size_t) {
    frames_.push_back(Frame{false, 0, "", {}, current_path()});
    return true;
  }
  bool key(std::string& key) {
    Frame& top = frames_.back();
    top.key = key;
    if (!top.keys.insert(top.key).second) duplicates_.push_back(json_path_key(top.path, top.key));
    return true;
  }
  bool end_object() { return end_structure(); }
  bool start_array(std::size_t) {
    frames_.push_back(Frame{true, 0, "", {}, current_path()});
    return true;
  }
  bool end_array() { return end_structure(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

  std::vector<std::string> take() { return std::move(duplicates_); }

 private:
  struct Frame {
    bool is_array;
    size_t index;
    std::string key;
    std::set<std::string> keys;
    std::string path;
  };

  std::string current_path() const {
    if (frames_.empty()) return "";
    const Frame& top = frames_.back();
    return top.is_array ? json_path_index(top.path, top.index) : json_path_key(top.path, top.key);
  }

  bool end_structure() {
    frames_.pop_back();
    return element_done();
  }

  bool element_done() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }

  std::vector<Frame> frames_;
  std::vector<std::string> duplicates_;
};

/// nlohmann's what() is "[json.exception.parse_error.101] parse error at
/// line 1, column 9: syntax error ..."; keep only the reason.
std::string parse_error_reason(const std::string& what) {
  size_t start = what.find("parse error");
  if (start == std::string::npos) return what;
  size_t colon = what.find(": ", start);
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

bool only_space_and_comments(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (text.compare(i, 2, "//") == 0) {
      size_t end = text.find('\n', i);
      i = end == std::string::npos ? text.size() : end + 1;
    } else if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      if (end == std::string::npos) return false;
      i = end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

JsonText parse_json_text(const std::string& text) {
  JsonText out;
  if (only_space_and_comments(text)) {
    out.error = "the file holds no JSON value (it is empty or only comments)";
    out.position = position_at(text, text.size());
    return out;
  }
  if (auto problem = check_json_input(text)) {
    out.error = problem->message;
    out.position = position_at(text, problem->offset);
    return out;
  }
  try {
    out.value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true,
                                      /*ignore_comments=*/true);
    DuplicateKeyFinder finder;
    nlohmann::json::sax_parse(text, &finder, nlohmann::json::input_format_t::json,
                              /*strict=*/true, /*ignore_comments=*/true);
    out.duplicate_keys = finder.take();
  } catch (const nlohmann::json::parse_error& e) {
    out.value.reset();
    out.error = parse_error_reason(e.what());
    // e.byte counts the bytes read, the offending one included.
    out.position = position_at(text, e.byte == 0 ? 0 : e.byte - 1);
  } catch (const nlohmann::json::exception& e) {
    // Not a syntax error but a value nlohmann cannot hold: a number too
    // large for a double ("number overflow parsing '1e400'"). It names the
    // number, not where it is: point at the number's first occurrence.
    out.value.reset();
    const std::string what = e.what();
    const size_t open = what.find('\'');
    const size_t close = open == std::string::npos ? open : what.find('\'', open + 1);
    const std::string number =
        close == std::string::npos ? std::string() : what.substr(open + 1, close - open - 1);
    out.error = number.empty() ? what : "the number " + number + " is too large";
    const size_t at = number.empty() ? std::string::npos : text.find(number);
    out.position = position_at(text, at == std::string::npos ? 0 : at);
  }
  return out;
}

TextPosition position_at(const std::string& text, size_t byte_offset) {
  TextPosition pos;
  const size_t end = std::min(byte_offset, text.size());
  for (size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++pos.column;
    }
  }
  return pos;
}

std::string json_path_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string json_path_index(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(const std::string& word,
                                        const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string low = lower(word);
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    size_t d = edit_distance(low, lower(candidate));
    if (!best || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  if (!best) return std::nullopt;
  // Close enough: a couple of edits (one for words of 2-3 letters), or at
  // most a third of the word's length.
  const size_t few = std::max<size_t>(1, std::min<size_t>(2, word.size() / 2));
  if (best_distance <= few || best_distance * 3 <= word.size()) return best;
  // Or a part of a longer name ("vote_interval" for "raft_vote_interval").
  if (low.size() >= 4) {
    for (const auto& candidate : candidates) {
      const std::string c = lower(candidate);
      if (c.size() < 4) continue;
      if (c.find(low) != std::string::npos || low.find(c) != std::string::npos) return candidate;
    }
  }
  return std::nullopt;
}

std::string json_type_phrase(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "a whole number";
    case nlohmann::json::value_t::number_float: return "a decimal number";
    case nlohmann::json::value_t::binary: return "binary data";
    case nlohmann::json::value_t::discarded: return "nothing";
  }
  return "a value";
}

}  // namespace dpc

// Character rules for text that reaches DM or a shell (text_rules.h).
#include "core/text_rules.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/json_text.h"

namespace dpc {

namespace {

/// The code point at `i` of UTF-8 text and its length in bytes; a byte that
/// does not start a valid sequence counts as one character of its own value.
std::pair<uint32_t, size_t> decode(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return {c, 1};
  size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return {c, 1};
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return {c, 1};
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  return {cp, n};
}

bool is_control(uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool ascii_alnum(uint32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

bool allowed(TextField kind, uint32_t cp, bool first) {
  if (is_control(cp)) return false;
  switch (kind) {
    case TextField::Host:
      return ascii_alnum(cp) || cp == '.' || cp == '-' || cp == ':';
    case TextField::Path:
      return ascii_alnum(cp) || cp >= 0xA0 || std::string_view("/\\:._-+@~").find(static_cast<char>(cp)) != std::string_view::npos;
    case TextField::Description:
      return cp != '"';
    case TextField::EnvName:
      return cp == '_' || (ascii_alnum(cp) && !(first && cp >= '0' && cp <= '9'));
  }
  return false;
}

void walk(const nlohmann::json& v, const std::string& path, std::vector<Diagnostic>& out) {
  auto check = [&out](const std::string& text, const std::string& at, const char* what) {
    auto bad = first_control_char(text);
    if (!bad) return;
    out.push_back(error_at(at,
                           // The value is not repeated: it may be a misplaced password.
                           std::string(what) + " holds " + describe_char(bad->code_point) +
                               " at character " + std::to_string(bad->offset + 1),
                           "remove it: no field of a topology may hold a control character "
                           "(newline, tab, carriage return, ...)"));
  };
  if (v.is_string()) {
    check(v.get_ref<const std::string&>(), path, "the value");
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      check(it.key(), child, "the key");
      walk(it.value(), child, out);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) walk(v[i], json_path_index(path, i), out);
  }
}

}  // namespace

std::optional<BadChar> first_control_char(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto [cp, n] = decode(text, i);
    if (is_control(cp)) return BadChar{i, cp};
    i += n;
  }
  return std::nullopt;
}

std::string describe_char(uint32_t cp) {
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
  switch (cp) {
    case 0x00: return std::string("a NUL byte (") + code + ")";
    case 0x09: return std::string("a tab (") + code + ")";
    case 0x0A: return std::string("a line feed (") + code + ")";
    case 0x0D: return std::string("a carriage return (") + code + ")";
    case 0x7F: return std::string("a DEL character (") + code + ")";
    default: break;
  }
  if (is_control(cp)) return std::string("a control character (") + code + ")";
  if (cp < 0x80) return "'" + std::string(1, static_cast<char>(cp)) + "' (" + code + ")";
  return std::string("the character ") + code;
}

std::string visible(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto [cp, n] = decode(text, i);
    if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (is_control(cp) || (cp >= 0x80 && n == 1)) {
      for (size_t k = 0; k < n; ++k) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(text[i + k]));
        out += hex;
      }
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string replace_unquotable(std::string_view text, std::string_view also) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    const bool bad = u < 0x20 || u == 0x7F || also.find(c) != std::string_view::npos;
    out += bad ? '?' : c;
  }
  return out;
}

std::optional<BadChar> first_disallowed(TextField kind, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto [cp, n] = decode(text, i);
    if (!allowed(kind, cp, i == 0)) return BadChar{i, cp};
    i += n;
  }
  return std::nullopt;
}

const char* allowed_phrase(TextField kind) {
  switch (kind) {
    case TextField::Host:
      return "a host is a DNS name or an IP address: ASCII letters, digits, '.', '-' and ':'";
    case TextField::Path:
      return "a path may hold letters (any language), digits and / \\ : . _ - + @ ~; no spaces, "
             "quotes or characters a shell, cmd or an ini file would interpret";
    case TextField::Description:
      return "a description may hold any printable character except '\"'; no control "
             "characters";
    case TextField::EnvName:
      return "an environment variable name: ASCII letters, digits and _, not starting with a "
             "digit";
  }
  return "";
}

void check_json_strings(const nlohmann::json& doc, std::vector<Diagnostic>& out) {
  walk(doc, "", out);
}

}  // namespace dpc

// What text may hold on its way to DM or a shell: control characters are
// refused everywhere (a newline in a path would become a second KEY=VALUE line
// of a PARFILE, or end a `#` comment of a runbook), and each kind of field
// has the character set its destinations can carry (docs/topology.md,
// "Characters"). validate (validate_text.cc) refuses what breaks these rules;
// the renderers use visible() for text they cannot quote (comments) as a
// second line of defence. Pure functions; no threading concerns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/diagnostic.h"

namespace dpc {

/// One character a field cannot hold: its byte offset and code point.
struct BadChar {
  size_t offset = 0;
  uint32_t code_point = 0;
};

/// The first control character of UTF-8 text: C0 (U+0000..U+001F), DEL
/// (U+007F) or C1 (U+0080..U+009F).
std::optional<BadChar> first_control_char(std::string_view text);

/// A character for a message: "a line feed (U+000A)", "'\"' (U+0022)".
std::string describe_char(uint32_t code_point);

/// `text` with every control character written as \n, \r, \t or \xHH, and
/// a backslash before it doubled: one line, safe in a comment or a message.
std::string visible(std::string_view text);

/// `text` with every C0 control character, DEL, and each character of
/// `also` replaced by '?': for a destination that has no way to quote them
/// (an ini value, cmd's double quotes). '?' is in no valid path or name, so
/// whatever uses the value fails rather than acting on a different one.
std::string replace_unquotable(std::string_view text, std::string_view also = {});

/// The kinds of free-text field and what each may hold (docs/topology.md).
enum class TextField {
  Host,         ///< host, ip_internal, ip_external: letters, digits, '.', '-', ':'
  Path,         ///< path, base_dir, dm_home, sysdba_password.file
  Description,  ///< descriptions: any printable character but '"'
  EnvName,      ///< sysdba_password.env: [A-Za-z_][A-Za-z0-9_]*
};

/// The first character of `text` that a field of `kind` cannot hold.
std::optional<BadChar> first_disallowed(TextField kind, std::string_view text);

/// What a field of `kind` may hold, for the fix hint.
const char* allowed_phrase(TextField kind);

/// Every string value (and object key) of a parsed JSON document that holds
/// a control character, as an Error at its JSON path naming the character
/// and its position in the string.
void check_json_strings(const nlohmann::json& doc, std::vector<Diagnostic>& out);

}  // namespace dpc

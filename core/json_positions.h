// Where each value of a hand-written JSON file sits: a map from JSON path
// ("steps[3].expect.group", the paths of json_text.h) to the line and column
// at which the member's key (or, for array elements and the root, the value)
// begins. nlohmann::json keeps no positions, so readers of user files that
// report a field at fault (the scenario loader) look its line up here.
// Usable by any reader of user-written JSON.
// Pure functions; no I/O; no threading concerns.
#pragma once

#include <map>
#include <string>

#include "core/json_text.h"

namespace dpc {

/// JSON path -> position, for every value in `text` (comments allowed). The
/// root is "". Text that is not JSON yields the positions found before the
/// first error (callers report syntax errors through parse_json_text).
std::map<std::string, TextPosition> json_positions(const std::string& text);

/// The position of `path`, or of its nearest ancestor that has one (a field
/// that is missing is reported where its object begins). {0, 0} when even
/// the root is unknown.
TextPosition position_of(const std::map<std::string, TextPosition>& positions,
                         const std::string& path);

}  // namespace dpc

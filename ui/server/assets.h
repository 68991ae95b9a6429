// The web console's files (ui/web/), embedded at build time by
// ui/embed_assets.cmake into a generated web_assets.cc. Immutable; safe from
// any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace dpc::ui {

/// "/index.html" -> its bytes, for every file of ui/web/.
const std::map<std::string, std::string_view>& web_assets();

/// The Content-Type for a file name by its extension.
std::string_view content_type_of(std::string_view path);

}  // namespace dpc::ui

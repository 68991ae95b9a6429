// Text safe inside XML 1.0 (the JUnit report of `dpcctl scenario run`, the
// SVG plots of `dpcctl bench`): markup characters escaped, control
// characters XML does not allow replaced by a space. Pure function; no
// threading concerns.
#pragma once

#include <string>

namespace dpc {

/// & < > " ' as entities; control characters other than tab, newline and
/// carriage return (not allowed in XML 1.0) as a space.
std::string xml_escape(const std::string& text);

}  // namespace dpc

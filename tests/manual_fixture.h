// The manual's facts as fixtures of this repository. The golden tests
// (core/manual_golden_test.cc, sim/catalog_manual_test.cc) check the plan and
// the simulated catalog against the command lines, ini blocks and printed
// tables of sections 7.1, 7.2 and 7.3 of the DM deployment chapter
// dmdpc-deploy-manual.zh.md. A clone of this repository does not have that
// chapter, so those sections' headings and fenced code blocks are kept,
// verbatim, in tests/fixtures/manual/section-7.x.md, each naming its source.
// core/manual_fixture_test.cc checks that they still equal the chapter when
// it is present (DPC_SHARED_DIR/reference/).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace dpc::manual_fixture {

inline const char* const kChapter = "dmdpc-deploy-manual.zh.md";

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Section `number` ("7.2") of the chapter's text: its heading lines and its
/// fenced code blocks (fences included), verbatim, one per line; the prose
/// and blank lines outside code are left out. Empty when there is no such
/// section.
inline std::string extract_section(const std::string& chapter, const std::string& number) {
  std::string out;
  bool in_section = false, in_code = false;
  for (const std::string& line : split_lines(chapter)) {
    const bool fence = line.rfind("```", 0) == 0;
    if (!in_code && (line.rfind("# ", 0) == 0 || line.rfind("## ", 0) == 0)) {
      in_section = line.rfind("## " + number + " ", 0) == 0;
    }
    if (!in_section) continue;
    if (in_code || fence || line.rfind("#", 0) == 0) out += line + "\n";
    if (fence) in_code = !in_code;
  }
  return out;
}

/// The comment that opens every fixture file, naming its source.
inline std::string header(const std::string& number) {
  return "<!-- Fixture: section " + number + " of the DM8 deployment manual chapter " + kChapter +
         "\n     (in ../shared/reference/ beside a development checkout): its headings and every"
         "\n     fenced code block, verbatim; the prose is left out. The manual golden tests read"
         "\n     this file. core/manual_fixture_test.cc checks it still equals the chapter when the"
         "\n     chapter is present; DPC_REWRITE_MANUAL_FIXTURES=1 rewrites it from the chapter. -->\n";
}

inline std::filesystem::path fixture_path(const std::string& number) {
  return std::filesystem::path(DPC_SOURCE_DIR) / "tests" / "fixtures" / "manual" /
         ("section-" + number + ".md");
}

/// The fixture of section `number` without its header: what extract_section
/// gives for the full chapter. Empty when the fixture is missing.
inline std::string section(const std::string& number) {
  const std::string text = read_file(fixture_path(number));
  const std::string head = header(number);
  if (text.rfind(head, 0) != 0) return text;
  return text.substr(head.size());
}

/// The full chapter, when DPC_SHARED_DIR holds it; empty otherwise.
inline std::filesystem::path chapter_path() {
  return std::filesystem::path(DPC_SHARED_DIR) / "reference" / kChapter;
}

}  // namespace dpc::manual_fixture

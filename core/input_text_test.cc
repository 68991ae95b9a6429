// Input files and text before the parser: regular files of bounded size only
// (a FIFO or /dev/zero refused at once), NUL bytes, invalid UTF-8 and deep
// nesting refused with their position, a byte order mark skipped with the
// positions still right, and --json output valid UTF-8 whatever the file name.
#include "core/input_text.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/diagnostic.h"
#include "core/json_text.h"
#include "core/topology_load.h"

namespace dpc {
namespace {

namespace fs = std::filesystem;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "in: " << (text)

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "dpc-input-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(InputFile, AFifoIsRefusedAtOnceNamingTheFile) {
  // Before: the loader opened it and waited for a writer for ever.
  const std::string fifo = (dir_ / "t.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = read_input_file(fifo, "topology file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "the topology file " + fifo + " is a FIFO (named pipe), not a regular file");
  LoadOutcome o = load_topology_file(fifo);
  ASSERT_EQ(o.diagnostics.size(), 1u);
  EXPECT_CONTAINS(o.diagnostics[0].message, "is a FIFO (named pipe), not a regular file");
}

TEST_F(InputFile, ADeviceIsRefused) {
  // Before: /dev/zero was read until memory ran out.
  auto r = read_input_file("/dev/zero", "scenario file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "the scenario file /dev/zero is a character device, not a regular file");
}

TEST_F(InputFile, AFileOverTheLimitIsRefusedNamingTheLimit) {
  const fs::path big = dir_ / "big.json";
  std::ofstream(big) << "{}";
  fs::resize_file(big, kMaxInputBytes + 1);  // sparse: no disk space used
  auto r = read_input_file(big.string(), "topology file");
  ASSERT_FALSE(r.ok());
  EXPECT_CONTAINS(r.message(), "is larger than 16 MiB, the limit for input files");
  fs::resize_file(big, kMaxInputBytes);
  EXPECT_TRUE(read_input_file(big.string(), "topology file").ok());
}

TEST_F(InputFile, AMissingFileSaysWhy) {
  auto r = read_input_file((dir_ / "none.json").string(), "topology file");
  ASSERT_FALSE(r.ok());
  EXPECT_CONTAINS(r.message(), "none.json: No such file or directory");
}

TEST(InputText, NulBytesAreAnErrorWithTheirPosition) {
  // Before: everything after a NUL byte was silently ignored.
  auto p = check_json_input(std::string("{\n  \"a\": 1\n}\0{\"b\": 2}", 17));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->offset, 12u);
  EXPECT_EQ(p->message, "the file holds a NUL byte");
  JsonText t = parse_json_text(std::string("{\n  \"a\": 1\n}\0{\"b\": 2}", 17));
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(t.position.line, 3);
  EXPECT_EQ(t.position.column, 2);
}

TEST(InputText, InvalidUtf8IsAnErrorAtTheBadByte) {
  // Before: validate --json aborted on invalid UTF-8.
  for (const std::string bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    JsonText t = parse_json_text("{\n  \"cluster\": \"ab" + bad + "\"\n}");
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_CONTAINS(t.error, "not valid UTF-8");
    EXPECT_EQ(t.position.line, 2);
    EXPECT_EQ(t.position.column, 17);
  }
  EXPECT_FALSE(check_json_input("{\"a\": \"数据 ü €\"} // 注释"));
}

TEST(InputText, DeepNestingIsRefusedBeforeParsing) {
  // Before: memory quadratic in the depth, then a stack overflow.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  JsonText t = parse_json_text(deep);
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(t.error, "arrays and objects are nested deeper than 64 levels");
  EXPECT_EQ(t.position.column, 65);
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_json_text(ok).ok());
  // Brackets in strings and comments do not count.
  EXPECT_TRUE(parse_json_text("{\"a\": \"" + std::string(100, '[') + "\"} // " +
                              std::string(100, '{'))
                  .ok());
}

TEST(InputText, AByteOrderMarkIsSkippedAndPositionsStayRight) {
  // Before: after a BOM every diagnostic pointed at 1:1.
  LoadOutcome o = load_topology_text("\xEF\xBB\xBF{\n  \"cluster\": \"t\",\n  \"bogus\": 1\n}", "t.json");
  bool found = false;
  for (const Diagnostic& d : o.diagnostics) {
    if (d.path != "bogus") continue;
    found = true;
    EXPECT_EQ(d.line, 3);
    EXPECT_EQ(d.column, 3);
  }
  EXPECT_TRUE(found) << format_diagnostics(o.diagnostics, "t.json");
  EXPECT_EQ(strip_bom("\xEF\xBB\xBFx"), "x");
  EXPECT_EQ(strip_bom("x\xEF\xBB\xBF"), "x\xEF\xBB\xBF");
}

TEST(InputText, DuplicateKeysAreStillFoundInALargeArray) {
  std::string text = "{\"x\": [";
  for (int i = 0; i < 20000; ++i) text += std::string(i ? "," : "") + "{\"a\": 1, \"b\": 2}";
  text += ", {\"a\": 1, \"a\": 2}]}";
  JsonText t = parse_json_text(text);
  ASSERT_TRUE(t.ok()) << t.error;
  EXPECT_EQ(t.duplicate_keys, std::vector<std::string>{"x[20000].a"});
}

TEST(InputText, JsonOutputIsValidUtf8WhateverTheFileName) {
  // Before: validate --json and check --json aborted on such a name.
  const std::string name = "n\xff" "ame.json";
  const std::string out = json_output(diagnostics_json({}, name, true));
  EXPECT_FALSE(check_json_input(out)) << out;
  EXPECT_CONTAINS(out, "n\xEF\xBF\xBD" "ame.json");
}

}  // namespace
}  // namespace dpc

// The character rules of docs/topology.md ("Characters"): no control
// character in any string of a topology, and each free-text field held to the
// characters its destinations can carry; every refusal names the field (its
// JSON path and line:col) and the character.
#include <gtest/gtest.h>

#include "core/text_rules.h"
#include "core/topology_load.h"

namespace dpc {
namespace {

using nlohmann::json;

json base() {
  return json::parse(R"({
    "cluster": "t",
    "defaults": { "host": "127.0.0.1", "base_dir": "/tmp/t" },
    "mp": { "instances": [ { "name": "MP" } ] },
    "sp": [ { "name": "SP1" } ],
    "bp_rafts": [ { "name": "RAFT_1", "members": [ { "name": "BP11" } ] } ],
    "bp_groups": [ { "name": "BG_1", "description": "g", "rafts": ["RAFT_1"] } ]
  })");
}

LoadOutcome load(const json& doc) { return load_topology_text(doc.dump(2), "t.json"); }

std::string all(const LoadOutcome& o) { return format_diagnostics(o.diagnostics, "t.json"); }

/// The one error at `path`.
Diagnostic error_at_path(const LoadOutcome& o, const std::string& path) {
  std::vector<Diagnostic> found;
  for (const auto& d : o.diagnostics) {
    if (d.path == path && d.severity == Diagnostic::Severity::Error) found.push_back(d);
  }
  EXPECT_EQ(found.size(), 1u) << "at " << path << ":\n" << all(o);
  return found.empty() ? Diagnostic{} : found[0];
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "in: " << (text)

TEST(TextRules, FindsC0DelAndC1ControlCharacters) {
  EXPECT_FALSE(first_control_char("plain /path ü"));
  EXPECT_EQ(first_control_char("ab\ncd")->offset, 2u);
  EXPECT_EQ(first_control_char("ab\ncd")->code_point, 0x0Au);
  EXPECT_EQ(first_control_char("x\x7f")->code_point, 0x7Fu);
  EXPECT_EQ(first_control_char("x\xc2\x85y")->code_point, 0x85u);  // NEL
  EXPECT_EQ(first_control_char(std::string("a\0b", 3))->code_point, 0u);
}

TEST(TextRules, DescribesAndShowsCharacters) {
  EXPECT_EQ(describe_char('\n'), "a line feed (U+000A)");
  EXPECT_EQ(describe_char('"'), "'\"' (U+0022)");
  EXPECT_EQ(describe_char(0x85), "a control character (U+0085)");
  EXPECT_EQ(visible("a\nb\r\tc\\d\x01"), "a\\nb\\r\\tc\\\\d\\x01");
  EXPECT_EQ(visible("\xff"), "\\xFF");
  EXPECT_EQ(replace_unquotable("a\nb#c", "#"), "a?b?c");
}

TEST(TextRules, FieldKindsHoldTheirCharacterSets) {
  EXPECT_FALSE(first_disallowed(TextField::Host, "db-1.example.com"));
  EXPECT_FALSE(first_disallowed(TextField::Host, "fe80::1"));
  EXPECT_EQ(first_disallowed(TextField::Host, "a b")->code_point, uint32_t{' '});
  EXPECT_FALSE(first_disallowed(TextField::Path, "/dm/data_1/数据"));
  EXPECT_FALSE(first_disallowed(TextField::Path, "d:\\dmdbms\\data"));
  for (const char* bad : {"/a b", "/a\"b", "/a$b", "/a`b", "/a&b", "/a%b", "/a;b", "/a#b", "/a'b"}) {
    EXPECT_TRUE(first_disallowed(TextField::Path, bad)) << bad;
  }
  EXPECT_FALSE(first_disallowed(TextField::Description, "BP instance, it's 'ok' & 100%"));
  EXPECT_TRUE(first_disallowed(TextField::Description, "a\"b"));
  EXPECT_FALSE(first_disallowed(TextField::EnvName, "DM_SYSDBA_PWD2"));
  EXPECT_TRUE(first_disallowed(TextField::EnvName, "2X"));
  EXPECT_TRUE(first_disallowed(TextField::EnvName, "A&B"));
}

TEST(ValidateText, NewlineInAPathIsRefusedNamingFieldPositionAndCharacter) {
  // The defect: "path" with a newline became an extra PARFILE line.
  json doc = base();
  doc["bp_rafts"][0]["members"][0]["path"] = "/tmp/t/bp11\nAUTO_OVERWRITE=1";
  LoadOutcome o = load(doc);
  EXPECT_FALSE(o.ok());
  Diagnostic d = error_at_path(o, "bp_rafts[0].members[0].path");
  EXPECT_CONTAINS(d.message, "a line feed (U+000A) at character 12");
  EXPECT_GT(d.line, 1);
  EXPECT_GT(d.column, 1);
  EXPECT_CONTAINS(all(o), "t.json:" + std::to_string(d.line) + ":" + std::to_string(d.column));
}

TEST(ValidateText, EveryStringFieldRefusesControlCharacters) {
  const std::vector<std::pair<json::json_pointer, std::string>> fields = {
      {json::json_pointer("/defaults/host"), "defaults.host"},
      {json::json_pointer("/defaults/base_dir"), "defaults.base_dir"},
      {json::json_pointer("/mp/instances/0/description"), "mp.instances[0].description"},
      {json::json_pointer("/sp/0/ip_external"), "sp[0].ip_external"},
      {json::json_pointer("/bp_groups/0/description"), "bp_groups[0].description"},
      {json::json_pointer("/description"), "description"},
  };
  for (const auto& [pointer, path] : fields) {
    for (const char* bad : {"a\rb", "a\tb", "a\x1b[31mb", "a\x7f"}) {
      json doc = base();
      doc[pointer] = bad;
      LoadOutcome o = load(doc);
      EXPECT_FALSE(o.ok()) << path;
      Diagnostic d = error_at_path(o, path);
      EXPECT_CONTAINS(d.message, "(U+00");
      EXPECT_EQ(d.message.find_first_of("\r\t\x1b\x7f"), std::string::npos) << d.message;
    }
  }
}

TEST(ValidateText, FieldsAreHeldToTheirCharacterSets) {
  struct Case {
    json::json_pointer where;
    std::string value, path, character;
  };
  const std::vector<Case> cases = {
      {json::json_pointer("/sp/0/host"), "127.0.0.1;reboot", "sp[0].host", "';' (U+003B)"},
      {json::json_pointer("/sp/0/path"), "C:\\dm \"x\"", "sp[0].path", "' ' (U+0020)"},
      {json::json_pointer("/sp/0/path"), "/dm/$(reboot)", "sp[0].path", "'$' (U+0024)"},
      {json::json_pointer("/sp/0/description"), "say \"hi\"", "sp[0].description",
       "'\"' (U+0022)"},
      {json::json_pointer("/defaults/dm_home"), "/opt/dm`id`", "defaults.dm_home", "'`' (U+0060)"},
      {json::json_pointer("/defaults/sysdba_password"), "", "defaults.sysdba_password.env",
       "'&' (U+0026)"},
  };
  for (const Case& c : cases) {
    json doc = base();
    if (c.path == "defaults.sysdba_password.env") {
      doc[c.where] = json{{"env", "PW&calc"}};
    } else {
      doc[c.where] = c.value;
    }
    LoadOutcome o = load(doc);
    EXPECT_FALSE(o.ok()) << c.path;
    Diagnostic d = error_at_path(o, c.path);
    EXPECT_CONTAINS(d.message, c.character);
    EXPECT_FALSE(d.hint.empty());
  }
}

TEST(ValidateHosts, LoopbackNamesAreOneHostForPortsAndPaths) {
  // Before: a port used by an instance on "localhost" and one on "127.0.0.1"
  // passed.
  json doc = base();
  doc["sp"][0]["host"] = "localhost";
  doc["sp"][0]["port_num"] = 5300;
  doc["bp_rafts"][0]["members"][0]["port_num"] = 5300;  // on 127.0.0.1
  LoadOutcome o = load(doc);
  EXPECT_FALSE(o.ok());
  Diagnostic d = error_at_path(o, "bp_rafts[0].members[0].port_num");
  EXPECT_CONTAINS(d.message, "port 5300 of BP11 on host 127.0.0.1 is also SP1's port_num");
  json same_path = base();
  same_path["sp"][0]["host"] = "::1";
  same_path["sp"][0]["path"] = "/tmp/t/x";
  same_path["bp_rafts"][0]["members"][0]["path"] = "/tmp/t/x";
  EXPECT_CONTAINS(all(load(same_path)), "is also SP1's path");
}

TEST(ValidateText, ShippedTopologiesStayValid) {
  json doc = base();
  doc["sp"][0]["path"] = "d:\\dmdbms\\data\\SP1";
  doc["sp"][0]["description"] = "SP instance (it's #1, 100% & more)";
  doc["defaults"]["dm_home"] = "/opt/dmdbms-8.1_x86";
  EXPECT_TRUE(load(doc).ok()) << all(load(doc));
}

}  // namespace
}  // namespace dpc

#include "sim/model/dm_setup.h"

#include <cctype>

namespace dpc::sim {
namespace {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

bool is_path(const std::string& key) { return key.find_first_of("/\\") != std::string::npos; }

std::string word(const std::string& build) { return build.empty() ? "none" : build; }

}  // namespace

std::string DmSetup::host_build(const std::string& host) const {
  auto it = hosts.find(host);
  return it != hosts.end() ? it->second : build;
}

std::string DmSetup::package_build_of(const std::string& package) const {
  auto it = packages.find(package);
  if (it != packages.end()) return it->second;
  return package_build_set ? package_build : build;
}

bool DmSetup::is_default() const {
  return build == kSimDmBuild && hosts.empty() && !package_build_set && packages.empty();
}

std::string DmSetup::text() const {
  std::string out;
  auto add = [&out](const std::string& k, const std::string& v) {
    out += (out.empty() ? "" : ",") + k + "=" + word(v);
  };
  if (build != kSimDmBuild) add("*", build);
  for (const auto& [h, b] : hosts) add(h, b);
  if (package_build_set) add("package", package_build);
  for (const auto& [p, b] : packages) add(p, b);
  return out;
}

Result<DmSetup> parse_dm_setup(const std::string& text) {
  DmSetup out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = trim(text.substr(at, comma - at));
    at = comma + 1;
    if (item.empty()) {
      if (comma == text.size()) break;
      continue;
    }
    const size_t eq = item.find('=');
    const std::string key = eq == std::string::npos ? "" : trim(item.substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : trim(item.substr(eq + 1));
    if (key.empty() || value.empty() || value.find_first_of(" \t=") != std::string::npos) {
      return Error{"DM setup item '" + item + "' is not KEY=VALUE: write HOST=BUILD, HOST=none, *=BUILD, "
                   "package=BUILD or PATH=BUILD (e.g. h2=none,h3=8.1.2.128)"};
    }
    const std::string build = value == "none" ? "" : value;
    if (key == "*") {
      out.build = build;
    } else if (key == "package") {
      out.package_build = build;
      out.package_build_set = true;
    } else if (is_path(key)) {
      out.packages[key] = build;
    } else {
      out.hosts[key] = build;
    }
  }
  return out;
}

}  // namespace dpc::sim

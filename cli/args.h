// A small command-line parser for dpcctl's subcommands: positional words,
// `--flag`, `--key value` and `--key=value`. Unknown options are errors that
// name the option and list the known ones (exit code 2 at the caller).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace dpc::cli {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  ///< --key value (flags map to "")
  bool has(const std::string& key) const { return values.count(key) > 0; }
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, const std::string& fallback) const;
};

/// Parses argv words. `flags` take no value; `options` take one.
Result<Args> parse_args(const std::vector<std::string>& words, const std::set<std::string>& flags,
                        const std::set<std::string>& options);

/// Parses a whole non-negative number for option `key`, or an error naming it.
Result<long long> parse_number(const std::string& key, const std::string& text);

}  // namespace dpc::cli

#include "cli/args.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace dpc::cli {

std::optional<std::string> Args::get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(const std::string& key, const std::string& fallback) const {
  auto v = get(key);
  return v ? *v : fallback;
}

static std::string known_list(const std::set<std::string>& flags,
                              const std::set<std::string>& options) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "--" : ", --") + f;
  for (const auto& o : options) out += (out.empty() ? "--" : ", --") + o + " VALUE";
  return out.empty() ? "(none)" : out;
}

Result<Args> parse_args(const std::vector<std::string>& words, const std::set<std::string>& flags,
                        const std::set<std::string>& options) {
  Args args;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() < 3 || w.rfind("--", 0) != 0) {
      args.positional.push_back(w);
      continue;
    }
    std::string key = w.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = key.find('='); eq != std::string::npos) {
      inline_value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    if (flags.count(key)) {
      if (inline_value) return Error{"option --" + key + " takes no value"};
      args.values[key] = "";
    } else if (options.count(key)) {
      if (inline_value) {
        args.values[key] = *inline_value;
      } else if (i + 1 < words.size()) {
        args.values[key] = words[++i];
      } else {
        return Error{"option --" + key + " needs a value"};
      }
    } else {
      return Error{"unknown option --" + key + "; known options: " + known_list(flags, options)};
    }
  }
  return args;
}

Result<long long> parse_number(const std::string& key, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || v < 0) {
    return Error{"option --" + key + " takes a whole number >= 0, got '" + text + "'"};
  }
  if (errno == ERANGE) {  // strtoll gave LLONG_MAX for a larger number
    return Error{"option --" + key + " takes a whole number up to " +
                 std::to_string(std::numeric_limits<long long>::max()) + ", got '" + text + "'"};
  }
  return v;
}

}  // namespace dpc::cli

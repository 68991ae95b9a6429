#include "core/backend.h"

#include <strings.h>

namespace dpc {

int Rows::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (strcasecmp(columns[i].c_str(), name.c_str()) == 0) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace dpc

// Paths on a target host, in that host's own style: `d:\dpc_data_mac\bp11`
// on Windows, `/data/dpc/bp11` on Linux. DM's tools take these strings as
// they are, so the core builds them as text rather than with
// std::filesystem (which follows the style of the machine dpcctl runs on).
#pragma once

#include <string>

#include "core/topology.h"

namespace dpc {

/// The style a path is written in: Windows when it has a drive letter or a
/// backslash, Linux otherwise.
OsKind path_style(const std::string& path);

/// Joins a directory and a name with the separator of `os`.
std::string path_join(OsKind os, const std::string& dir, const std::string& name);

/// The parent directory ("" when there is none), in the path's own style.
std::string path_parent(const std::string& path);

/// <path>/DAMENG: where dminit puts the database (DB_NAME defaults to DAMENG).
std::string db_dir(const Instance& inst);
/// <path>/DAMENG/<file>, e.g. db_file(inst, "dm.ini").
std::string db_file(const Instance& inst, const std::string& file);

}  // namespace dpc

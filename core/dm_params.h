// DM's own parameters in a topology: dminit's initialisation parameters
// (PAGE_SIZE, EXTENT_SIZE, LOG_SIZE, CHARSET / UNICODE_FLAG, CASE_SENSITIVE,
// LENGTH_IN_CHAR, BLANK_PAD_MODE) and free `KEY = value` overrides for dm.ini
// and dmarch.ini. Reads them from the topology JSON (reporting every problem
// as a Diagnostic at its JSON path), layers them (defaults under the
// instance; cluster under role under group under instance), renders them
// for dminit, and checks the cluster-wide rules. Keys the plan writes itself
// are refused, so an override never contradicts the manual's procedure.
// Pure functions; no threading concerns.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.h"
#include "core/topology.h"

namespace dpc {

/// Reads an "init" object at `path`; unknown keys and values dminit does
/// not accept are reported.
InitParams read_init_params(const nlohmann::json& value, const std::string& path,
                            std::vector<Diagnostic>& out);

/// Reads an "ini" object ({"dm": {KEY: value}, "dmarch": {KEY: value}}) at
/// `path`. Values are strings, whole numbers or true/false (written 1/0).
/// Keys dminit or the plan write themselves (INSTANCE_NAME, PORT_NUM,
/// ARCH_INI, ALTER_MODE_STATUS, RAFT_SELF_ID, ARCH_TYPE, ...) are refused,
/// naming the topology field that sets them instead.
IniOverrides read_ini_overrides(const nlohmann::json& value, const std::string& path,
                                std::vector<Diagnostic>& out);

/// `over` on top of `base`: every field or key `over` sets wins.
InitParams layer(InitParams base, const InitParams& over);
IniOverrides layer(IniOverrides base, const IniOverrides& over);

/// dminit's arguments for `p`, in dminit's spelling, only those set:
/// PAGE_SIZE=32 EXTENT_SIZE=16 LOG_SIZE=256 CHARSET=1 CASE_SENSITIVE=Y
/// LENGTH_IN_CHAR=N BLANK_PAD_MODE=0.
std::vector<std::string> init_param_args(const InitParams& p);

/// [model] Every parameter but LOG_SIZE must agree across the cluster: a
/// replica is restored from its group's seed, and the SPs parse statements
/// for every BP, so page size, character set, identifier case and string
/// comparison cannot differ. One error per parameter that differs, naming
/// the instances on each side.
void check_init_agreement(const Topology& topo, std::vector<Diagnostic>& out);

}  // namespace dpc

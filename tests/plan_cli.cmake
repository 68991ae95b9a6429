# `dpcctl plan` end to end: exit codes 0 / 1 / 2 and what is printed.
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch dir> -P tests/plan_cli.cmake
# from the source tree (it reads scenarios/topologies/).

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)
set(RUN_BEFORE plan)

file(MAKE_DIRECTORY ${WORKDIR})

# The default format is text.
run(0 scenarios/topologies/manual-7.2.json)
expect_in("${out}" "Deployment plan for cluster manual-7.2: 83 steps")
expect_in("${out}" "[sql] register:MP  register MP MP (NORMAL, 1)")

# The stop plan.
run(0 scenarios/topologies/manual-7.2.json --stop)
expect_in("${out}" "Stop plan for cluster manual-7.2: 6 steps")
expect_in("${out}" "[exit-all] exit-all:RAFT_1  exit all of RAFT_1 (typed on BP11)")

# json parses and is the DAG.
run(0 scenarios/topologies/local-7.3.json --format json)
string(JSON first_id GET "${out}" steps 0 id)
if(NOT first_id STREQUAL "init:MP1")
  message(FATAL_ERROR "first step of local-7.3 is ${first_id}, expected init:MP1")
endif()

# sh: the manual's 7.2 procedure as a runbook that passes sh -n.
run(0 scenarios/topologies/manual-7.2.json --format sh)
expect_in("${out}" "#!/bin/sh")
expect_in("${out}" "run_tool BP11 dmrman CTLSTMT=\"BACKUP DATABASE")
file(WRITE ${WORKDIR}/manual-7.2.sh "${out}")
execute_process(COMMAND sh -n ${WORKDIR}/manual-7.2.sh RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "sh -n rejects the 7.2 runbook:\n${err}")
endif()

# cmd: the manual's own lines.
run(0 scenarios/topologies/manual-7.1.json --format=cmd)
expect_in("${out}" "echo mp_host = 223.254.30.136 > d:\\dpc_data_mac\\sp1\\DAMENG\\mp.ini")

# An invalid topology: its diagnostics and exit 1, no plan.
file(WRITE ${WORKDIR}/bad.json [=[
{ "cluster": "bad", "defaults": { "host": "127.0.0.1", "base_dir": "/tmp/bad" },
  "mp": { "instances": [ { "name": "MP" } ] }, "sp": [ { "name": "SP1" } ],
  "bp_rafts": [ { "name": "RAFT_1", "replicas": 2 } ] }
]=])
run(1 ${WORKDIR}/bad.json)
expect_in("${err}" "bad.json:3:17: error: bp_rafts[0]: RAFT group RAFT_1 has 2 members")
expect_in("${err}" "dpcctl plan: ${WORKDIR}/bad.json is not a valid topology; no plan printed")
if(NOT out STREQUAL "")
  message(FATAL_ERROR "an invalid topology printed a plan:\n${out}")
endif()
run(1 ${WORKDIR}/no-such-topology.json)
expect_in("${err}" "cannot read the topology file ${WORKDIR}/no-such-topology.json")

# Usage errors: exit 2.
run(2)
expect_in("${err}" "dpcctl plan: missing the topology FILE")
run(2 scenarios/topologies/manual-7.2.json --format yaml)
expect_in("${err}" "unknown --format 'yaml'; use text, json, sh or cmd")
run(2 scenarios/topologies/manual-7.2.json --bogus)
expect_in("${err}" "unknown option --bogus")
run(2 scenarios/topologies/manual-7.1.json scenarios/topologies/manual-7.2.json)
expect_in("${err}" "give exactly one topology FILE")

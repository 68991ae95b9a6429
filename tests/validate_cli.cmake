# `dpcctl validate` end to end: exit codes 0 / 1 / 2 and what is printed.
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch dir> -P tests/validate_cli.cmake
# from the source tree (it reads scenarios/topologies/).

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)
set(RUN_BEFORE validate)

file(MAKE_DIRECTORY ${WORKDIR})

# Valid: exit 0 and a summary line.
run(0 scenarios/topologies/manual-7.2.json)
expect_in("${out}" "scenarios/topologies/manual-7.2.json: valid: cluster manual-7.2, 8 instances (1 MP, 1 SP, 6 BP), 4 RAFT groups, 2 warnings")
# The manual puts every replica on one host: an availability warning per BP
# group, with its position; --strict makes them errors (exit 1).
expect_in("${out}" "manual-7.2.json:26:5: warning: bp_rafts[0]: RAFT group RAFT_1: BP11, BP12 and BP13 (3 of 3 voters) run on one host, 223.254.30.136")
run(1 scenarios/topologies/manual-7.2.json --strict)
expect_in("${out}" "(an error with --strict)")
expect_in("${out}" "invalid: 2 errors, 0 warnings")

# --json on a valid file.
run(0 scenarios/topologies/local-7.3.json --json)
expect_in("${out}" "\"valid\": true")

# Invalid: every problem, exit 1.
file(WRITE ${WORKDIR}/bad.json [=[
// two problems
{
  "cluster": "bad",
  "defaults": { "host": "127.0.0.1", "base_dir": "/tmp/bad" },
  "mp": { "instances": [ { "name": "MP" } ] },
  "sp": [ { "name": "SP1" } ],
  "bp_rafts": [ { "name": "RAFT_1", "members": [
    { "name": "BP11", "port_num": 5238 }, { "name": "BP12", "port_num": 5238, "prot_num": 1 },
    { "name": "BP13" } ] } ]
}
]=])
run(1 ${WORKDIR}/bad.json)
expect_in("${out}" "bad.json:8:79: error: bp_rafts[0].members[1].prot_num: unknown field \"prot_num\"\n  fix: did you mean \"port_num\"?")
expect_in("${out}" "bad.json:8:61: error: bp_rafts[0].members[1].port_num: port 5238 of BP12 on host 127.0.0.1 is also BP11's port_num")
expect_in("${out}" "bad.json: invalid: 2 errors, 0 warnings")
run(1 ${WORKDIR}/bad.json --json)
expect_in("${out}" "\"valid\": false")

# Malformed JSON: line and column.
file(WRITE ${WORKDIR}/broken.json "{\n  \"cluster\": \"x\",\n  \"mp\": { \"instances\": [ }\n}\n")
run(1 ${WORKDIR}/broken.json)
expect_in("${out}" "broken.json:3:26: error: malformed JSON")

# A missing file: exit 1, naming the file.
run(1 ${WORKDIR}/no-such-topology.json)
expect_in("${out}" "cannot read the topology file ${WORKDIR}/no-such-topology.json")

# Usage errors: exit 2.
run(2)
expect_in("${err}" "missing the topology FILE")
run(2 scenarios/topologies/manual-7.2.json --yaml)
expect_in("${err}" "unknown option --yaml")
run(2 a.json b.json)

# Not a regular file: refused at once, naming the file (a FIFO was read for ever).
run(1 /dev/zero)
expect_in("${out}" "/dev/zero: error: the topology file /dev/zero is a character device, not a regular file")
file(REMOVE ${WORKDIR}/fifo.json)
execute_process(COMMAND mkfifo ${WORKDIR}/fifo.json RESULT_VARIABLE code)
if(code EQUAL 0)
  run(1 ${WORKDIR}/fifo.json --json)
  expect_in("${out}" "is a FIFO (named pipe), not a regular file")
  file(REMOVE ${WORKDIR}/fifo.json)
endif()

# An invalid scenario file (tests/fixtures/invalid-scenario.json) is refused before anything
# runs: exit status 2, and the message names the file, line and column, the field and the fix.
#   cmake -D DPCCTL=<dpcctl> -D FIXTURE=<scenario> -P scenario_invalid.cmake
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${DPCCTL} scenario run ${FIXTURE}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit status 2 for an invalid scenario, got ${rc}:\n${out}${err}")
endif()
foreach(want "${FIXTURE}:7:" "error: steps[1].wait_until.leadr: unknown field \"leadr\""
        "did you mean \"leader\"?" "nothing was run")
  string(FIND "${err}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the error output lacks '${want}':\n${err}")
  endif()
endforeach()

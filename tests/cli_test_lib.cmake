# Helpers shared by the end-to-end CLI tests (tests/*_cli.cmake), included with
#   include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)
# They read DPCCTL (the binary), and RUN_BEFORE / RUN_AFTER when set: words put
# before and after the arguments of every run() (a subcommand, --state-dir DIR).

# run(CODE ARGS...): runs dpcctl with ARGS; fails the test unless it exits with
# CODE; sets `out` and `err` in the caller to what it printed.
function(run expected_code)
  execute_process(COMMAND ${DPCCTL} ${RUN_BEFORE} ${ARGN} ${RUN_AFTER}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL expected_code)
    string(JOIN " " args ${RUN_BEFORE} ${ARGN} ${RUN_AFTER})
    message(FATAL_ERROR "dpcctl ${args}: exit ${code}, expected ${expected_code}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# expect_in(TEXT PART): fails the test unless PART occurs in TEXT.
function(expect_in text part)
  string(FIND "${text}" "${part}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to find:\n${part}\nin:\n${text}")
  endif()
endfunction()

# expect_match(TEXT REGEX): fails the test unless TEXT matches REGEX.
function(expect_match text regex)
  if(NOT "${text}" MATCHES "${regex}")
    message(FATAL_ERROR "expected to match:\n${regex}\nin:\n${text}")
  endif()
endfunction()

# expect_not_in(TEXT PART): fails the test if PART occurs in TEXT.
function(expect_not_in text part)
  string(FIND "${text}" "${part}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "did not expect:\n${part}\nin:\n${text}")
  endif()
endfunction()

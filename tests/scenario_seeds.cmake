# `dpcctl scenario run --seeds` at the top of the range: the last seed
# 2^63-1 runs once (the loop used to wrap around and never end), and a seed
# above it is refused with exit 2 (strtoll used to clamp it silently).
# Run as: cmake -D DPCCTL=<dpcctl> -P tests/scenario_seeds.cmake from the source tree.

execute_process(COMMAND ${DPCCTL} scenario run scenarios/leader-crash-failover.json
                        --seeds 9223372036854775806..9223372036854775807
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "--seeds ending at 2^63-1: exit ${code}\n${out}${err}")
endif()
string(FIND "${out}" "(2 seeds)" at)
if(at EQUAL -1)
  message(FATAL_ERROR "--seeds ending at 2^63-1 did not run exactly 2 seeds:\n${out}")
endif()

foreach(range 9223372036854775807..9223372036854775808 1..99999999999999999999)
  execute_process(COMMAND ${DPCCTL} scenario run scenarios/leader-crash-failover.json --seeds ${range}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  if(NOT code EQUAL 2)
    message(FATAL_ERROR "--seeds ${range}: exit ${code}, expected 2\n${out}${err}")
  endif()
  string(FIND "${err}" "option --seeds takes a whole number up to 9223372036854775807" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "--seeds ${range}: unexpected message:\n${err}")
  endif()
endforeach()

# `dpcctl scenario run` interrupted by Ctrl-C (SIGINT): it starts no new run,
# prints the results of the runs that ended (a scenario without one as NOT
# RUN) and exits 130. Before, Ctrl-C lost every result of a long sweep.
# The signal is sent once dpcctl has said it is running (no sleep decides it).
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<dir> -P tests/scenario_interrupt.cmake
file(MAKE_DIRECTORY ${WORKDIR})
set(script [=[
out="$1/out.txt"; err="$1/err.txt"
rm -f "$out" "$err"  # an earlier run's "runs of" line must not trigger the signal
"$0" scenario run scenarios/leader-crash-failover.json scenarios/correct-shutdown-order.json \
  --seeds 1..500000 --jobs 2 >"$out" 2>"$err" &
pid=$!
i=0
until grep -q ' runs of ' "$err" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -lt 600 ] || { kill -KILL "$pid"; echo "never started"; exit 99; }
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
echo "rc=$?"
]=])
execute_process(COMMAND sh -c "${script}" ${DPCCTL} ${WORKDIR}
                RESULT_VARIABLE code OUTPUT_VARIABLE rc TIMEOUT 240)
file(READ ${WORKDIR}/out.txt out)
file(READ ${WORKDIR}/err.txt err)
if(NOT rc MATCHES "rc=130")
  message(FATAL_ERROR "expected exit 130 after SIGINT, got: ${rc}\n${out}${err}")
endif()
foreach(part "interrupted by SIGINT after" "the results above are those of the runs that ended")
  string(FIND "${err}" "${part}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "stderr lacks '${part}':\n${err}")
  endif()
endforeach()
string(FIND "${out}" "NOT RUN scenarios/correct-shutdown-order.json (interrupted)" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the scenario that never ran is not listed:\n${out}")
endif()
string(REGEX MATCH "[0-9]+ passed, 0 failed" summary "${out}")
if(summary STREQUAL "")
  message(FATAL_ERROR "no summary of the runs that ended:\n${out}")
endif()

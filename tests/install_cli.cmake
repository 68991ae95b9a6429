# DM's installation on the hosts as a DBA drives it, each command a separate
# dpcctl process. On the simulator (--sim-dm makes a host without DM, or with
# another build): install FILE puts DM only where it is missing and says what
# each host holds; deploy is then healthy; destroy --uninstall removes only the
# DM home dpcctl installed; mixed builds are refused naming hosts and builds
# (--allow-mixed deploys); a deploy without a package fails naming the host and
# the missing tool, and --resume --dm-package (DM's installer) finishes it.
# On the real backend with the stand-in tools on this machine (when they are
# built): install from the stand-in DMInstall.bin and from a DM home
# directory, then destroy --uninstall.
# Run as: cmake -D DPCCTL=<dpcctl> -D WORKDIR=<scratch> [-D FAKE_DM_HOME=<dir>
#   -D FAKE_INSTALLER=<DMInstall.bin>] -P tests/install_cli.cmake (from the source tree).

set(TOPOS ${CMAKE_CURRENT_LIST_DIR}/../scenarios/topologies)
set(PKG ${TOPOS}/spread-7.2-dm.json)       # names the package /srv/dm/dm8.tar
set(HOME_ONLY ${TOPOS}/spread-7.2-dm-home.json)  # names /opt/dmdbms, no package
file(REMOVE_RECURSE ${WORKDIR})
file(MAKE_DIRECTORY ${WORKDIR})
set(ENV{DM_SYSDBA_PWD} "Dpc_install_test1")

include(${CMAKE_CURRENT_LIST_DIR}/cli_test_lib.cmake)

# dpc(CODE STATE ARGS...): run() with the state directory WORKDIR/STATE.
function(dpc expected_code state)
  set(RUN_AFTER --state-dir ${WORKDIR}/${state})
  run(${expected_code} ${ARGN})
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# ---- The simulator ---------------------------------------------------------
# install FILE as the first command: DM goes only to the host without it.
dpc(0 a install ${PKG} --sim-dm 10.213.0.13=none)
expect_in("${out}" "done     install-dm:10.213.0.13")
expect_in("${out}" "10.213.0.13: build 8.1.3.100-sim in /opt/dmdbms (installed by dpcctl)")
expect_in("${out}" "10.213.0.11: build 8.1.3.100-sim in /opt/dmdbms\n")
file(READ ${WORKDIR}/a/sim-history.txt history)
expect_in("${history}" "dm 10.213.0.13=none\n")
expect_in("${history}" "ok ctl install\n")
# The setup is fixed by the first command.
dpc(2 a deploy ${PKG} --sim-dm 10.213.0.12=none)
expect_in("${err}" "--sim-dm 10.213.0.13=none")
dpc(0 a deploy ${PKG})
expect_in("${out}" "healthy: SELECT 1 FROM DUAL succeeded on SP1")
dpc(0 a destroy ${PKG} --yes --uninstall)
expect_in("${out}" "removed DM from /opt/dmdbms on 10.213.0.13 (dpcctl had installed it)")
expect_in("${out}" "left DM in /opt/dmdbms on 10.213.0.11: dpcctl did not install it")
if(EXISTS ${WORKDIR}/a/sim-history.txt)
  message(FATAL_ERROR "destroy left the history behind")
endif()

# install without any package: refused before anything is created.
dpc(2 b install ${HOME_ONLY})
expect_in("${err}" "no host names a DM package to install from")
if(EXISTS ${WORKDIR}/b)
  message(FATAL_ERROR "a refused install created its state directory")
endif()
dpc(2 b deploy ${PKG} --uninstall)
expect_in("${err}" "--uninstall is for destroy")

# Mixed builds: refused naming hosts and builds, nothing run; --allow-mixed deploys.
dpc(1 c deploy ${HOME_ONLY} --sim-dm 10.213.0.12=8.1.2.128)
expect_in("${err}" "mixed DM builds: 10.213.0.12 8.1.2.128; 10.213.0.11, 10.213.0.13 8.1.3.100-sim")
expect_in("${err}" "or pass --allow-mixed")
expect_not_in("${out}" "init:MP")
dpc(0 c deploy ${HOME_ONLY} --allow-mixed)
expect_in("${out}" "warning: mixed DM builds: 10.213.0.12 8.1.2.128")
expect_in("${out}" "healthy: SELECT 1 FROM DUAL succeeded on SP1")

# No package: dminit on the host without DM fails naming the host and the tool;
# resuming with DM's installer as the package finishes the deploy.
dpc(1 d deploy ${HOME_ONLY} --sim-dm 10.213.0.13=none)
expect_in("${err}" "cannot run /opt/dmdbms/bin/dminit on host 10.213.0.13: No such file or directory")
dpc(0 d deploy ${HOME_ONLY} --resume --dm-package /srv/dm/DMInstall.bin)
expect_in("${out}" "done     install-dm:10.213.0.13")
expect_in("${out}" "healthy: SELECT 1 FROM DUAL succeeded on SP1")
dpc(0 d status ${HOME_ONLY})  # the history replays the install from the same package
expect_in("${out}" "healthy: SELECT 1 FROM DUAL succeeded on SP1")
# The history as a scenario keeps the DM setup (sim.dm) and the package, and passes.
dpc(0 d scenario record ${HOME_ONLY} --out ${WORKDIR}/recorded.json)
file(READ ${WORKDIR}/recorded.json recorded)
expect_in("${recorded}" "\"dm\": \"10.213.0.13=none\"")
expect_in("${recorded}" "ctl deploy --resume --dm-package /srv/dm/DMInstall.bin")
execute_process(COMMAND ${DPCCTL} scenario run ${WORKDIR}/recorded.json
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "the recorded scenario: exit ${code}\n${out}${err}")
endif()

# The runbook carries the silent install: dpcctl plan --format sh --dm-package DMInstall.bin.
execute_process(COMMAND ${DPCCTL} plan ${HOME_ONLY} --format sh --dm-package /srv/dm/DMInstall.bin
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "dpcctl plan --format sh --dm-package: exit ${code}\n${err}")
endif()
expect_in("${out}" "install_dm 10.213.0.13 /srv/dm/DMInstall.bin /opt/dmdbms\n")
expect_in("${out}" "'$3.dpc-install/DMInstall.bin' -q '$3.dpc-install/auto_install.xml'")
expect_in("${out}" "<INSTALL_PATH>$1</INSTALL_PATH>")
expect_in("${out}" "<INIT_DB>N</INIT_DB>")

# ---- The real backend, stand-in tools on this machine ----------------------
if(NOT FAKE_INSTALLER OR NOT EXISTS "${FAKE_INSTALLER}")
  message(STATUS "the stand-in DMInstall.bin is not built; the real-backend part is skipped")
  return()
endif()
set(LOCAL ${TOPOS}/local-7.1.json)
set(DM ${WORKDIR}/dm)
dpc(0 r install ${LOCAL} --backend=real --dm-home ${DM} --dm-package ${FAKE_INSTALLER})
expect_in("${out}" "done     install-dm:127.0.0.1")
file(READ ${WORKDIR}/r/logs/install-127.0.0.1.log log)
expect_in("${log}" "installed build DM Database Server 64 V8 stand-in-1 into ${DM} on 127.0.0.1 with DMInstall.bin -q")
file(READ ${DM}/.dpcctl-installed marker)
expect_in("${marker}" "package=${FAKE_INSTALLER}")
# Again, from the DM home directory of the same build: left alone.
dpc(0 r install ${LOCAL} --backend=real --dm-home ${DM} --dm-package ${FAKE_DM_HOME})
file(READ ${WORKDIR}/r/logs/install-127.0.0.1.log log)
expect_in("${log}" "already holds build DM Database Server 64 V8 stand-in-1; left alone")
dpc(0 r destroy ${LOCAL} --backend=real --dm-home ${DM} --yes --uninstall)
expect_in("${out}" "removed DM from ${DM} on 127.0.0.1 (dpcctl had installed it)")
if(EXISTS ${DM})
  message(FATAL_ERROR "destroy --uninstall left ${DM}")
endif()

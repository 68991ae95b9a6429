// The console's entry point: routes #/monitor, #/sim and #/wizard to their
// pages and starts the event stream.
'use strict';
(async () => {
  const pages = ['monitor', 'sim', 'wizard', 'trace'];
  function route() {
    const name = (location.hash.match(/^#\/(\w+)/) || [])[1] || 'monitor';
    for (const p of pages) {
      document.getElementById('page-' + p).hidden = p !== name;
      document.getElementById('nav-' + p).classList.toggle('active', p === name);
    }
    if (name === 'wizard' && typeof Wizard !== 'undefined' && Wizard.show) Wizard.show();
  }
  window.addEventListener('hashchange', route);
  route();
  const info = await Api.get('/api/info');
  if (info.ok && !info.data.has_topology) {
    document.getElementById('cluster-name').textContent = `no topology yet (${info.data.backend})`;
    location.hash = '#/wizard';
  }
  Sim.start();
  TraceViewer.start();
  if (typeof Wizard !== 'undefined' && Wizard.start) {
    Wizard.start();
    if (info.ok && info.data.has_topology) Wizard.loadServed();  // the wizard opens on the served topology
  }
  if (info.ok && info.data.has_topology && info.data.backend === 'sim') {
    Monitor.start();
    Api.stream();
  } else if (info.ok && info.data.has_topology) {
    // DM's real binaries: the status queries of `dpcctl status`, every few seconds; no simulator.
    for (const id of ['clock', 'nav-sim', 'deploy-btn', 'stop-btn']) document.getElementById(id).hidden = true;
    Monitor.start(5000);
  }
})();

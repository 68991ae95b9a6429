// A measurement, not a test (nothing is asserted on time): the console on a
// generated cluster of 300 BP RAFT groups of 3 (902 instances, an 8 712-step
// plan). Deploys it from the API as fast as possible, opens the monitor,
// kills one leader, and prints how long the status answer, a monitor redraw
// and the failover's appearance on the page took, and how big the page got.
//   node tests/browser/scale.measure.js DPCCTL SOURCE_DIR OUT_DIR [GROUPS]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { run, waitFor } = require('./lib');

const groups = Number(process.argv[5] || 300);
const out = process.argv[4] || '/tmp';
fs.mkdirSync(out, { recursive: true });
const topo = path.join(out, `gen-${groups}.json`);
fs.writeFileSync(topo, JSON.stringify({
  cluster: `gen-${groups}`, defaults: { host: '127.0.0.1', base_dir: `/tmp/dpcctl/gen-${groups}` },
  mp: { instances: [{ name: 'MP' }] }, sp: [{ name: 'SP1' }],
  bp_rafts: Array.from({ length: groups }, (_, g) => ({ name: `RAFT_${g + 1}`, replicas: 3 })),
}));

run('scale', () => [topo, '--backend=sim'], async ({ page, url, shot }) => {
  const api = (p, body) => fetch(url.replace(/\/(\?.*)?$/, '') + p, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
  await api('/api/clock', { action: 'speed', speed: 0 });
  let t = Date.now();
  await api('/api/deploy', {});
  await waitFor('the deployment done', async () => !(await api('/api/status')).clock.deploying, 900000);
  console.log(`deploy of ${groups} groups: ${((Date.now() - t) / 1000).toFixed(1)} s real time`);
  t = Date.now();
  const st = await api('/api/status');
  console.log(`GET /api/status: ${Date.now() - t} ms, ${JSON.stringify(st).length} bytes, ${st.instances.length} instances`);
  await page.goto(url + '#/monitor');
  await waitFor('the monitor drawn', () => page.$(`#groups-RAFT_${groups}`), 60000);
  const render = await page.evaluate(async () => { const a = performance.now(); await Monitor.refresh(); await new Promise((r) => setTimeout(r, 600)); return performance.now() - a - 600; });
  console.log(`a monitor refresh (fetch + redraw): about ${Math.max(0, render).toFixed(0)} ms; DOM nodes: ${await page.evaluate(() => document.getElementsByTagName('*').length)}`);
  await api('/api/clock', { action: 'speed', speed: 1000 });
  t = Date.now();
  await api('/api/command', { line: `kill ${st.groups.find((g) => g.name === 'RAFT_1').leader}` });
  await waitFor('the new leader on the page', () => page.$eval('#groups-RAFT_1', (g) => g.dataset.leader && g.dataset.leader !== 'BP11'), 60000);
  console.log(`kill to new leader shown: ${((Date.now() - t) / 1000).toFixed(1)} s real time (the election takes ~2 s of virtual time at real-time speed)`);
  await shot('monitor-300-groups');
});

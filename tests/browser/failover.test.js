// Browser test: deploy local-7.2 on the simulator from the monitor and see
// every plan step reach done; kill BP11 from the simulator page and see
// RAFT_1's new leader and the election on the timeline; save that as a
// scenario and replay it with `dpcctl scenario run`; partition two members
// and heal from the page.
'use strict';
const path = require('node:path');
const { run, waitFor, dpcctlRun } = require('./lib');

run('failover', (dir) => ['scenarios/topologies/local-7.2.json', '--backend=sim', '--scenario-dir', dir],
  async ({ page, url, dir, dpcctl, sourceDir, shot }) => {
    await page.goto(url + '#/monitor');
    await waitFor('the instance table', () => page.$('#inst-BP11'));
    await shot('monitor-before-deploy');

    await page.click('#steps-box summary');
    await page.click('#deploy-btn');
    await waitFor('a plan step running', () => page.$('#steps-live li[data-state=running], #steps-live li[data-state=done]'));
    await shot('monitor-deploying');
    const steps = await waitFor('every plan step done', async () => {
      const states = await page.$$eval('#steps-live li', (lis) => lis.map((li) => li.dataset.state));
      return states.length > 0 && states.every((s) => s === 'done') && states;
    }, 60000);
    console.log(`deploy: ${steps.length} steps done`);
    await waitFor('RAFT_1 led by BP11', () =>
      page.$eval('#groups-RAFT_1', (g) => g.dataset.leader === 'BP11'));
    await waitFor('the cluster healthy', () => page.$eval('#health', (h) => h.classList.contains('ok')));
    await shot('monitor-deployed');

    await page.goto(url + '#/sim');
    await waitFor('the fault form', () => page.$eval('#f-instance', (s) => s.options.length > 0));
    await page.select('#f-instance', 'BP11');
    await page.hover('[data-fault=kill]');
    const preview = await page.$eval('#f-preview', (p) => p.textContent);
    if (!preview.includes('$ kill BP11')) throw new Error('the kill button does not show its shell line: ' + preview);
    await page.click('[data-fault=kill]');
    const leader = await waitFor('RAFT_1 led by another member', () =>
      page.$eval('#sim-groups-RAFT_1', (g) => g.dataset.leader && g.dataset.leader !== 'BP11' && g.dataset.leader), 30000);
    console.log('RAFT_1 new leader:', leader);
    if (leader !== 'BP12') throw new Error(`RAFT_1's new leader is ${leader}, expected BP12 (vote interval 2000 ms)`);
    await waitFor('the kill in the shell log', () => page.$eval('#shell-log', (l) => l.textContent.includes('$ kill BP11')));
    await shot('simulator-after-kill');

    await page.goto(url + '#/monitor');
    await waitFor('the election on the timeline', () =>
      page.$('#timeline li[data-kind="raft.leader"][data-instance="BP12"]'));
    await waitFor('the crash on the timeline', () =>
      page.$('#timeline li[data-kind="server.crash"][data-instance="BP11"]'));
    await waitFor('the monitor showing BP12 as leader', () =>
      page.$eval('#groups-RAFT_1', (g) => g.dataset.leader === 'BP12'));
    await waitFor('the cluster healthy again', () => page.$eval('#health', (h) => h.classList.contains('ok')));
    await shot('monitor-after-failover');

    await page.goto(url + '#/sim');
    await page.$eval('#scn-name', (i) => { i.value = 'kill-bp11-from-console'; });
    await page.click('#scn-save');
    const saved = await waitFor('the scenario written', () =>
      page.$eval('#scn-result', (r) => r.textContent.startsWith('written') && r.textContent));
    console.log(saved);
    const file = path.join(dir, 'kill-bp11-from-console.json');
    const replay = dpcctlRun(dpcctl, ['scenario', 'run', file], sourceDir);
    console.log(replay.output.trim());
    if (replay.status !== 0) throw new Error(`dpcctl scenario run ${file} failed (${replay.status})`);
    if (!replay.output.includes('PASS')) throw new Error('the replay did not pass');

    // Partition and heal from the page: each is its shell line, and the lines are listed.
    await page.select('#f-a', 'BP12');
    await page.select('#f-b', 'BP13');
    await page.click('[data-fault=partition]');
    await waitFor('the partition in the shell log', () =>
      page.$eval('#shell-log', (l) => l.textContent.includes('$ partition BP12 BP13')));
    await page.click('[data-fault=heal-all]');
    await waitFor('the heal in the shell log', () => page.$eval('#shell-log', (l) => /\$ heal\n/.test(l.textContent)));
    const faults = await page.$$eval('#timeline li[data-kind^="fault"]', (lis) => lis.map((li) => li.textContent));
    console.log('faults on the timeline:', faults.length);
  });

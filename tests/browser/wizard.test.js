// Browser test: fill the deploy wizard, page by page, with the manual's §7.2
// values (表7.2) and check that the topology it writes describes the same
// cluster as scenarios/topologies/manual-7.2.json (compared as the server's
// core loads them, defaults applied); then deploy it from the execute page
// on the simulator and see every plan step reach done.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert');
const { run, waitFor } = require('./lib');

const HOST = '223.254.30.136';
const BASE = 'd:\\dpc_data_mac';
// name, role, raft, port_num, ap_port_num, mp_port, path, description, self id, vote interval, register_status
const INSTANCES = [
  ['MP', 'MP', 'MP_RAFT', 5237, 6001, 9000, BASE + '\\mp', 'MP instance', 0, 0, ''],
  ['SP1', 'SP', 'RAFT_SP1', 5236, 6000, '', BASE + '\\sp1', 'SP instance', 0, 0, 2],
  ['BP11', 'BP', 'RAFT_1', 5238, 6002, '', BASE + '\\bp11', 'BP instance', 1, 1500, ''],
  ['BP12', 'BP', 'RAFT_1', 5239, 6003, '', BASE + '\\bp12', 'BP instance', 2, 2000, ''],
  ['BP13', 'BP', 'RAFT_1', 5240, 6004, '', BASE + '\\bp13', 'BP instance', 3, 2500, ''],
  ['BP21', 'BP', 'RAFT_2', 5241, 6005, '', BASE + '\\bp21', 'BP instance', 1, 1500, ''],
  ['BP22', 'BP', 'RAFT_2', 5242, 6006, '', BASE + '\\bp22', 'BP instance', 2, 2000, ''],
  ['BP23', 'BP', 'RAFT_2', 5243, 6007, '', BASE + '\\bp23', 'BP instance', 3, 2500, ''],
];
const FIELDS = ['name', 'role', 'raft', 'port_num', 'ap_port_num', 'mp_port', 'path', 'description',
                'raft_self_id', 'raft_vote_interval', 'register_status'];

run('wizard', () => ['--backend=sim'], async ({ page, url, sourceDir, shot }) => {
  /// Types a value into a field as a user would (select all, type over it).
  async function fill(id, value) {
    await page.click('#' + id, { clickCount: 3 });
    await page.keyboard.press('Backspace');
    if (String(value) !== '') await page.type('#' + id, String(value));
  }
  const next = async () => { await page.click('#wiz-next'); };

  await page.goto(url);
  await waitFor('the wizard (no topology served yet)', () => page.$eval('#page-wizard', (p) => !p.hidden));
  await page.click('#wiz-new');

  // 1. Hosts
  await fill('w-cluster', 'manual-7.2');
  await fill('w-password_env', 'DM_SYSDBA_PWD');
  await fill('w-host-0-address', HOST);
  await page.select('#w-host-0-os', 'windows');
  await fill('w-host-0-base_dir', BASE);
  await fill('w-host-0-dm_home', 'C:\\dmdbms');
  await shot('wizard-1-hosts');
  await next();

  // 2. Instance planning
  for (const [, role] of INSTANCES) await page.click('#w-add-' + role);
  for (let k = 0; k < INSTANCES.length; ++k) {
    for (let f = 0; f < FIELDS.length; ++f) {
      const id = `w-i-${k}-${FIELDS[f]}`;
      if (FIELDS[f] === 'role') continue;  // set by the Add button
      await fill(id, INSTANCES[k][f]);
    }
  }
  await waitFor('the page validating the instances', () => page.$eval('#wiz-status', (s) => s.textContent.length > 0));
  // A port collision is shown at its field, in validate's words.
  await fill('w-i-3-port_num', 5238);
  await waitFor('the collision at BP12\'s port field', () =>
    page.$eval('#w-i-3-port_num', (e) => e.classList.contains('field-error')), 10000);
  const diag = await page.$eval('#wiz-diags', (d) => d.textContent);
  assert.match(diag, /bp_rafts\[0\]\.members\[1\]\.port_num/);
  await shot('wizard-2-instances-with-collision');
  await fill('w-i-3-port_num', 5239);
  await waitFor('the collision gone', () =>
    page.$eval('#w-i-3-port_num', (e) => !e.classList.contains('field-error')), 10000);
  await shot('wizard-2-instances');
  await next();

  // 3. BP groups
  await page.click('#w-add-group');
  await fill('w-g-0-name', 'BG_1');
  await fill('w-g-0-description', 'bp group1');
  await fill('w-g-0-rafts', 'RAFT_1, RAFT_2');
  await shot('wizard-3-bp-groups');
  await next();

  // 4. Region, data centre, fault domains
  await fill('w-region', 'shanghai');
  const domains = [['FDOM_1', 'shanghai_1', 'MP, BP11, BP21'], ['FDOM_2', 'shanghai_2', 'BP12, BP22'],
                   ['FDOM_3', 'shanghai_3', 'BP13, BP23']];
  for (let k = 0; k < domains.length; ++k) {
    await page.click('#w-add-domain');
    await fill(`w-d-${k}-name`, domains[k][0]);
    await fill(`w-d-${k}-description`, domains[k][1]);
    await fill(`w-d-${k}-instances`, domains[k][2]);
  }
  await shot('wizard-4-fault-domains');
  await next();

  // 5-7. Initialisation parameters, dm.ini, dmarch.ini: the manual's values are the defaults.
  await waitFor('the dminit lines', () => page.$eval('#w-init-preview', (p) => p.textContent.includes('dminit')));
  await shot('wizard-5-init-parameters');
  await next();
  await waitFor('the dm.ini keys', () => page.$eval('#w-dmini-preview', (p) => p.textContent.includes('ARCH_INI')));
  await shot('wizard-6-dm-ini');
  await next();
  assert.strictEqual(await page.$eval('#w-arch-arch_file_size', (e) => e.value), '128');
  await waitFor('the dmarch.ini files', () => page.$eval('#w-arch-preview', (p) => p.textContent.includes('RAFT_VOTE_INTERVAL')));
  await shot('wizard-7-dmarch-ini');
  await next();

  // 8. Overview: the topology the wizard wrote, compared with the manual's file.
  await waitFor('the plan text', () => page.$eval('#ov-text', (p) => p.textContent.includes('dminit')));
  await waitFor('the plan graph', () => page.$eval('#ov-graph', (g) => g.querySelectorAll('rect').length > 50));
  await shot('wizard-8-overview');
  const written = await page.$eval('#ov-topology', (p) => p.textContent);
  const manual = fs.readFileSync(path.join(sourceDir, 'scenarios/topologies/manual-7.2.json'), 'utf8');
  const load = async (text) => {
    const res = await fetch(url.replace(/\/(\?.*)?$/, '') + '/api/validate?normalized=1', { method: 'POST', body: text });
    return res.json();
  };
  const a = await load(written), b = await load(manual);
  assert.ok(a.valid, 'the wizard\'s topology is invalid: ' + JSON.stringify(a.diagnostics));
  assert.ok(b.valid);
  assert.deepStrictEqual(a.topology, b.topology);
  console.log('the wizard wrote the manual\'s §7.2 cluster:', a.instances, 'instances,', a.raft_groups, 'RAFT groups');
  await next();

  // 9. Execute on the simulator.
  await page.click('#ex-deploy');
  const states = await waitFor('every plan step done', async () => {
    const s = await page.$$eval('#ex-steps li', (lis) => lis.map((li) => li.dataset.state));
    return s.length > 0 && s.every((x) => x === 'done') && s;
  }, 90000);
  console.log(`execute: ${states.length} steps done`);
  await shot('wizard-9-execute');
});

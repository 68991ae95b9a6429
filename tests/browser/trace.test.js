// Browser test: open a failed scenario run's Chrome trace and its --json
// report in the trace viewer; the lanes are drawn and the failing step is
// marked with its path and reason.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { run, waitFor, dpcctlRun } = require('./lib');

run('trace', () => ['scenarios/topologies/local-7.2.json', '--backend=sim'], async ({ page, url, dir, dpcctl, sourceDir, shot }) => {
  // A scenario whose last expectation is wrong: BP12, not BP13, takes over.
  const scenario = path.join(dir, 'wrong-leader.json');
  const text = fs.readFileSync(path.join(sourceDir, 'scenarios/leader-crash-failover.json'), 'utf8')
    .replace('"topologies/local-7.2.json"', JSON.stringify(path.join(sourceDir, 'scenarios/topologies/local-7.2.json')))
    .replace('{ "expect": { "group": "RAFT_1", "leader": "BP12", "valid_members": 3 } }',
             '{ "expect": { "group": "RAFT_1", "leader": "BP13" } }');
  fs.writeFileSync(scenario, text);
  const traces = path.join(dir, 'traces');
  const r = dpcctlRun(dpcctl, ['scenario', 'run', scenario, '--trace', traces, '--json'], sourceDir);
  if (r.status !== 1) throw new Error('the broken scenario should fail (exit 1), got ' + r.status + '\n' + r.output);
  const report = path.join(dir, 'report.json');
  fs.writeFileSync(report, r.output.slice(r.output.indexOf('{'), r.output.lastIndexOf('}') + 1));
  const traceFile = path.join(traces, fs.readdirSync(traces)[0]);

  await page.goto(url + '#/trace');
  await (await page.$('#tr-file')).uploadFile(traceFile);
  await waitFor('the lanes drawn', () => page.$$eval('#tr-chart rect.seg', (r) => r.length > 10));
  await (await page.$('#tr-report')).uploadFile(report);
  await waitFor('the failing step marked', () => page.$('#tr-failure'));
  const why = await page.$eval('#tr-failure-text', (e) => e.textContent);
  if (!why.includes('steps[') || !why.includes('BP13')) throw new Error('the failure mark does not name the step: ' + why);
  await shot('trace-viewer');
});

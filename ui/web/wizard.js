// The deploy wizard, in DEM's order (manual §7.4): hosts; instance planning;
// BP groups and domains; region / data centre / fault domains; initialisation
// parameters; dm.ini; dmarch.ini; overview; execute. The page only collects
// values: it builds a topology file (docs/topology.md) and the server's core
// validates it on every change, with the same JSON paths, messages and fixes
// as `dpcctl validate --json`; each message is shown at its field.
'use strict';
const Wizard = (() => {
  const $ = (id) => document.getElementById(id);
  const STEPS = ['Hosts', 'Instances', 'BP groups', 'Fault domains', 'Init parameters', 'dm.ini', 'dmarch.ini',
                 'Overview', 'Execute'];
  let current = 0;
  let validateTimer = null;
  let lastDiags = [];
  let fieldOfPath = {};   // JSON path of the topology -> input id
  const model = {
    cluster: 'new-cluster', password_env: 'DM_SYSDBA_PWD', auto_overwrite: '',
    hosts: [{ address: '127.0.0.1', os: 'linux', base_dir: '/tmp/dpcctl/new-cluster', dm_home: '' }],
    instances: [],
    bp_groups: [], fault_domains: [], region: '', data_centre: '',
    archive: { dir_name: 'arch', arch_file_size: 128, arch_space_limit: 0, backup_name: 'BACKUP_01' },
    timing: { raft_hb_interval: 150, xmal_hb_interval: 5 },
  };
  const INST_FIELDS = ['name', 'role', 'raft', 'host', 'port_num', 'ap_port_num', 'mp_port', 'path', 'description',
                       'raft_self_id', 'raft_vote_interval', 'register_status'];

  const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const num = (v) => (v === '' || v === undefined || v === null ? undefined : Number(v));

  // ---- The topology file the wizard writes ---------------------------------
  function joinPath(host, name) {
    const h = model.hosts.find((x) => x.address === host) || model.hosts[0];
    const sep = h.os === 'windows' ? '\\' : '/';
    return h.base_dir.replace(/[\\/]+$/, '') + sep + name.toLowerCase();
  }

  function toTopology() {
    fieldOfPath = {};
    const h0 = model.hosts[0] || {};
    const topo = { cluster: model.cluster,
      defaults: { os: h0.os, base_dir: h0.base_dir, sysdba_password: { env: model.password_env } },
      raft_timing: { raft_hb_interval: num(model.timing.raft_hb_interval), xmal_hb_interval: num(model.timing.xmal_hb_interval) },
      archive: { dir_name: model.archive.dir_name, arch_file_size: num(model.archive.arch_file_size),
                 arch_space_limit: num(model.archive.arch_space_limit), backup_name: model.archive.backup_name },
      mp: { instances: [] }, sp: [], bp_rafts: [], bp_groups: [], fault_domains: [] };
    if (h0.dm_home) topo.defaults.dm_home = h0.dm_home;
    if (model.auto_overwrite !== '') topo.defaults.auto_overwrite = num(model.auto_overwrite);
    fieldOfPath['cluster'] = 'w-cluster';
    fieldOfPath['defaults.base_dir'] = 'w-host-0-base_dir';
    fieldOfPath['defaults.sysdba_password'] = 'w-password_env';
    model.instances.forEach((i, k) => {
      const o = { name: i.name, host: i.host, port_num: num(i.port_num), ap_port_num: num(i.ap_port_num), path: i.path };
      if (i.description) o.description = i.description;
      let base;
      if (i.role === 'MP') {
        o.mp_port = num(i.mp_port);
        if (num(i.raft_self_id)) { o.raft_self_id = num(i.raft_self_id); o.raft_vote_interval = num(i.raft_vote_interval); }
        base = `mp.instances[${topo.mp.instances.length}]`;
        topo.mp.instances.push(o);
      } else if (i.role === 'SP') {
        const sp = { raft: i.raft, ...o };
        if (i.register_status !== '' && i.register_status !== undefined) sp.register_status = num(i.register_status);
        base = `sp[${topo.sp.length}]`;
        topo.sp.push(sp);
      } else {
        let g = topo.bp_rafts.findIndex((r) => r.name === i.raft);
        if (g < 0) { topo.bp_rafts.push({ name: i.raft, members: [] }); g = topo.bp_rafts.length - 1; }
        o.raft_self_id = num(i.raft_self_id);
        o.raft_vote_interval = num(i.raft_vote_interval);
        base = `bp_rafts[${g}].members[${topo.bp_rafts[g].members.length}]`;
        fieldOfPath[`bp_rafts[${g}]`] = `w-i-${k}-raft`;
        topo.bp_rafts[g].members.push(o);
      }
      fieldOfPath[base] = `w-i-${k}-name`;
      for (const f of INST_FIELDS) fieldOfPath[`${base}.${f}`] = `w-i-${k}-${f}`;
    });
    model.bp_groups.forEach((g, k) => {
      topo.bp_groups.push({ name: g.name, description: g.description, rafts: splitList(g.rafts) });
      for (const f of ['name', 'description', 'rafts']) fieldOfPath[`bp_groups[${k}].${f}`] = `w-g-${k}-${f}`;
      fieldOfPath[`bp_groups[${k}]`] = `w-g-${k}-name`;
    });
    model.fault_domains.forEach((d, k) => {
      topo.fault_domains.push({ name: d.name, description: d.description, instances: splitList(d.instances) });
      for (const f of ['name', 'description', 'instances']) fieldOfPath[`fault_domains[${k}].${f}`] = `w-d-${k}-${f}`;
      fieldOfPath[`fault_domains[${k}]`] = `w-d-${k}-name`;
    });
    return topo;
  }
  const splitList = (s) => String(s || '').split(/[\s,]+/).filter(Boolean);
  const topologyText = () => JSON.stringify(toTopology(), null, 2) + '\n';

  // ---- Loading a topology into the wizard (the served one, or a file) --------
  function fromTopologyJson(t) {
    // t: the server's normalized topology (ui/server/topology_json.cc).
    model.cluster = t.cluster;
    model.password_env = t.sysdba_password.env || 'DM_SYSDBA_PWD';
    model.auto_overwrite = t.auto_overwrite === null ? '' : String(t.auto_overwrite);
    const hosts = [...new Set(t.instances.map((i) => i.host))];
    model.hosts = hosts.map((a) => {
      const first = t.instances.find((i) => i.host === a);
      const cut = Math.max(first.path.lastIndexOf('/'), first.path.lastIndexOf('\\'));
      return { address: a, os: first.os, base_dir: first.path.slice(0, cut), dm_home: t.dm_home };
    });
    model.instances = t.instances.map((i) => ({ name: i.name, role: i.role, raft: i.raft, host: i.host,
      port_num: i.port_num, ap_port_num: i.ap_port_num, mp_port: i.mp_port || '', path: i.path,
      description: i.description, raft_self_id: i.raft_self_id, raft_vote_interval: i.raft_vote_interval,
      register_status: i.register_status === null ? '' : i.register_status }));
    model.bp_groups = t.bp_groups.map((g) => ({ name: g.name, description: g.description, rafts: g.rafts.join(', ') }));
    model.fault_domains = t.fault_domains.map((d) => ({ name: d.name, description: d.description, instances: d.instances.join(', ') }));
    model.archive = { ...t.archive };
    model.timing = { ...t.raft_timing };
  }

  // ---- Forms -----------------------------------------------------------------
  function input(id, value, attrs = '') {
    return `<input id="${id}" value="${esc(value === undefined ? '' : value)}" ${attrs}>`;
  }
  function row(label, html) { return `<label for="">${esc(label)}</label><div>${html}</div>`; }

  function addInstance(role) {
    const n = model.instances.filter((i) => i.role === role).length + 1;
    const host = model.hosts[0].address;
    const used = model.instances.filter((i) => i.host === host);
    const next = (f, from) => { let p = from; while (used.some((i) => Number(i[f]) === p)) ++p; return p; };
    const name = role === 'MP' ? (n === 1 ? 'MP' : 'MP' + n) : role === 'SP' ? 'SP' + n : 'BP' + n;
    const inst = { name, role, host, port_num: next('port_num', 5236), ap_port_num: next('ap_port_num', 6000),
      mp_port: role === 'MP' ? next('mp_port', 9000) : '', path: joinPath(host, name),
      description: role + ' instance', raft: role === 'MP' ? 'MP_RAFT' : role === 'SP' ? 'RAFT_' + name : 'RAFT_1',
      raft_self_id: role === 'BP' ? 1 : 0, raft_vote_interval: role === 'BP' ? 1500 : 0, register_status: '' };
    model.instances.push(inst);
  }

  const pages = [
    () => `<h2>1. Hosts</h2><div class="form-grid">
      ${row('cluster name', input('w-cluster', model.cluster))}
      ${row('SYSDBA password from env var', input('w-password_env', model.password_env) + ' <span class="muted small">the password itself never enters the console</span>')}
      </div><table class="grid wiz-table" id="w-hosts"><thead><tr><th>address</th><th>os</th><th>base dir</th><th>DM home</th><th></th></tr></thead><tbody>
      ${model.hosts.map((h, k) => `<tr><td>${input(`w-host-${k}-address`, h.address)}</td>
        <td><select id="w-host-${k}-os"><option ${h.os === 'linux' ? 'selected' : ''}>linux</option><option ${h.os === 'windows' ? 'selected' : ''}>windows</option></select></td>
        <td>${input(`w-host-${k}-base_dir`, h.base_dir)}</td><td>${input(`w-host-${k}-dm_home`, h.dm_home)}</td>
        <td>${k ? `<button data-del-host="${k}">remove</button>` : ''}</td></tr>`).join('')}
      </tbody></table><button id="w-add-host">Add host</button>`,
    () => `<h2>2. Instance planning</h2><p class="muted small">Roles, ports and paths; a collision the core finds is shown at its field.</p>
      <table class="grid wiz-table" id="w-instances"><thead><tr>${INST_FIELDS.map((f) => `<th>${f.replace(/_/g, ' ')}</th>`).join('')}<th></th></tr></thead><tbody>
      ${model.instances.map((i, k) => `<tr>${INST_FIELDS.map((f) => `<td>${f === 'role'
        ? `<select id="w-i-${k}-role">${['MP', 'SP', 'BP'].map((r) => `<option ${i.role === r ? 'selected' : ''}>${r}</option>`).join('')}</select>`
        : f === 'host' ? `<select id="w-i-${k}-host">${model.hosts.map((h) => `<option ${i.host === h.address ? 'selected' : ''}>${esc(h.address)}</option>`).join('')}</select>`
        : input(`w-i-${k}-${f}`, i[f])}</td>`).join('')}<td><button data-del-inst="${k}">remove</button></td></tr>`).join('')}
      </tbody></table>
      <button id="w-add-MP">Add MP</button> <button id="w-add-SP">Add SP</button> <button id="w-add-BP">Add BP</button>`,
    () => `<h2>3. BP groups and BP domains</h2><p class="muted small">A BP group holds BP RAFT groups (SP_CREATE_DPC_BP_GROUP, SP_BP_GROUP_ADD_RAFT).</p>
      <table class="grid wiz-table"><thead><tr><th>name</th><th>description</th><th>RAFT groups (comma separated)</th><th></th></tr></thead><tbody>
      ${model.bp_groups.map((g, k) => `<tr><td>${input(`w-g-${k}-name`, g.name)}</td><td>${input(`w-g-${k}-description`, g.description)}</td>
        <td>${input(`w-g-${k}-rafts`, g.rafts)}</td><td><button data-del-group="${k}">remove</button></td></tr>`).join('')}
      </tbody></table><button id="w-add-group">Add BP group</button>
      <p class="muted small">BP RAFT groups planned: ${esc([...new Set(model.instances.filter((i) => i.role === 'BP').map((i) => i.raft))].join(', ') || 'none')}</p>`,
    () => `<h2>4. Region, data centre and fault domains</h2><div class="form-grid">
      ${row('region', input('w-region', model.region) + ' <span class="muted small">for your records; DMDPC registers fault domains only</span>')}
      ${row('data centre', input('w-data_centre', model.data_centre))}</div>
      <table class="grid wiz-table"><thead><tr><th>fault domain</th><th>description</th><th>instances (MP and BP, comma separated)</th><th></th></tr></thead><tbody>
      ${model.fault_domains.map((d, k) => `<tr><td>${input(`w-d-${k}-name`, d.name)}</td><td>${input(`w-d-${k}-description`, d.description)}</td>
        <td>${input(`w-d-${k}-instances`, d.instances)}</td><td><button data-del-domain="${k}">remove</button></td></tr>`).join('')}
      </tbody></table><button id="w-add-domain">Add fault domain</button>`,
    () => `<h2>5. Initialisation parameters</h2><div class="form-grid">
      ${row('AUTO_OVERWRITE (empty = leave off)', input('w-auto_overwrite', model.auto_overwrite))}
      </div><p class="muted small">Each instance's dminit line as the plan will run it (SYSDBA_PWD is supplied out of band):</p>
      <pre class="plan" id="w-init-preview">…</pre>`,
    () => `<h2>6. dm.ini</h2><p class="muted small">dminit writes dm.ini; the plan then sets these keys in it (manual §7.2.7):</p>
      <pre class="plan" id="w-dmini-preview">…</pre>`,
    () => `<h2>7. dmarch.ini</h2><div class="form-grid">
      ${row('ARCH_DEST directory name', input('w-arch-dir_name', model.archive.dir_name))}
      ${row('ARCH_FILE_SIZE (MB)', input('w-arch-arch_file_size', model.archive.arch_file_size))}
      ${row('ARCH_SPACE_LIMIT (MB, 0 = none)', input('w-arch-arch_space_limit', model.archive.arch_space_limit))}
      ${row('seed backup name', input('w-arch-backup_name', model.archive.backup_name))}
      ${row('RAFT_HB_INTERVAL (ms)', input('w-timing-raft_hb_interval', model.timing.raft_hb_interval))}
      ${row('XMAL_HB_INTERVAL (s)', input('w-timing-xmal_hb_interval', model.timing.xmal_hb_interval))}
      </div><pre class="plan" id="w-arch-preview">…</pre>`,
    () => Overview.html(),
    () => Overview.executeHtml(),
  ];

  // ---- Reading the form back into the model ---------------------------------
  function readForm() {
    const v = (id) => { const e = $(id); return e ? e.value : undefined; };
    const set = (obj, key, id) => { const x = v(id); if (x !== undefined) obj[key] = x; };
    set(model, 'cluster', 'w-cluster');
    set(model, 'password_env', 'w-password_env');
    set(model, 'auto_overwrite', 'w-auto_overwrite');
    set(model, 'region', 'w-region');
    set(model, 'data_centre', 'w-data_centre');
    model.hosts.forEach((h, k) => { for (const f of ['address', 'os', 'base_dir', 'dm_home']) set(h, f, `w-host-${k}-${f}`); });
    model.instances.forEach((i, k) => { for (const f of INST_FIELDS) set(i, f, `w-i-${k}-${f}`); });
    model.bp_groups.forEach((g, k) => { for (const f of ['name', 'description', 'rafts']) set(g, f, `w-g-${k}-${f}`); });
    model.fault_domains.forEach((d, k) => { for (const f of ['name', 'description', 'instances']) set(d, f, `w-d-${k}-${f}`); });
    for (const f of Object.keys(model.archive)) set(model.archive, f, `w-arch-${f}`);
    for (const f of Object.keys(model.timing)) set(model.timing, f, `w-timing-${f}`);
  }

  function render() {
    $('wiz-steps').innerHTML = STEPS.map((s, k) => `<li data-step="${k}" class="${k === current ? 'current' : ''}">${k + 1}. ${s}</li>`).join('');
    $('wiz-body').innerHTML = pages[current]();
    $('wiz-prev').disabled = current === 0;
    $('wiz-next').disabled = current === STEPS.length - 1;
    showDiagnostics();
    if (current >= 4) Overview.fill(current);
  }

  function rerender() { readForm(); render(); scheduleValidate(); }

  // ---- Validation by the server's core ----------------------------------------
  function scheduleValidate() {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(validate, 250);
  }
  async function validate() {
    readForm();
    const r = await Api.postText('/api/validate?name=' + encodeURIComponent(model.cluster + '.json'), topologyText());
    if (!r.ok) return;
    lastDiags = r.data.diagnostics || [];
    $('wiz-status').textContent = r.data.valid
      ? `valid: ${r.data.instances} instances, ${r.data.raft_groups} RAFT groups` + (r.data.warnings ? `, ${r.data.warnings} warnings` : '')
      : `invalid: ${r.data.errors} errors`;
    $('wiz-status').dataset.valid = String(r.data.valid);
    showDiagnostics();
  }
  function fieldFor(path) {
    let p = path;
    while (p) {
      if (fieldOfPath[p]) return fieldOfPath[p];
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut > 0 ? p.slice(0, cut) : '';
    }
    return null;
  }
  function showDiagnostics() {
    for (const e of document.querySelectorAll('.field-error')) e.classList.remove('field-error');
    for (const e of document.querySelectorAll('.field-msg')) e.remove();
    $('wiz-diags').innerHTML = lastDiags.map((d) => `<div class="diag ${d.severity}" data-path="${esc(d.path)}">${d.severity}: <b>${esc(d.path || '(file)')}</b>: ${esc(d.message)}${d.hint ? ` <span class="muted">— fix: ${esc(d.hint)}</span>` : ''}</div>`).join('');
    for (const d of lastDiags) {
      const id = fieldFor(d.path);
      const el = id && $(id);
      if (!el) continue;
      el.classList.add('field-error');
      const msg = document.createElement('div');
      msg.className = 'field-msg';
      msg.textContent = d.message;
      el.after(msg);
    }
  }

  function start() {
    $('wiz-prev').onclick = () => { readForm(); current = Math.max(0, current - 1); render(); };
    $('wiz-next').onclick = () => { readForm(); current = Math.min(STEPS.length - 1, current + 1); render(); scheduleValidate(); };
    $('wiz-steps').onclick = (e) => { const k = e.target.dataset.step; if (k !== undefined) { readForm(); current = Number(k); render(); } };
    $('wiz-body').addEventListener('input', scheduleValidate);
    $('wiz-body').addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') rerender(); });
    $('wiz-body').addEventListener('click', (e) => {
      const t = e.target, d = t.dataset;
      const drop = (list, k) => { readForm(); list.splice(Number(k), 1); render(); scheduleValidate(); };
      if (t.id === 'w-add-host') { readForm(); model.hosts.push({ address: '', os: model.hosts[0].os, base_dir: model.hosts[0].base_dir, dm_home: model.hosts[0].dm_home }); rerender(); }
      else if (t.id && t.id.startsWith('w-add-') && ['MP', 'SP', 'BP'].includes(t.id.slice(6))) { readForm(); addInstance(t.id.slice(6)); render(); scheduleValidate(); }
      else if (t.id === 'w-add-group') { readForm(); model.bp_groups.push({ name: 'BG_' + (model.bp_groups.length + 1), description: '', rafts: '' }); rerender(); }
      else if (t.id === 'w-add-domain') { readForm(); model.fault_domains.push({ name: 'FDOM_' + (model.fault_domains.length + 1), description: '', instances: '' }); rerender(); }
      else if (d.delHost) drop(model.hosts, d.delHost);
      else if (d.delInst) drop(model.instances, d.delInst);
      else if (d.delGroup) drop(model.bp_groups, d.delGroup);
      else if (d.delDomain) drop(model.fault_domains, d.delDomain);
      else Overview.click(e);
    });
    $('wiz-load').onclick = loadServed;
    $('wiz-new').onclick = () => { model.instances = []; model.bp_groups = []; model.fault_domains = []; current = 0; render(); scheduleValidate(); };
    $('wiz-file').onchange = async (e) => {
      const text = await e.target.files[0].text();
      const r = await Api.postText('/api/validate?normalized=1', text);
      if (r.ok && r.data.topology) { fromTopologyJson(r.data.topology); current = 0; render(); scheduleValidate(); }
    };
    render();
  }
  async function loadServed() {
    const r = await Api.get('/api/topology');
    if (r.ok) { fromTopologyJson(r.data.topology); current = 0; render(); scheduleValidate(); }
  }
  let shown = false;
  function show() { if (!shown) { shown = true; scheduleValidate(); } }
  function update(state) { if (current === STEPS.length - 1) Overview.updateExecute(state); }

  return { start, show, update, loadServed, topologyText, readForm, model: () => model, valid: () => !lastDiags.some((d) => d.severity === 'error') };
})();

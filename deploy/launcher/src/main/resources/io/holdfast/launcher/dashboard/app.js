/* holdfast dashboard: polls /api/overview every second and renders it.
 * Plain ES2020, no dependencies. Every value from the server is escaped with esc()
 * before it goes into HTML; every field may be missing or null. */
(function () {
  'use strict';

  const POLL_MS = 1000;
  const FETCH_TIMEOUT_MS = 8000;
  const AUDIT_SHORT = 5;
  const AUDIT_LONG = 20;
  const SPARK_SLOTS = 120;

  window.holdfastLastOverview = null;
  window.holdfastUpdates = 0;

  // ---------------------------------------------------------------- helpers

  const ESC_MAP = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

  /** Escapes any value for use in HTML text or a quoted attribute. null/undefined become ''. */
  function esc(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') {
      try { v = JSON.stringify(v); } catch (e) { v = String(v); }
    }
    return String(v).replace(/[&<>"'`]/g, (c) => ESC_MAP[c]);
  }

  /** esc() plus line-break opportunities after _ / : . (for identifiers in narrow columns). */
  function escBreak(v) { return esc(v).replace(/([_/:.])/g, '$1<wbr>'); }

  function $(id) { return document.getElementById(id); }
  function arr(x) { return Array.isArray(x) ? x : []; }
  function obj(x) { return x !== null && typeof x === 'object' && !Array.isArray(x) ? x : null; }
  function isNum(x) { return typeof x === 'number' && Number.isFinite(x); }
  function str(x) { return x === null || x === undefined ? '' : String(x); }

  function pad2(n) { return n < 10 ? '0' + n : String(n); }

  /** Local HH:MM:SS of an ISO timestamp (or a Date); '' for null, the raw text if unparseable. */
  function hms(t) {
    if (t === null || t === undefined || t === '') return '';
    const d = t instanceof Date ? t : new Date(t);
    if (Number.isNaN(d.getTime())) return String(t);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }

  /** <time> cell: HH:MM:SS visible, full timestamp as a tooltip. */
  function timeHtml(t) {
    if (t === null || t === undefined || t === '') return '<span class="muted">—</span>';
    return '<time class="mono" title="' + esc(t) + '">' + esc(hms(t)) + '</time>';
  }

  function fmtNum(v, digits) {
    if (v === null || v === undefined) return '—';
    if (!isNum(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return v.toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 2 : digits });
  }

  function fmtMs(v) {
    if (!isNum(v)) return '—';
    if (v >= 100) return v.toFixed(0) + ' ms';
    if (v >= 10) return v.toFixed(1) + ' ms';
    return v.toFixed(2) + ' ms';
  }

  function fmtVal(v) {
    if (v === null || v === undefined) return '<span class="muted">—</span>';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (isNum(v)) return esc(fmtNum(v));
    if (typeof v === 'object') return '<span class="mono">' + esc(JSON.stringify(v)) + '</span>';
    return esc(v);
  }

  /** Turns an arbitrary string into a safe CSS class suffix. */
  function cls(v) { return str(v).toLowerCase().replace(/[^a-z0-9_-]/g, '_') || 'none'; }

  const KNOWN_HEALTH = ['healthy', 'suspect', 'degraded', 'stalled', 'unknown', 'recovering'];
  function healthCls(h) {
    const c = cls(h);
    return KNOWN_HEALTH.includes(c) ? 'h-' + c : 'h-other';
  }

  function sevCls(s) {
    const c = cls(s);
    if (c === 'critical' || c === 'error' || c === 'fatal') return 'sev-critical';
    if (c === 'warning' || c === 'warn' || c === 'major') return 'sev-warning';
    if (c === 'info' || c === 'notice' || c === 'minor') return 'sev-info';
    return 'sev-other';
  }

  function resultCls(r) {
    if (r === null || r === undefined) return 'res-pending';
    const c = cls(r);
    if (/succe|^ok|done|applied|complete/.test(c)) return 'res-ok';
    if (/fail|error|reject|timeout|timed_out|abort/.test(c)) return 'res-bad';
    return 'res-other';
  }

  /** Sets innerHTML only when the markup actually changed (keeps selection, scroll, focus). */
  const lastHtml = new Map();
  function setHtml(el, html) {
    if (!el) return;
    if (lastHtml.get(el) === html) return;
    lastHtml.set(el, html);
    el.innerHTML = html;
  }

  function table(headers, rows, emptyText) {
    if (!rows.length) return '<div class="muted empty">' + esc(emptyText || 'none') + '</div>';
    let h = '<table class="grid"><thead><tr>';
    for (const hd of headers) h += '<th>' + esc(hd) + '</th>';
    h += '</tr></thead><tbody>';
    for (const r of rows) h += r;
    return h + '</tbody></table>';
  }

  function kvList(o, skip) {
    const keys = Object.keys(o).filter((k) => !(skip && skip.includes(k)));
    if (!keys.length) return '<span class="muted">—</span>';
    return '<dl class="kv">' + keys.map((k) =>
      '<div><dt>' + esc(k.replace(/_/g, ' ')) + '</dt><dd>' + fmtVal(o[k]) + '</dd></div>').join('') + '</dl>';
  }

  // ---------------------------------------------------------------- header

  function renderHeader(d) {
    const modeEl = $('mode');
    const mode = str(d.mode);
    if (modeEl.textContent !== (mode || '—')) modeEl.textContent = mode || '—';

    const fleet = obj(d.fleet) || {};
    const ks = str(fleet.keyspace);
    const ksEl = $('keyspace');
    if (ksEl.textContent !== ks) ksEl.textContent = ks;
    ksEl.hidden = !ks;

    const auto = obj(d.automation) || {};
    const stEl = $('automation-state');
    const state = auto.state === null || auto.state === undefined ? '' : String(auto.state);
    if (stEl.textContent !== state) stEl.textContent = state;
    stEl.className = 'badge auto auto-' + (state ? cls(state) : 'unknown');
    stEl.title = state ? 'automation ' + state : 'automation state not reported';

    const comps = arr(d.components);
    setHtml($('components'), comps.map((c) => {
      c = obj(c) || {};
      const up = c.running === true;
      return '<li class="' + (up ? 'up' : 'down') + '" title="' + esc(c.detail) + '">' +
        '<span class="dot"></span><span class="cname">' + esc(c.name) + '</span>' +
        (c.detail ? '<span class="cdetail mono">' + esc(c.detail) + '</span>' : '') +
        (up ? '' : '<span class="cstate">stopped</span>') + '</li>';
    }).join(''));
  }

  // ---------------------------------------------------------------- controls

  function renderInstructions(d) {
    const auto = obj(d.automation) || {};
    const rows = arr(auto.instructions).map((i) => {
      i = obj(i) || {};
      const inForce = i.in_force === true;
      return '<tr class="' + (inForce ? '' : 'stale') + '">' +
        '<td class="mono">' + esc(i.scope) + (i.app ? '<span class="sub">app ' + esc(i.app) + '</span>' : '') + '</td>' +
        '<td><span class="badge act act-' + cls(i.action) + '">' + esc(i.action) + '</span></td>' +
        '<td>' + esc(i.operator) + '</td>' +
        '<td class="wrap">' + esc(i.reason) + '</td>' +
        '<td>' + timeHtml(i.issued_time) + '</td>' +
        '<td>' + (i.expires_time ? timeHtml(i.expires_time) : '<span class="muted">never</span>') + '</td>' +
        '<td>' + (inForce ? '<span class="yes">yes</span>' : '<span class="muted">no</span>') + '</td></tr>';
    });
    setHtml($('instructions'),
      table(['scope', 'action', 'operator', 'reason', 'issued', 'expires', 'in force'], rows, 'no instructions'));
  }

  let lastShardOptions = null;
  function syncShardSelect(d) {
    const fleet = obj(d.fleet) || {};
    const names = arr(fleet.shards).map((s) => (obj(s) ? s.shard : null))
      .filter((n) => n !== null && n !== undefined && n !== '').map(String);
    names.sort((a, b) => a.localeCompare(b));
    const sel = $('control-shard');
    const current = sel.value;
    if (current && !names.includes(current)) names.push(current); // never drop the user's choice
    const key = JSON.stringify(names);
    if (key === lastShardOptions) return;
    lastShardOptions = key;
    let html = '<option value="">all shards (global)</option>';
    for (const n of names) html += '<option value="' + esc(n) + '">' + esc(n) + '</option>';
    sel.innerHTML = html;
    sel.value = current;
    if (sel.value !== current) sel.value = '';
  }

  const ACTION_BUTTONS = ['btn-pause', 'btn-resume', 'btn-dry-run-on', 'btn-dry-run-off'];

  function operatorToken() {
    const meta = document.querySelector('meta[name="holdfast-operator-token"]');
    return meta ? meta.content : '';
  }

  async function sendControl(action) {
    const resultEl = $('control-result');
    const reason = $('control-reason').value;
    const shard = $('control-shard').value || null;
    const scope = shard || 'global';
    ACTION_BUTTONS.forEach((id) => { $(id).disabled = true; });
    resultEl.className = 'control-result mono';
    resultEl.textContent = action + ' (' + scope + ') … sending';
    try {
      const resp = await fetch('/api/control', {
        method: 'POST',
        cache: 'no-store',
        // The operator token the dev server put in this page: POST actions need it as a bearer token.
        headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + operatorToken() },
        body: JSON.stringify({ action: action, shard: shard, reason: reason }),
      });
      const text = await resp.text();
      let body = null;
      try { body = JSON.parse(text); } catch (e) { body = null; }
      body = obj(body);
      if (resp.ok) {
        resultEl.className = 'control-result mono ok';
        resultEl.textContent = hms(new Date()) + '  ✓ ' + ((body && body.action) || action) + ' (' + scope + ')' +
          ' accepted, request ' + ((body && body.request_id) || '?') +
          (body && body.key ? ', key ' + body.key : '');
      } else {
        const msg = (body && body.error) || text.trim().slice(0, 300) || resp.statusText;
        resultEl.className = 'control-result mono bad';
        resultEl.textContent = hms(new Date()) + '  ✗ ' + action + ' (' + scope + ') HTTP ' + resp.status + ': ' + msg;
      }
    } catch (e) {
      resultEl.className = 'control-result mono bad';
      resultEl.textContent = hms(new Date()) + '  ✗ ' + action + ' (' + scope + ') failed: ' + (e && e.message ? e.message : e);
    } finally {
      ACTION_BUTTONS.forEach((id) => { $(id).disabled = false; });
    }
  }

  // ---------------------------------------------------------------- volumes

  const VOLUME_ORDER = ['HEALTHY', 'SUSPECT', 'RECOVERING', 'DEGRADED', 'STALLED', 'UNKNOWN'];
  function renderVolumes(d) {
    const fleet = obj(d.fleet) || {};
    const v = obj(fleet.volumes) || {};
    const keys = Object.keys(v).sort((a, b) => {
      const ia = VOLUME_ORDER.indexOf(a), ib = VOLUME_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    let total = 0;
    keys.forEach((k) => { if (isNum(v[k])) total += v[k]; });
    const html = keys.length
      ? keys.map((k) => '<span class="vol ' + healthCls(k) + (v[k] ? '' : ' zero') + '"><b>' + esc(fmtNum(v[k])) +
          '</b> ' + esc(k) + '</span>').join('') + '<span class="vol total"><b>' + esc(fmtNum(total)) + '</b> total</span>'
      : '<span class="muted">no volumes reported</span>';
    setHtml($('volumes'), html);
  }

  // ---------------------------------------------------------------- shards

  /** Inline SVG sparkline, log-ish scale from 0 so a 300 ms spike next to 1 ms stays visible. */
  function sparkline(hist, hcls) {
    const vals = arr(hist).slice(-SPARK_SLOTS).map((v) => (isNum(v) ? Math.max(0, v) : null));
    const present = vals.filter((v) => v !== null);
    const W = 120, H = 26, P = 2;
    if (!present.length) {
      return '<svg class="spark empty" viewBox="0 0 ' + W + ' ' + H + '" preserveAspectRatio="none" aria-hidden="true">' +
        '<line x1="0" y1="' + (H - P) + '" x2="' + W + '" y2="' + (H - P) + '" /></svg>';
    }
    const f = (x) => Math.log10(1 + x);
    let max = 0, min = Infinity;
    for (const x of present) { if (x > max) max = x; if (x < min) min = x; }
    const top = f(Math.max(max, 5)); // never zoom below 5 ms: flat 1 ms noise stays flat
    const n = vals.length;
    const step = (W - 2 * P) / (SPARK_SLOTS - 1);
    const y = (x) => (H - P - (f(x) / top) * (H - 2 * P)).toFixed(1);
    let path = '';
    let pen = false;
    let lastX = 0, lastY = 0;
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v === null) { pen = false; continue; }
      const x = (W - P - (n - 1 - i) * step).toFixed(1);
      const yy = y(v);
      path += (pen ? 'L' : 'M') + x + ' ' + yy + ' ';
      if (!pen && (i + 1 >= n || vals[i + 1] === null)) path += 'l0.01 0 '; // isolated point
      pen = true;
      lastX = x; lastY = yy;
    }
    const title = 'latency p99, last ' + n + ' s: min ' + fmtMs(min) + ', max ' + fmtMs(max) +
      (present.length < n ? ', ' + (n - present.length) + ' missing' : '');
    return '<svg class="spark ' + hcls + '" viewBox="0 0 ' + W + ' ' + H + '" preserveAspectRatio="none" role="img">' +
      '<title>' + esc(title) + '</title>' +
      '<line class="base" x1="0" y1="' + (H - P) + '" x2="' + W + '" y2="' + (H - P) + '" />' +
      '<path d="' + path.trim() + '" />' +
      '<circle cx="' + lastX + '" cy="' + lastY + '" r="1.6" /></svg>';
  }

  function tabletHtml(t) {
    const role = str(t.role);
    const health = str(t.health);
    const hc = healthCls(health);
    const isPrimary = role.toUpperCase() === 'PRIMARY';
    const flags = [];
    if (t.serving === false) flags.push('not serving');
    if (t.reachable === false) flags.push('unreachable');
    const tip = [t.alias, 'cell ' + str(t.cell), 'volume ' + str(t.volume), 'node ' + str(t.node)].concat(flags).join('\n');
    const hist = arr(t.latency_history_ms);
    return '<div class="tablet ' + hc + (isPrimary ? ' primary' : '') + (t.reachable === false ? ' unreachable' : '') + '"' +
      ' data-alias="' + esc(t.alias) + '" data-role="' + esc(role) + '" data-health="' + esc(health) + '"' +
      ' data-volume="' + esc(t.volume) + '" title="' + esc(tip) + '">' +
      '<div class="t-line1"><span class="alias mono">' + esc(t.alias) + '</span></div>' +
      '<div class="t-line2"><span class="role role-' + cls(role) + '">' + esc(role || '?') + '</span>' +
      '<span class="health ' + hc + '">' + esc(health || '—') + '</span></div>' +
      '<div class="t-line3"><span class="p99 mono" title="latency of the last sample (window p99 ' + esc(fmtMs(t.latency_p99_ms)) + ')">' + esc(fmtMs(t.latency_ms != null ? t.latency_ms : t.latency_p99_ms)) + '</span>' +
      (isNum(t.replication_lag_ms) && t.replication_lag_ms > 0
        ? '<span class="lag mono" title="replication lag">lag ' + esc(fmtMs(t.replication_lag_ms)) + '</span>' : '') +
      '<span class="vol-name mono" title="volume ' + esc(t.volume) + '">' + esc(t.volume) + '</span></div>' +
      sparkline(hist, hc) +
      (flags.length ? '<div class="flag">' + esc(flags.join(', ')) + '</div>' : '') +
      '</div>';
  }

  function workflowHtml(w) {
    const tip = Object.keys(w).map((k) => k + ': ' + (w[k] === null ? '—' : str(w[k]))).join('\n');
    const target = w.new_primary ? 'new primary ' + w.new_primary : (w.candidate ? 'candidate ' + w.candidate : '');
    return '<div class="workflow" title="' + esc(tip) + '">' +
      '<span class="wf-kind">' + esc(w.kind || 'WORKFLOW') + '</span>' +
      '<span class="wf-phase">' + esc(w.phase || '?') + '</span>' +
      (w.attempt !== null && w.attempt !== undefined ? '<span>attempt ' + esc(w.attempt) + '</span>' : '') +
      (target ? '<span class="mono">' + esc(target) + '</span>' : '') +
      (w.problem ? '<span class="muted">' + esc(w.problem) + '</span>' : '') +
      (w.started_time ? '<span class="muted">since ' + esc(hms(w.started_time)) + '</span>' : '') +
      '</div>';
  }

  function auditHtml(shardName, audit, expanded) {
    if (!audit.length) return '<div class="audit muted empty">no audit entries</div>';
    const shown = audit.slice(0, expanded ? AUDIT_LONG : AUDIT_SHORT);
    let h = '<table class="audit"><tbody>';
    for (let a of shown) {
      a = obj(a) || {};
      h += '<tr' + (a.dry_run ? ' class="dry"' : '') + '><td class="t">' + timeHtml(a.time) + '</td>' +
        '<td class="dec mono" title="' + esc(str(a.decision) + (a.app ? ' (app ' + a.app + ')' : '')) + '">' + esc(a.decision) + '</td>' +
        '<td class="sum">' + (a.dry_run ? '<span class="badge dry-run" title="dry run: decided but not executed">DRY RUN</span>' : '') +
        esc(a.summary) + (a.command_id ? ' <span class="muted mono">[' + esc(a.command_id) + ']</span>' : '') + '</td></tr>';
    }
    h += '</tbody></table>';
    if (audit.length > AUDIT_SHORT) {
      h += '<button type="button" class="link audit-toggle" data-shard="' + esc(shardName) + '">' +
        (expanded ? 'show fewer' : 'all ' + Math.min(audit.length, AUDIT_LONG)) + '</button>';
    }
    return h;
  }

  function shardInner(s, name, cells, expanded) {
    const tablets = arr(s.tablets).map((t) => obj(t) || {});
    const cols = cells.map((c) => ({ name: c, tablets: [] }));
    const extra = { name: 'other cells', tablets: [] };
    for (const t of tablets) {
      const idx = cells.indexOf(t.cell);
      (idx >= 0 ? cols[idx] : extra).tablets.push(t);
    }
    if (extra.tablets.length || !cols.length) cols.push(extra);
    const w = obj(s.workflow);
    let h = '<header class="shard-head">' +
      '<span class="shard-name mono">' + esc(name) + '</span>' +
      '<span class="shard-primary">primary <b class="mono">' + (s.primary ? esc(s.primary) : '<span class="none">none</span>') + '</b></span>' +
      '<span class="term">term ' + esc(s.primary_term === null || s.primary_term === undefined ? '—' : s.primary_term) + '</span>' +
      '</header>';
    if (w) h += workflowHtml(w);
    h += '<div class="cells" style="grid-template-columns:repeat(' + cols.length + ',minmax(0,1fr))">';
    for (const c of cols) {
      h += '<div class="cell"><div class="cell-name">' + esc(c.name) + '</div>';
      h += c.tablets.length ? c.tablets.map(tabletHtml).join('') : '<div class="muted empty">—</div>';
      h += '</div>';
    }
    h += '</div>';
    h += auditHtml(name, arr(s.audit), expanded);
    return h;
  }

  function needsAttention(s) {
    if (obj(s.workflow)) return true;
    return arr(s.tablets).some((t) => !obj(t) || str(t.health).toUpperCase() !== 'HEALTHY');
  }

  const cards = new Map();          // shard name -> {el, json}
  const expandedAudit = new Set();  // shard names whose audit trail is expanded

  function renderShards(d) {
    const fleet = obj(d.fleet) || {};
    const cells = arr(fleet.cells).map(str);
    const list = arr(fleet.shards).map((s, i) => {
      s = obj(s) || {};
      const name = s.shard === null || s.shard === undefined || s.shard === '' ? '(unnamed #' + i + ')' : String(s.shard);
      return { s, name, attention: needsAttention(s) };
    });
    list.sort((a, b) => (a.attention === b.attention ? 0 : a.attention ? -1 : 1) || a.name.localeCompare(b.name));

    const container = $('shards');
    const seen = new Set();
    for (const item of list) {
      if (seen.has(item.name)) continue; // duplicate names: keep the first
      seen.add(item.name);
      const expanded = expandedAudit.has(item.name);
      const json = JSON.stringify([item.s, cells, expanded]);
      let card = cards.get(item.name);
      if (!card) {
        const el = document.createElement('section');
        el.className = 'shard';
        el.setAttribute('data-shard', item.name);
        card = { el, json: null };
        cards.set(item.name, card);
      }
      if (card.json !== json) {
        card.json = json;
        card.el.setAttribute('data-primary', item.s.primary === null || item.s.primary === undefined ? '' : String(item.s.primary));
        card.el.classList.toggle('attention', item.attention);
        card.el.classList.toggle('in-flight', !!obj(item.s.workflow));
        card.el.innerHTML = shardInner(item.s, item.name, cells, expanded);
      }
      item.el = card.el;
    }
    for (const [name, card] of cards) {
      if (!seen.has(name)) { card.el.remove(); cards.delete(name); }
    }
    // Reorder with minimal DOM moves.
    let ref = container.firstChild;
    for (const name of seen) {
      const el = cards.get(name).el;
      if (el === ref) ref = ref.nextSibling;
      else container.insertBefore(el, ref);
    }
    const attention = list.filter((x) => x.attention).length;
    const countText = seen.size ? seen.size + ' shards' + (attention ? ', ' + attention + ' need attention' : ', all healthy') : '';
    const fc = $('fleet-count');
    if (fc.textContent !== countText) fc.textContent = countText;
    $('shards-empty').hidden = seen.size > 0;
  }

  // ---------------------------------------------------------------- reconciler

  function renderReconciler(d) {
    const r = obj(d.reconciler);
    if (!r) { setHtml($('reconciler'), '<div class="muted empty">reconciler not reporting</div>'); return; }
    let h = '<div class="stats">' +
      '<div class="stat"><span class="n">' + esc(fmtNum(r.entities)) + '</span><span class="l">entities</span></div>' +
      '<div class="stat' + (isNum(r.pending) && r.pending > 0 ? ' warnish' : '') + '"><span class="n">' + esc(fmtNum(r.pending)) +
      '</span><span class="l">pending</span></div>';
    const dec = obj(r.decisions) || {};
    for (const k of Object.keys(dec)) {
      h += '<div class="stat small"><span class="n">' + esc(fmtNum(dec[k])) + '</span><span class="l">' + esc(k.replace(/_/g, ' ')) + '</span></div>';
    }
    h += '</div>';
    const copyRows = arr(r.copy).map((c) => {
      c = obj(c) || {};
      return '<tr><td class="mono">' + esc(c.table) + '</td><td><span class="badge phase">' + esc(c.phase) + '</span></td>' +
        '<td class="num">' + esc(fmtNum(c.rows_copied)) + '</td><td class="mono">' + esc(c.last_copied_key) + '</td>' +
        '<td class="mono">' + esc(c.gtid_position) + '</td><td>' + timeHtml(c.last_event_time) + '</td></tr>';
    });
    h += '<h3>Copy</h3>' + table(['table', 'phase', 'rows', 'last copied key', 'GTID position', 'last event'], copyRows, 'no copy streams');
    const diff = obj(r.diff);
    h += '<h3>Diff pass</h3>' + (diff ? kvList(diff) : '<div class="muted empty">no diff pass</div>');
    if (r.status_line) h += '<div class="status-line mono">' + esc(r.status_line) + '</div>';
    setHtml($('reconciler'), h);
  }

  // ---------------------------------------------------------------- writer / simulator

  function renderWriter(d) {
    const w = obj(d.writer);
    $('writer-panel').hidden = !w;
    if (!w) { setHtml($('writer'), ''); return; }
    let h = '';
    if (w.status_line) h += '<div class="status-line mono">' + esc(w.status_line) + '</div>';
    h += kvList(w, ['status_line']);
    setHtml($('writer'), h);
  }

  function renderSimulator(d) {
    const s = obj(d.simulator);
    if (!s) { setHtml($('simulator'), '<div class="muted empty">no simulator running</div>'); return; }
    let h = s.status_line ? '<div class="status-line mono">' + esc(s.status_line) + '</div>' : '';
    const sb = arr(s.split_brain).map((x) => obj(x) || {});
    if (sb.length) {
      h += '<div class="split-brain bad"><b>split brain: ' + sb.length + ' moment' + (sb.length > 1 ? 's' : '') + '</b><ul>' +
        sb.map((x) => '<li><span class="mono">' + esc(x.shard) + '</span> ' + esc(hms(x.from)) + ' → ' +
          (x.until ? esc(hms(x.until)) : '<b>ongoing</b>') + ' primaries <span class="mono">' +
          esc(arr(x.primaries).join(', ')) + '</span></li>').join('') + '</ul></div>';
    } else {
      h += '<div class="split-brain none">split brain: none</div>';
    }
    const rows = arr(s.ledger).map((l) => {
      l = obj(l) || {};
      const open = l.impact_seconds === null || l.impact_seconds === undefined;
      const yn = (v) => (v === true ? '<span class="yes">yes</span>' : v === false ? '<span class="no">no</span>' : '<span class="muted">—</span>');
      return '<tr' + (open ? ' class="open"' : '') + '><td class="num">' + esc(l.id) + '</td><td class="mono">' + escBreak(l.kind) + '</td>' +
        '<td class="mono">' + escBreak(l.shard) + '</td><td>' + timeHtml(l.onset) + '</td>' +
        '<td class="num">' + (open ? '<span class="badge open">open</span>' : esc(fmtNum(l.impact_seconds, 1)) + ' s') + '</td>' +
        '<td class="num">' + esc(fmtNum(l.reparents)) + '</td><td>' + yn(l.replacement_provisioned) + '</td><td>' +
        yn(l.degraded_volume_retired) + '</td></tr>';
    });
    h += '<h3>Fault ledger</h3>' + table(['#', 'kind', 'shard', 'onset', 'impact', 'reparents', 'replacement', 'retired'], rows, 'no faults injected');
    setHtml($('simulator'), h);
  }

  // ---------------------------------------------------------------- commands / alerts

  function renderCommands(d) {
    const rows = arr(d.commands).map((c) => {
      c = obj(c) || {};
      const pending = c.result === null || c.result === undefined;
      return '<tr><td>' + timeHtml(c.time) + '</td><td class="nw">' + esc(c.kind) + '</td><td class="mono">' + escBreak(c.type) + '</td>' +
        '<td class="mono">' + escBreak(c.target) + '</td><td class="wrap" title="' + esc(c.command_id ? 'command ' + c.command_id : '') + '">' +
        esc(c.detail) + '</td><td><span class="result ' + resultCls(c.result) + '">' + (pending ? '…pending' : esc(c.result)) + '</span></td></tr>';
    });
    setHtml($('commands'), table(['time', 'kind', 'type', 'target', 'detail', 'result'], rows, 'no commands yet'));
  }

  function renderAlerts(d) {
    const rows = arr(d.alerts).map((a) => {
      a = obj(a) || {};
      return '<tr><td>' + timeHtml(a.time) + '</td><td><span class="sev ' + sevCls(a.severity) + '">' + esc(a.severity) + '</span></td>' +
        '<td class="nw">' + esc(a.app) + '</td><td class="mono">' + escBreak(a.code) + '</td><td class="mono">' + escBreak(a.scope) + '</td>' +
        '<td class="wrap">' + esc(a.summary) + '</td></tr>';
    });
    setHtml($('alerts'), table(['time', 'sev', 'app', 'code', 'scope', 'summary'], rows, 'no alerts'));
  }

  // ---------------------------------------------------------------- render + poll

  const SECTIONS = [renderHeader, renderInstructions, syncShardSelect, renderVolumes, renderShards,
    renderReconciler, renderWriter, renderSimulator, renderCommands, renderAlerts];

  function render(d) {
    const errors = [];
    for (const fn of SECTIONS) {
      try { fn(d); } catch (e) {
        errors.push(fn.name + ': ' + (e && e.message ? e.message : e));
        if (window.console) console.error('holdfast dashboard: ' + fn.name, e);
      }
    }
    return errors;
  }

  function showError(msg) {
    const el = $('error');
    if (msg) {
      if (el.textContent !== msg) el.textContent = msg;
      el.hidden = false;
    } else if (!el.hidden) {
      el.hidden = true;
      el.textContent = '';
    }
  }

  let lastSuccess = null;
  let consecutiveFailures = 0;

  async function pollOnce() {
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), FETCH_TIMEOUT_MS) : null;
    try {
      const resp = await fetch('/api/overview', { cache: 'no-store', signal: ctrl ? ctrl.signal : undefined });
      const text = await resp.text();
      if (!resp.ok) {
        let msg = text;
        try { const b = JSON.parse(text); if (obj(b) && b.error) msg = b.error; } catch (e) { /* keep text */ }
        throw new Error('HTTP ' + resp.status + (resp.statusText ? ' ' + resp.statusText : '') +
          (msg ? ': ' + String(msg).trim().slice(0, 300) : ''));
      }
      let data;
      try { data = JSON.parse(text); } catch (e) { throw new Error('invalid JSON: ' + e.message); }
      if (!obj(data)) data = {};
      window.holdfastLastOverview = data;
      const errors = render(data);
      lastSuccess = new Date();
      consecutiveFailures = 0;
      const lu = $('last-update');
      lu.textContent = hms(lastSuccess);
      lu.title = 'server time ' + str(data.time);
      lu.classList.remove('stale');
      showError(errors.length ? 'render error (' + errors.join('; ') + ')' : null);
      window.holdfastUpdates += 1;
    } catch (e) {
      consecutiveFailures += 1;
      const reason = e && e.name === 'AbortError' ? 'timed out after ' + FETCH_TIMEOUT_MS / 1000 + ' s'
        : (e && e.message ? e.message : String(e));
      showError('GET /api/overview failed: ' + reason +
        (consecutiveFailures > 1 ? ' (' + consecutiveFailures + ' failures in a row)' : '') +
        (lastSuccess ? ' — showing data from ' + hms(lastSuccess) : ''));
      $('last-update').classList.add('stale');
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function loop() {
    const started = Date.now();
    await pollOnce();
    const wait = Math.max(0, POLL_MS - (Date.now() - started));
    setTimeout(loop, wait);
  }

  // ---------------------------------------------------------------- wiring

  function init() {
    for (const id of ACTION_BUTTONS) {
      const b = $(id);
      b.addEventListener('click', () => sendControl(b.getAttribute('data-action')));
    }
    $('shards').addEventListener('click', (ev) => {
      const btn = ev.target.closest ? ev.target.closest('.audit-toggle') : null;
      if (!btn) return;
      const name = btn.getAttribute('data-shard');
      if (expandedAudit.has(name)) expandedAudit.delete(name); else expandedAudit.add(name);
      if (window.holdfastLastOverview) {
        try { renderShards(window.holdfastLastOverview); } catch (e) { console.error(e); }
      }
    });
    loop();
  }

  window.holdfastEsc = esc;

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();

// brume dashboard: polls the JSON API once a second, redraws the deployment table and three SVGs. No libraries.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = { random: "var(--random)" };
const errorHistory = [];

function colour(policy, brume) {
  if (policy === brume) return "var(--brume)";
  return COLOURS[policy] || "var(--other)";
}

function el(name, attrs, parent, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
function fmt(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }

function median(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Median over all measured pairs of |estimated − measured| / measured: how well coordinates fit.
function coordinateError(nodes) {
  const rel = [];
  for (const n of nodes) {
    for (const [peer, measured] of Object.entries(n.measured_rtt_ms)) {
      const estimated = n.estimated_rtt_ms[peer];
      if (measured > 0 && estimated !== null && estimated !== undefined) {
        rel.push(Math.abs(estimated - measured) / measured);
      }
    }
  }
  return median(rel);
}

function drawMap(nodes, routing, brume) {
  const svg = document.getElementById("map");
  clear(svg);
  const W = 640, H = 560, pad = 60;
  const xs = nodes.map(n => n.position[0]), ys = nodes.map(n => n.position[1]);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const span = Math.max(maxX - minX, maxY - minY, 1e-9);
  const labelRoom = 80; // node names are written to the right of their node
  const scale = Math.min((W - 2 * pad - labelRoom) / Math.max(maxX - minX, span * 0.3),
                         (H - 2 * pad) / Math.max(maxY - minY, span * 0.3));
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  const at = p => [(W - labelRoom) / 2 + (p[0] - cx) * scale, H / 2 - (p[1] - cy) * scale];
  const host = {};
  const pos = {};
  for (const n of nodes) {
    pos[n.name] = at(n.position);
    for (const r of n.replicas) host[r] = n.name;
  }
  // Scale bar: 50 ms of coordinate space.
  const bar = 50 * scale;
  if (bar > 4 && bar < W) {
    el("line", { x1: 16, y1: H - 16, x2: 16 + bar, y2: H - 16, stroke: "#8b98a5", "stroke-width": 2 }, svg);
    el("text", { x: 16, y: H - 22, class: "axis" }, svg, "50 ms");
  }
  const lines = el("g", { id: "routes" }, svg);
  let routeCount = 0;
  for (const r of routing) {
    const weights = (r.weights || {})[brume] || {};
    for (const [replica, w] of Object.entries(weights)) {
      const target = host[replica];
      if (!target || w < 0.02 || !pos[r.name]) continue;
      const [x1, y1] = pos[r.name], [x2, y2] = pos[target];
      if (r.name === target) continue;
      el("line", { x1, y1, x2, y2, stroke: "var(--brume)", "stroke-width": 0.5 + 4 * w,
                   "stroke-opacity": 0.15 + 0.75 * w, class: "route", "data-weight": w.toFixed(3) }, lines);
      routeCount++;
    }
  }
  lines.setAttribute("data-route-count", routeCount);
  const group = el("g", { id: "nodes" }, svg);
  const labels = placeLabels(nodes, pos);
  for (const n of nodes) {
    const [x, y] = pos[n.name];
    const g = el("g", { class: "node", "data-name": n.name, "data-error": fmt(n.error, 3) }, group);
    // Halo: the node's own error estimate (1.5 = knows nothing yet).
    el("circle", { cx: x, cy: y, r: 7 + 14 * Math.min(n.error || 0, 1.5), fill: "var(--brume)", "fill-opacity": 0.08 }, g);
    if (n.replicas.length) {
      el("rect", { x: x - 8, y: y - 8, width: 16, height: 16, rx: 3, fill: "var(--other)", class: "replica" }, g);
    } else {
      el("circle", { cx: x, cy: y, r: 6, fill: "#e6edf3" }, g);
    }
    const [lx, ly] = labels[n.name];
    el("text", { x: lx, y: ly, class: "label" }, g, n.name);
  }
  svg.setAttribute("data-node-count", nodes.length);
}

// Greedy label placement: right of the node, nudged down past labels already placed nearby.
function placeLabels(nodes, pos) {
  const placed = [];
  const result = {};
  const order = [...nodes].sort((a, b) => pos[a.name][1] - pos[b.name][1]);
  for (const n of order) {
    const [x, y] = pos[n.name];
    const width = 6.5 * n.name.length;
    let ly = y + 4;
    for (let tries = 0; tries < 6; tries++) {
      const clash = placed.some(p => Math.abs(p.y - ly) < 12 && p.x < x + 11 + width && x + 11 < p.x + p.w);
      if (!clash) break;
      ly += 12;
    }
    placed.push({ x: x + 11, y: ly, w: width });
    result[n.name] = [x + 11, ly];
  }
  return result;
}

function drawLatency(stats) {
  const svg = document.getElementById("latency");
  clear(svg);
  const W = 560, H = 250, left = 44, right = 10, top = 10, bottom = 26;
  const policies = Object.entries(stats.policies);
  let maxT = 10, maxY = 10, points = 0;
  for (const [, p] of policies) {
    for (const s of p.series) {
      if (s.mean_latency_ms === null) continue;
      maxT = Math.max(maxT, s.t_s);
      maxY = Math.max(maxY, s.mean_latency_ms);
    }
  }
  maxY = Math.ceil(maxY * 1.1 / 50) * 50;
  const x = t => left + (W - left - right) * t / maxT;
  const y = v => H - bottom - (H - top - bottom) * v / maxY;
  for (let i = 0; i <= 4; i++) {
    const v = maxY * i / 4;
    el("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "gridline" }, svg);
    el("text", { x: left - 6, y: y(v) + 3, "text-anchor": "end", class: "axis" }, svg, Math.round(v));
  }
  el("text", { x: W - right, y: H - 8, "text-anchor": "end", class: "axis" }, svg, Math.round(maxT) + " s");
  el("text", { x: left, y: H - 8, class: "axis" }, svg, "0 s");
  for (const [name, p] of policies) {
    const pts = p.series.filter(s => s.mean_latency_ms !== null).map(s => x(s.t_s) + "," + y(s.mean_latency_ms));
    points += pts.length;
    if (pts.length) {
      el("polyline", { points: pts.join(" "), fill: "none", stroke: colour(name, stats.brume_policy),
                       "stroke-width": 2, class: "series", "data-policy": name, "data-points": pts.length }, svg);
    }
  }
  svg.setAttribute("data-points", points);
}

function drawCards(stats) {
  const box = document.getElementById("policies");
  box.innerHTML = "";
  for (const [name, p] of Object.entries(stats.policies)) {
    const card = document.createElement("div");
    card.className = "card";
    card.dataset.policy = name;
    card.style.borderLeftColor = colour(name, stats.brume_policy);
    card.innerHTML =
      `<div class="name">${name}${name === stats.brume_policy ? " (brume)" : ""}</div>` +
      `<div class="big">${fmt(p.mean_latency_ms, 1)} ms</div>` +
      `<div class="small">p95 ${fmt(p.p95_latency_ms, 1)} ms · ${p.requests} requests · max mean load ${fmt(p.max_mean_load, 2)}</div>`;
    box.appendChild(card);
  }
}

function drawLoad(stats) {
  const svg = document.getElementById("load");
  clear(svg);
  const W = 560, H = 200, left = 34, top = 10, bottom = 34;
  const policies = Object.entries(stats.policies);
  const replicas = [...new Set(policies.flatMap(([, p]) => Object.keys(p.replica_load)))];
  let maxLoad = 1;
  for (const [, p] of policies) for (const v of Object.values(p.replica_load)) maxLoad = Math.max(maxLoad, v || 0);
  const y = v => H - bottom - (H - top - bottom) * v / maxLoad;
  for (const v of [0, 0.5, 1]) {
    el("line", { x1: left, x2: W, y1: y(v), y2: y(v), class: "gridline" }, svg);
    el("text", { x: left - 6, y: y(v) + 3, "text-anchor": "end", class: "axis" }, svg, v.toFixed(1));
  }
  const groupWidth = (W - left) / Math.max(replicas.length, 1);
  const barWidth = Math.min(40, (groupWidth - 16) / Math.max(policies.length, 1));
  let bars = 0;
  replicas.forEach((replica, i) => {
    const gx = left + i * groupWidth + (groupWidth - barWidth * policies.length) / 2;
    policies.forEach(([name, p], k) => {
      const v = p.replica_load[replica] || 0;
      el("rect", { x: gx + k * barWidth, y: y(v), width: barWidth - 3, height: Math.max(0, y(0) - y(v)),
                   fill: colour(name, stats.brume_policy), class: "bar", "data-policy": name,
                   "data-replica": replica, "data-load": v.toFixed(3) }, svg);
      bars++;
    });
    el("text", { x: left + i * groupWidth + groupWidth / 2, y: H - 18, "text-anchor": "middle", class: "axis" }, svg, replica);
  });
  svg.setAttribute("data-bars", bars);
}

function drawSummary(info, nodes, stats) {
  document.getElementById("title").textContent = info.title;
  const err = coordinateError(nodes);
  if (err !== null) errorHistory.push(err);
  const names = Object.keys(stats.policies);
  const brume = stats.policies[stats.brume_policy];
  const random = stats.policies.random;
  let gain = "";
  if (brume && random && brume.mean_latency_ms && random.mean_latency_ms) {
    gain = ` · brume's mean latency is <b>${fmt(100 * (1 - brume.mean_latency_ms / random.mean_latency_ms), 0)}%</b> lower than random's`;
  }
  document.getElementById("summary").innerHTML =
    `${nodes.length} nodes · coordinate error (median relative) <b>${err === null ? "–" : (100 * err).toFixed(1) + "%"}</b>` +
    ` · policies ${names.join(" vs ")}${gain} · up ${fmt(stats.uptime_s, 0)} s` +
    (stats.emulation_lag_ms === null || stats.emulation_lag_ms === undefined ? "" :
      ` · relay lag <b>${fmt(stats.emulation_lag_ms, 1)} ms</b>` +
      (stats.emulation_lag_ms > 5 ? " (busy machine: latencies inflated)" : ""));
  document.getElementById("map-note").textContent =
    `Lines: where each node sends the demo service's requests under ${stats.brume_policy} (thicker = larger share).`;
}

const LANE_COLOURS = { brume: "var(--brume)", docker: "var(--random)" };
function mb(bytes) { return (bytes / 1e6).toFixed(1); }

// Deployment: one card per lane (time until every replica's node has the image), then a row per node.
function drawDeployments(info, deployments) {
  const panel = document.getElementById("deploy-panel");
  panel.hidden = deployments.length === 0;
  if (!deployments.length) return;
  const lanes = [...new Set(deployments.map(d => d.lane))];
  const nodes = [...new Set(deployments.map(d => d.node))];
  const images = [...new Set(deployments.map(d => d.image))];
  document.getElementById("deploy-image").textContent =
    `(${images.join(", ")} to the ${nodes.length} nodes hosting a replica; lanes on identical emulated links)`;
  const box = document.getElementById("lanes");
  box.innerHTML = "";
  for (const lane of lanes) {
    const rows = deployments.filter(d => d.lane === lane);
    const ready = rows.filter(d => d.state === "ready");
    const failed = rows.filter(d => d.state === "failed");
    const peers = rows.reduce((a, d) => a + d.bytes_from_peers, 0);
    const origin = rows.reduce((a, d) => a + d.bytes_from_origin, 0);
    const allReady = ready.length === rows.length ? Math.max(...ready.map(d => d.ready_s)) : null;
    const card = document.createElement("div");
    card.className = "card lane";
    card.dataset.lane = lane;
    card.dataset.ready = ready.length;
    card.style.borderLeftColor = LANE_COLOURS[lane] || "var(--other)";
    card.innerHTML =
      `<div class="name">${lane}</div>` +
      `<div class="big">${allReady === null ? `${ready.length}/${rows.length} ready` : `all ready in ${fmt(allReady, 1)} s`}</div>` +
      `<div class="small">${mb(peers)} MB from peers · ${mb(origin)} MB from the origin` +
      `${failed.length ? ` · <b>${failed.length} failed</b>` : ""}</div>`;
    box.appendChild(card);
  }
  const head = document.getElementById("deploy-head");
  head.innerHTML = "<tr><th>node</th>" + lanes.map(l => `<th>${l}</th>`).join("") + "</tr>";
  const body = document.getElementById("deploy-body");
  body.innerHTML = "";
  let readyCount = 0;
  for (const node of nodes) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${node}</td>`;
    for (const lane of lanes) {
      const d = deployments.find(x => x.node === node && x.lane === lane);
      const td = document.createElement("td");
      if (d) {
        td.className = "deployment";
        td.dataset.node = node;
        td.dataset.lane = lane;
        td.dataset.state = d.state;
        td.dataset.bytesFromPeers = d.bytes_from_peers;
        if (d.state === "ready") readyCount++;
        const total = Math.max(d.bytes_total, 1);
        td.innerHTML =
          `<span class="state state-${d.state}">${d.state}</span> ` +
          `<span class="bytes" title="peers ${mb(d.bytes_from_peers)} MB, origin ${mb(d.bytes_from_origin)} MB">` +
          `<span class="peers" style="width:${90 * d.bytes_from_peers / total}px"></span>` +
          `<span class="origin" style="width:${90 * d.bytes_from_origin / total}px"></span></span>` +
          `${mb(d.bytes_total)} MB${d.ready_s === null ? "" : ` · ${fmt(d.ready_s, 1)} s`}`;
      }
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  const table = document.getElementById("deployments");
  table.dataset.rows = nodes.length * lanes.length;
  table.dataset.ready = readyCount;
  document.getElementById("deploy-note").textContent =
    "Bars: bytes from peers (teal) and from the origin registry (yellow). Replicas run as " +
    (info.replica_runtime || "in-process servers") + "; a replica serves only once its node has the image.";
}

async function getJson(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

async function poll() {
  try {
    const [info, nodes, routing, stats, deployments] = await Promise.all(
      ["/api/info", "/api/nodes", "/api/routing", "/api/stats", "/api/deployments"].map(getJson));
    drawSummary(info, nodes, stats);
    drawDeployments(info, deployments);
    drawMap(nodes, routing, stats.brume_policy);
    drawLatency(stats);
    drawCards(stats);
    drawLoad(stats);
    document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("status").textContent = "cannot reach the API (" + e.message + "); retrying";
  }
}

poll();
setInterval(poll, 1000);

#!/usr/bin/env node
// Moves the user-visible strings of package.json into package.nls.json and
// leaves `%key%` placeholders in their place (VS Code and vsce substitute them;
// translations go into package.nls.<locale>.json with the same keys).
//
//   node scripts/extract-nls.mjs [--check]
//
// Covered: displayName, description, capabilities descriptions, and in
// `contributes`: command titles and categories, view container titles, view
// names and contextual titles, viewsWelcome contents, submenu labels,
// authentication labels, walkthrough titles/descriptions, configuration
// titles and every description / markdownDescription / enumDescriptions /
// (markdown)deprecationMessage of the settings (nested `items`/`properties`
// included).
//
// Idempotent: strings that already are `%key%` are left alone; existing
// entries of package.nls.json are kept (a key whose English text changed in
// package.json is updated). Keys are stable and readable:
// `command.createToken.title`, `config.url.markdownDescription`, ...
// package.json is re-read right before it is written (others edit it with the
// same read-modify-write technique) and written with the same formatting and
// key order.
//
// --check: changes nothing; exits 1 when a literal string would move or a
// `%key%` has no value in package.nls.json.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './lib/util.mjs';

const root = projectRoot();
const PKG = path.join(root, 'package.json');
const NLS = path.join(root, 'package.nls.json');
const PREFIX = 'telegrafController.';
const check = process.argv.includes('--check');

const short = (id) => (id.startsWith(PREFIX) ? id.slice(PREFIX.length) : id);

/** Readable name of a viewsWelcome entry, from its `when` clause. */
function welcomeName(entry, index) {
  const when = entry.when ?? '';
  const m = /telegrafController\.state == (\w+)/.exec(when);
  let name = m ? m[1] : /!telegrafController\.state/.test(when) ? 'needsServer' : `entry${index}`;
  if (/!telegrafController\.sessionEnded/.test(when)) name += '.firstSignIn';
  else if (/telegrafController\.sessionEnded/.test(when)) name += '.sessionEnded';
  return `viewsWelcome.${short(entry.view)}.${name}`;
}

/**
 * Walks package.json and calls `visit(key, holder, prop)` for every
 * user-visible string slot.
 */
function walk(pkg, visit) {
  const slot = (key, holder, prop) => {
    if (holder && typeof holder[prop] === 'string') visit(key, holder, prop);
  };
  slot('displayName', pkg, 'displayName');
  slot('description', pkg, 'description');
  for (const cap of ['untrustedWorkspaces', 'virtualWorkspaces']) {
    slot(`capabilities.${cap}.description`, pkg.capabilities?.[cap], 'description');
  }
  const c = pkg.contributes ?? {};
  for (const cmd of c.commands ?? []) {
    slot(`command.${short(cmd.command)}.title`, cmd, 'title');
    slot(`command.${short(cmd.command)}.shortTitle`, cmd, 'shortTitle');
    // Every command shares the one category (test/unit/packageJson.test.ts).
    slot('command.category', cmd, 'category');
  }
  for (const [where, list] of Object.entries(c.viewsContainers ?? {})) {
    for (const vc of list) slot(`viewsContainer.${where}.${short(vc.id) || vc.id}.title`, vc, 'title');
  }
  for (const list of Object.values(c.views ?? {})) {
    for (const v of list) {
      slot(`view.${short(v.id)}.name`, v, 'name');
      slot(`view.${short(v.id)}.contextualTitle`, v, 'contextualTitle');
    }
  }
  (c.viewsWelcome ?? []).forEach((w, i) => slot(`${welcomeName(w, i)}.contents`, w, 'contents'));
  for (const s of c.submenus ?? []) slot(`submenu.${short(s.id)}.label`, s, 'label');
  for (const a of c.authentication ?? []) slot(`authentication.${a.id}.label`, a, 'label');
  for (const wt of c.walkthroughs ?? []) {
    slot(`walkthrough.${wt.id}.title`, wt, 'title');
    slot(`walkthrough.${wt.id}.description`, wt, 'description');
    for (const step of wt.steps ?? []) {
      slot(`walkthrough.${wt.id}.${step.id}.title`, step, 'title');
      slot(`walkthrough.${wt.id}.${step.id}.description`, step, 'description');
    }
  }
  const configs = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
  configs.forEach((cfg, i) => {
    slot(configs.length > 1 ? `config.title.${i}` : 'config.title', cfg, 'title');
    for (const [id, schema] of Object.entries(cfg.properties ?? {})) schemaSlots(`config.${short(id)}`, schema, slot);
  });
}

/** The string slots of a JSON schema (a setting), recursing into items/properties. */
function schemaSlots(base, schema, slot) {
  if (!schema || typeof schema !== 'object') return;
  for (const p of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'title']) {
    slot(`${base}.${p}`, schema, p);
  }
  for (const p of ['enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels']) {
    const list = schema[p];
    if (!Array.isArray(list)) continue;
    list.forEach((_, i) => {
      const value = Array.isArray(schema.enum) && schema.enum[i] !== undefined ? String(schema.enum[i]) : String(i);
      slot(`${base}.${p}.${value}`, list, i);
    });
  }
  if (schema.items) schemaSlots(`${base}.items`, schema.items, slot);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) schemaSlots(`${base}.${name}`, sub, slot);
}

function loadNls() {
  return existsSync(NLS) ? JSON.parse(readFileSync(NLS, 'utf8')) : {};
}

/** Replaces literals by placeholders in `pkg`, adding their text to `nls`; returns the moved keys. */
function extract(pkg, nls) {
  const moved = [];
  walk(pkg, (key, holder, prop) => {
    const value = holder[prop];
    if (/^%[^%]+%$/.test(value)) return;
    if (moved.includes(key) && nls[key] !== value) {
      throw new Error(`two different strings map to the key ${key}`);
    }
    nls[key] = value;
    holder[prop] = `%${key}%`;
    if (!moved.includes(key)) moved.push(key);
  });
  return moved;
}

/** Every `%key%` placeholder anywhere in package.json. */
function placeholders(pkg) {
  const out = [];
  const visit = (v) => {
    if (typeof v === 'string') {
      const m = /^%([^%]+)%$/.exec(v);
      if (m) out.push(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(pkg);
  return out;
}

const nls = loadNls();
if (check) {
  const pkg = JSON.parse(readFileSync(PKG, 'utf8'));
  const moved = extract(structuredClone(pkg), structuredClone(nls));
  const missing = placeholders(pkg).filter((k) => typeof nls[k] !== 'string');
  for (const k of moved) console.log(`literal string not in package.nls.json: ${k}`);
  for (const k of missing) console.log(`%${k}% has no value in package.nls.json`);
  process.exit(moved.length || missing.length ? 1 : 0);
}

// Quick read-modify-write: re-read package.json right before replacing.
const text = readFileSync(PKG, 'utf8');
const pkg = JSON.parse(text);
const moved = extract(pkg, nls);
if (moved.length) {
  writeFileSync(NLS, JSON.stringify(nls, null, 2) + '\n');
  // Write only if nobody changed the file meanwhile (re-check the text).
  if (readFileSync(PKG, 'utf8') !== text) {
    console.error('package.json changed while extracting; run again');
    process.exit(2);
  }
  writeFileSync(PKG, JSON.stringify(pkg, null, 2) + '\n');
}
console.log(`moved ${moved.length} string(s) to package.nls.json (${Object.keys(nls).length} keys)`);
const missing = placeholders(pkg).filter((k) => typeof nls[k] !== 'string');
if (missing.length) {
  console.error(`placeholders without a value: ${missing.join(', ')}`);
  process.exit(1);
}

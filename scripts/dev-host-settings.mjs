#!/usr/bin/env node
// Writes the user settings of the F5 development host (.vscode/launch.json):
// the controller URL of the emulator that the `dev: emulator` task starts
// (http://127.0.0.1:8888), no trust prompt for the demo workspace, no start page.
// Keeps any other setting the developer added there.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './lib/util.mjs';

const dir = path.join(projectRoot(), '.vscode-test', 'dev-host', 'user-data', 'User');
const file = path.join(dir, 'settings.json');
mkdirSync(dir, { recursive: true });
let current = {};
if (existsSync(file)) {
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.warn(`${file} is not plain JSON; replacing it`);
  }
}
const settings = {
  ...current,
  'telegrafController.url': 'http://127.0.0.1:8888',
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
};
writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
console.log(`dev host settings: ${file}`);

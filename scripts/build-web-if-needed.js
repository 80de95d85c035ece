#!/usr/bin/env node
/**
 * Builds the web console (web/) when its build is missing or older than its sources, so `npm install && npm start`
 * on a fresh clone serves the console too. Installs web/'s own dependencies first when web/node_modules is missing.
 * `--force` rebuilds regardless.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');

/** Newest modification time under these paths (files and folders, recursively). */
function newest(paths) {
  let latest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    latest = Math.max(latest, s.mtimeMs);
    if (s.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  paths.forEach(walk);
  return latest;
}

function run(args) {
  console.log(`> npm ${args.join(' ')}`);
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`web console: npm ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

const sources = ['src', 'public', 'index.html', 'package.json', 'vite.config.ts', 'tsconfig.json'].map((p) => join(web, p));
const stale = !existsSync(built) || newest(sources) > statSync(built).mtimeMs;
if (!process.argv.includes('--force') && !stale) {
  console.log('web console: web/dist is up to date');
  process.exit(0);
}
if (!existsSync(join(web, 'node_modules'))) run(['--prefix', 'web', 'install', '--no-audit', '--no-fund']);
run(['--prefix', 'web', 'run', 'build']);

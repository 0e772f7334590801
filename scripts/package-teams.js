// Builds the Teams app package: a zip of manifest.json and both icons at its root, the file you
// upload in Teams (Apps → Manage your apps → Upload an app) or in the Teams admin center.
// MICROSOFT_APP_ID (the Azure Bot's app id) becomes the app id and the bot id, and PUBLIC_URL's
// host becomes a valid domain, when they are set (from the environment, or a .env file here).
// Run: npm run package:teams [-- --out path/to/fincelo-teams.zip]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createZip } from './teams/zip.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(root, 'manifests/teams');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The environment, with a .env file in the project root filling what is not set. */
function environment() {
  const env = { ...process.env };
  const file = resolve(root, '.env');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m && env[m[1]] === undefined) env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return env;
}

/** manifest.json with the deployment's app id and domain. */
export function buildManifest(template, env) {
  const manifest = structuredClone(template);
  const appId = env.MICROSOFT_APP_ID?.trim();
  if (appId) {
    if (!GUID.test(appId))
      throw new Error(`MICROSOFT_APP_ID must be the Azure Bot's app (client) id, a GUID; got "${appId}".`);
    manifest.id = appId;
    for (const bot of manifest.bots ?? []) bot.botId = appId;
  }
  const publicUrl = env.PUBLIC_URL?.trim();
  if (publicUrl) {
    const host = new URL(publicUrl).host;
    manifest.validDomains = [
      ...new Set([host, ...(manifest.validDomains ?? []).filter((d) => d !== 'fincelo.example.com')]),
    ];
  }
  return manifest;
}

function main() {
  const args = process.argv.slice(2);
  const outArg = args.indexOf('--out');
  const out = resolve(
    outArg >= 0 && args[outArg + 1] ? args[outArg + 1] : resolve(root, 'dist/fincelo-teams.zip'),
  );
  const env = environment();
  const manifest = buildManifest(JSON.parse(readFileSync(resolve(source, 'manifest.json'), 'utf8')), env);
  const zip = createZip([
    { name: 'manifest.json', data: JSON.stringify(manifest, null, 2) },
    { name: manifest.icons.color, data: readFileSync(resolve(source, manifest.icons.color)) },
    { name: manifest.icons.outline, data: readFileSync(resolve(source, manifest.icons.outline)) },
  ]);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(
    `wrote ${out} (app id ${manifest.id}${env.MICROSOFT_APP_ID ? '' : ' — placeholder: set MICROSOFT_APP_ID'})`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

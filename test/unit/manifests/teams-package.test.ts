/**
 * `npm run package:teams` (scripts/package-teams.js) builds the uploadable Teams app package:
 * manifest.json plus both icons at the zip root, with the app id and domain of the deployment.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';

const root = new URL('../../../', import.meta.url).pathname;

/** Reads a zip through its central directory (APPNOTE §4.3.12), checking each entry's CRC. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(dataAt, dataAt + size);
    const data = method === 8 ? inflateRawSync(packed) : packed;
    expect(crc32(data) >>> 0).toBe(crc);
    files.set(name, data);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

/** Width, height and colour type of a PNG, after checking every chunk's CRC and the image data. */
function png(data: Buffer) {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  const idat: Buffer[] = [];
  let header: Buffer | null = null;
  for (;;) {
    const len = data.readUInt32BE(at);
    const type = data.subarray(at + 4, at + 8).toString('ascii');
    const body = data.subarray(at + 8, at + 8 + len);
    expect(crc32(data.subarray(at + 4, at + 8 + len)) >>> 0).toBe(data.readUInt32BE(at + 8 + len));
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') idat.push(body);
    at += 12 + len;
    if (type === 'IEND') break;
  }
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  const pixels = inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + width * 4));
  return { width, height, colorType: header![9], pixels };
}

function build(env: Record<string, string>) {
  const out = join(mkdtempSync(join(tmpdir(), 'teams-pkg-')), 'app.zip');
  execFileSync(process.execPath, ['scripts/package-teams.js', '--out', out], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'pipe',
  });
  return unzip(readFileSync(out));
}

describe('Teams app package', () => {
  it('holds manifest.json and both icons at the root, with the app id and domain from the environment', () => {
    const files = build({
      MICROSOFT_APP_ID: '3f2b6a1c-7d4e-4f80-9a1b-2c3d4e5f6071',
      PUBLIC_URL: 'https://csm.acme.io',
    });
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest.id).toBe('3f2b6a1c-7d4e-4f80-9a1b-2c3d4e5f6071');
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]).toMatchObject({
      botId: '3f2b6a1c-7d4e-4f80-9a1b-2c3d4e5f6071',
      scopes: ['personal', 'team', 'groupChat'],
      supportsFiles: true,
    });
    expect(manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title)).toEqual([
      'help',
      'alerts',
      'customer',
      'settings',
    ]);
    expect(manifest.validDomains).toEqual(['csm.acme.io']);
    expect(manifest.manifestVersion).toBe('1.22');
    for (const k of [
      'manifestVersion',
      'version',
      'id',
      'developer',
      'name',
      'description',
      'icons',
      'accentColor',
    ])
      expect(manifest).toHaveProperty(k);
  });

  it('ships a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const files = build({});
    const color = png(files.get('color.png')!);
    expect([color.width, color.height, color.colorType]).toEqual([192, 192, 6]);
    const outline = png(files.get('outline.png')!);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    // Outline: every pixel is transparent or opaque white.
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const p = outline.pixels.subarray(y * 129 + 1 + x * 4, y * 129 + 5 + x * 4);
        expect(p[3] === 0 || (p[0] === 255 && p[1] === 255 && p[2] === 255 && p[3] === 255)).toBe(true);
      }
  });

  it('refuses an app id that is not a GUID', () => {
    expect(() => build({ MICROSOFT_APP_ID: 'my-bot' })).toThrow();
  });
});

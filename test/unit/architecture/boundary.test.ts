/**
 * The layout promises of docs/architecture.md, read from the code's own imports:
 *   - no import cycle between parts of src/ (a part is a top-level folder or file of src/);
 *   - the engine imports nothing of src/ outside src/engine/;
 *   - a channel (src/bots/<channel>/) imports neither src/jobs/ nor another channel;
 *   - the store, the job runner and the connectors do not reach outward (store → cards, jobs → api …);
 *   - the engine, config and logging name no channel: channels describe themselves (src/bots/registry.ts);
 *   - no SQL outside src/store/;
 *   - no source file over 500 lines.
 * A failure names the offending file and import, so the fix is where the message points.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../src');
const MAX_LINES = 500;

/**
 * The debt still open from the architecture move (issue 14), named file by file. A ratchet: a file
 * not listed here fails the test as soon as it breaks a rule, and a listed file that no longer breaks
 * it fails the test too, until its line is removed — the lists only shrink.
 */
const KNOWN = {
  sqlOutsideStore: [] as string[],
  overLong: [] as string[],
  // Channels describe themselves (src/bots/<channel>/descriptor.ts): the list stays empty.
  namesChannels: [] as string[],
};

/** Fails on a new violation and on a listed one that is gone. */
function ratchet(found: string[], known: string[]): void {
  const fresh = found.filter((f) => !known.includes(f));
  const mended = known.filter((k) => !found.includes(k));
  expect({ fresh, mended }).toEqual({ fresh: [], mended: [] });
}

interface Edge {
  from: string; // file, relative to src/
  to: string; // resolved target, relative to src/
  spec: string;
}

function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

const files = sourceFiles();
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function importsOf(file: string): Edge[] {
  const src = stripComments(fs.readFileSync(file, 'utf8'));
  const re =
    /(?:import|export)\s[^'"`;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^\s*import\s+['"](\.[^'"]+)['"]/gm;
  const out: Edge[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, ''));
    out.push({ from: rel(file), to: rel(target), spec });
  }
  return out;
}

const edges = files.filter((f) => /\.ts$/.test(f)).flatMap(importsOf);

/** A part of src/: its top-level folder, or a top-level file without its extension. */
function partOf(p: string): string {
  const [head, ...rest] = p.split('/');
  return rest.length === 0 ? head!.replace(/\.(ts|js)$/, '') : head!;
}

function channelOf(p: string): string | null {
  const m = /^bots\/([^/]+)\//.exec(p);
  return m ? m[1]! : null;
}

describe('architecture boundaries (docs/architecture.md)', () => {
  it('has no import cycle between parts of src/', () => {
    const graph = new Map<string, Map<string, Edge>>();
    for (const e of edges) {
      const a = partOf(e.from);
      const b = partOf(e.to);
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Map());
      if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, e);
    }
    // Tarjan's strongly connected components: any component of more than one part is a cycle.
    let index = 0;
    const stack: string[] = [];
    const onStack = new Set<string>();
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index);
      index++;
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v)?.keys() ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const c: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          c.push(w);
        } while (w !== v);
        if (c.length > 1) cycles.push(c.sort());
      }
    };
    for (const v of graph.keys()) if (!idx.has(v)) visit(v);
    const explain = cycles.map((c) => {
      const inCycle = new Set(c);
      const links = c.flatMap((a) =>
        [...(graph.get(a)?.entries() ?? [])]
          .filter(([b]) => inCycle.has(b))
          .map(([b, e]) => `  ${a} → ${b} (${e.from} imports ${e.spec})`),
      );
      return `cycle between ${c.join(', ')}:\n${links.join('\n')}`;
    });
    expect(explain).toEqual([]);
  });

  it('imports only parts in the same or an earlier row of docs/architecture.md', () => {
    const doc = fs.readFileSync(path.join(ROOT, '../docs/architecture.md'), 'utf8');
    const rank = new Map<string, number>();
    for (const row of doc.split('\n').filter((l) => /^\| \d+ \| `/.test(l))) {
      const n = Number(/^\| (\d+) \|/.exec(row)![1]);
      const cell = row.split('|')[2]!;
      for (const m of cell.matchAll(/`([^`]+)`/g)) rank.set(m[1]!.split('/')[0]!.replace(/\.ts$/, ''), n);
    }
    const unknown = new Set<string>();
    const bad: string[] = [];
    for (const e of edges) {
      const a = partOf(e.from);
      const b = partOf(e.to);
      if (a === b) continue;
      if (!rank.has(a)) unknown.add(a);
      if (!rank.has(b)) unknown.add(b);
      if (rank.has(a) && rank.has(b) && rank.get(b)! > rank.get(a)!)
        bad.push(`${e.from} imports ${e.spec} (row ${rank.get(a)} may not import row ${rank.get(b)})`);
    }
    expect({ notInTheTable: [...unknown].sort(), bad }).toEqual({ notInTheTable: [], bad: [] });
  });

  it('keeps the engine pure: src/engine imports nothing of src/ outside itself', () => {
    const bad = edges
      .filter((e) => e.from.startsWith('engine/') && !e.to.startsWith('engine/'))
      .map((e) => `${e.from} imports ${e.spec}`);
    expect(bad).toEqual([]);
  });

  it('keeps channels apart: no channel imports src/jobs/ or another channel', () => {
    const bad = edges
      .filter((e) => {
        const ch = channelOf(e.from);
        if (!ch) return false;
        const other = channelOf(e.to);
        return e.to.startsWith('jobs/') || (other !== null && other !== ch);
      })
      .map((e) => `${e.from} imports ${e.spec}`);
    expect(bad).toEqual([]);
  });

  it('keeps inner rooms from reaching outward', () => {
    const forbidden: Record<string, string[]> = {
      store: ['cards', 'api', 'bots', 'chat', 'services', 'connectors', 'jobs', 'cli', 'app', 'features'],
      jobs: ['api', 'bots', 'cli', 'app', 'features'],
      connectors: ['api', 'bots', 'cli', 'app'],
      cards: ['store', 'api', 'bots', 'jobs', 'cli', 'app'],
      channels: ['store', 'api', 'bots', 'jobs', 'cli', 'app', 'chat', 'services', 'connectors'],
    };
    const bad = edges
      .filter((e) => forbidden[partOf(e.from)]?.includes(partOf(e.to)))
      .map((e) => `${e.from} imports ${e.spec}`);
    expect(bad).toEqual([]);
  });

  it('names no channel in the engine, config or logging', () => {
    const literal =
      /['"`](slack|teams|gchat|whatsapp|playground)['"`]|\b(SLACK|TEAMS|MICROSOFT|GCHAT|GOOGLE_CHAT|WHATSAPP)_[A-Z_]+/;
    const bad = files
      .filter((f) => /^(engine\/|config\.ts$|log\.ts$)/.test(rel(f)))
      .filter((f) => literal.test(stripComments(fs.readFileSync(f, 'utf8'))))
      .map(rel);
    ratchet(bad, KNOWN.namesChannels);
  });

  it('keeps SQL in src/store/', () => {
    const sql =
      /\b(SELECT\b[\s\S]{1,300}?\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[a-z_"]+\s+SET\b|DELETE\s+FROM\b)/;
    const bad = files
      .filter((f) => /\.ts$/.test(f) && !rel(f).startsWith('store/'))
      .filter((f) => sql.test(stripComments(fs.readFileSync(f, 'utf8'))))
      .map(rel);
    ratchet(bad, KNOWN.sqlOutsideStore);
  });

  it(`keeps every source file at or under ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ f: rel(f), n: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.n > MAX_LINES + 1) // a trailing newline is not a line
      .map((x) => x.f);
    ratchet(long, KNOWN.overLong);
  });
});

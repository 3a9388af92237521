/**
 * Where a V8 CPU profile (`.cpuprofile`, from `node --cpu-prof` or
 * bench/dashboard-profile.ts) spends its time, as text: the busy time
 * (everything but idle), then the top functions by self time, by total time
 * (self plus what they call, each sample counted once per function), and the
 * top packages and files by self time.
 *
 *   node bench/cpu-profile-summary.ts <file.cpuprofile> [--top 40] [--match text]
 *
 * `--match` keeps the function rows whose name or file contains the text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The file of a frame, relative to the repository or to node_modules, or the runtime's name for it. */
function fileOf(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName || '(unknown)';
  const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) return file.slice(modules + 'node_modules/'.length);
  if (file.startsWith(ROOT)) return path.relative(ROOT, file);
  // Another checkout of the repository (a benchmark's baseline): from its top folder on.
  const top = /\/(platform|subgraphs|router|bench|bin|test)\//.exec(file);
  return top ? file.slice(top.index + 1) : file;
}

/** The package of a frame: an npm package, the repository's top folder, Node's internals, or the runtime's entry. */
function packageOf(frame: CallFrame): string {
  const file = fileOf(frame);
  if (frame.url === '') return file;
  if (frame.url.includes('node_modules/')) {
    const parts = file.split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? file);
  }
  if (file.startsWith('node:')) return 'node (internals)';
  return file.split('/')[0] ?? file;
}

const functionOf = (frame: CallFrame): string =>
  `${frame.functionName || '(anonymous)'}  ${fileOf(frame)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '40' }, match: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: node bench/cpu-profile-summary.ts <file.cpuprofile> [--top 40] [--match text]');
  const top = Number(values.top) || 40;
  const match = values.match;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // The functions on each node's stack, each once (recursion counts once toward total time).
  const stackOf = new Map<number, string[]>();
  const stack = (id: number): string[] => {
    const known = stackOf.get(id);
    if (known) return known;
    const parent = parentOf.get(id);
    const own = functionOf(byId.get(id)!.callFrame);
    const above = parent === undefined ? [] : stack(parent);
    const result = above.includes(own) ? above : [...above, own];
    stackOf.set(id, result);
    return result;
  };

  const self = {
    functions: new Map<string, number>(),
    files: new Map<string, number>(),
    packages: new Map<string, number>(),
  };
  const total = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    // A sample lasts until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += ms;
      return;
    }
    busy += ms;
    add(self.functions, functionOf(frame), ms);
    add(self.files, fileOf(frame), ms);
    add(self.packages, packageOf(frame), ms);
    for (const name of stack(id)) add(total, name, ms);
  });

  const table = (title: string, map: Map<string, number>, filter = (_key: string) => true) => {
    const rows = [...map]
      .filter(([key]) => filter(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    console.log(`\n${title}`);
    for (const [key, ms] of rows) {
      console.log(`${ms.toFixed(0).padStart(8)} ms ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
    }
  };
  const matching = (key: string) => match === undefined || key.includes(match);
  console.log(`${file}: busy ${busy.toFixed(0)} ms, idle ${idle.toFixed(0)} ms, ${profile.samples.length} samples`);
  table('self time by package', self.packages);
  table('self time by file', self.files);
  table('self time by function', self.functions, matching);
  table('total time by function (self and callees)', total, matching);
}

main();

/**
 * `npm run bench:gateways -- --quick` proves the harness, not the figures:
 * every target starts, returns the same data as the others for every
 * operation, and serves each operation's load without an error; the results
 * are written as JSON and markdown.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

interface Results {
  runs: { operation: string; target: string; requests: number; errors: number; gatewayCpuMs: number }[];
  medians: { operation: string; target: string; subgraphCpuMs: Record<string, number> }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bank-bench-results-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the quick gateway comparison runs every target on every operation, with identical data and no errors', async () => {
  const child = spawn(process.execPath, ['bench/gateways.ts', '--quick'], {
    env: { ...process.env, NODE_OPTIONS: '', BENCH_RESULTS_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench:gateways --quick exited with ${code}:\n${output.slice(-3000)}`);

  for (const operation of ['dashboard', 'balances', 'transfer']) {
    expect(output).toContain(`${operation}: every target returns the same data`);
  }
  const files = await readdir(dir);
  const json = files.find((f) => f.endsWith('.json'));
  expect(files.some((f) => f.endsWith('.md'))).toBe(true);
  const results = JSON.parse(await readFile(path.join(dir, json as string), 'utf8')) as Results;
  const cells = results.runs.map((r) => `${r.operation}/${r.target}`).sort();
  expect(cells).toEqual(
    ['dashboard', 'balances', 'transfer']
      .flatMap((o) => ['direct', 'hive', 'ours', 'stock'].map((t) => `${o}/${t}`))
      .sort(),
  );
  for (const run of results.runs) {
    expect(run.errors).toBe(0);
    expect(run.requests).toBeGreaterThan(0);
    expect(run.gatewayCpuMs).toBeGreaterThan(0);
  }
  // Each subgraph's CPU is read for each run: the dashboard reaches banking, billing, lending and messaging.
  const dashboard = results.medians.find((m) => m.operation === 'dashboard' && m.target === 'ours');
  for (const subgraph of ['identity', 'banking', 'billing', 'lending', 'messaging']) {
    expect(dashboard?.subgraphCpuMs[subgraph]).toBeGreaterThan(0);
  }
}, 300_000);

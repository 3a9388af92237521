/**
 * The CPU of the caller header that every fetch of every query plan carries:
 * the router signing it (`signCallerHeader`) and the subgraph checking it
 * (`authenticateCaller`, as a subgraph that also takes the services' headers
 * calls it), for a transfer's fetch to banking.
 *
 *   PATH=node_modules/.bin:$PATH node bench/caller-header.ts
 *   BENCH_BASELINE=/path/to/another/checkout PATH=node_modules/.bin:$PATH node bench/caller-header.ts
 *
 * Each round runs `BENCH_CALLS` (20,000) of each, one after the other, and
 * prints this process's CPU per call (`process.cpuUsage()`). With
 * `BENCH_BASELINE`, that checkout's platform/caller.ts runs in each round
 * too, before this one's, with the same key, caller and operation.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as current from '../platform/caller.ts';
import { generateAes256Key, generateEs256KeyPair } from '../platform/keys.ts';
import { cpuPerCall, TRANSFER_FETCH, median } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const { query, variables } = TRANSFER_FETCH;

const CALLER: current.Caller = {
  kind: 'user',
  userId: 'de000000-0000-4000-8000-00000000b001',
  roles: ['CUSTOMER'],
  sessionId: 'de000000-0000-4000-8000-00000000c001',
  amr: ['pwd'],
};

async function main(): Promise<void> {
  const keys = {
    router: current.callerKeyFor(generateAes256Key(), 'banking'),
    service: generateEs256KeyPair().publicKey,
  };
  const modules: [string, typeof current][] = [];
  const baseline = process.env.BENCH_BASELINE;
  if (baseline) {
    modules.push([
      'baseline',
      (await import(pathToFileURL(path.join(baseline, 'platform/caller.ts')).href)) as typeof current,
    ]);
  }
  modules.push(['this', current]);
  const paths: [string, () => unknown][] = modules.flatMap(([name, module]): [string, () => unknown][] => {
    const header = module.signCallerHeader(keys.router, CALLER, query, variables);
    // Each checks the other's header: the two make the same claims under the same key.
    for (const [, other] of modules) {
      if (other.authenticateCaller(keys, header, query, variables).kind !== 'user') throw new Error('not checked');
    }
    return [
      [`${name} sign`, () => module.signCallerHeader(keys.router, CALLER, query, variables)],
      [`${name} check`, () => module.authenticateCaller(keys, header, query, variables)],
    ];
  });
  console.log("The caller header's CPU per fetch: the router signing it, the subgraph checking it");
  console.log(`settings: ${CALLS} calls per path and round, ${ROUNDS} rounds`);
  for (const [, work] of paths) cpuPerCall(work, Math.min(2_000, CALLS)); // warm-up
  const figures = new Map<string, number[]>(paths.map(([name]) => [name, []]));
  for (let round = 1; round <= ROUNDS; round += 1) {
    const line = paths.map(([name, work]) => {
      const cpu = cpuPerCall(work, CALLS);
      figures.get(name)?.push(cpu);
      return `${name} ${cpu.toFixed(2)} µs`;
    });
    console.log(`round ${round}: ${line.join(', ')}`);
  }
  console.log(
    `medians: ${paths.map(([name]) => `${name} ${median(figures.get(name) ?? []).toFixed(2)} µs`).join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * The router's CPU per subgraph fetch: its data source's `process()` (the
 * caller header signed, the request sent through the router's keep-alive
 * pools, the answer parsed and its cache hint applied) against a bare undici
 * request of the same body, to a minimal HTTP server in this process that
 * answers every request with the same small JSON.
 *
 *   PATH=node_modules/.bin:$PATH node bench/subgraph-fetch.ts
 *   BENCH_BASELINE=/path/to/another/checkout PATH=node_modules/.bin:$PATH node bench/subgraph-fetch.ts
 *
 * Each round sends `BENCH_FETCHES` (5,000) fetches of a transfer's
 * operation, 4 at a time, on each path in turn, and prints this process's CPU
 * per fetch (`process.cpuUsage()`): the server's share is the same on every
 * path, so the differences are the client's. With `BENCH_BASELINE`, that
 * checkout's data source runs in each round too.
 */
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { callerKeyFor } from '../platform/caller.ts';
import { generateAes256Key } from '../platform/keys.ts';
import { createLogger } from '../platform/logger.ts';
import { CallerSigningDataSource } from '../router/src/caller-signing-data-source.ts';
import type * as DataSourceModule from '../router/src/caller-signing-data-source.ts';
import { createSubgraphFetcher } from '../router/src/subgraph-fetcher.ts';
import { TRANSFER_FETCH, cpuPerOperation, median } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const FETCHES = Number(process.env.BENCH_FETCHES ?? 5_000);
const IN_FLIGHT = 4;

const ANSWER = JSON.stringify({ data: { transfer: { id: '00000000-0000-4000-8000-000000000001' } } });

async function main(): Promise<void> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  const fetcher = createSubgraphFetcher();
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  try {
    const key = callerKeyFor(generateAes256Key(), 'banking');
    const context = {
      caller: { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', roles: ['CUSTOMER'], amr: ['pwd'] },
      requestId: 'bench-request',
      logger: createLogger({ logLevel: 'silent' }, 'bench'),
      userAgent: 'bench',
    };
    // What the gateway hands a data source for one fetch of a query plan.
    const viaDataSource = (source: CallerSigningDataSource) => () =>
      source.process({
        kind: 'incoming operation',
        request: TRANSFER_FETCH,
        incomingRequestContext: {},
        context,
      } as never);
    const bare = async () => {
      const response = await request(url, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: TRANSFER_FETCH.query, variables: TRANSFER_FETCH.variables }),
      });
      return response.body.json();
    };
    const paths: [string, () => Promise<unknown>][] = [];
    const baseline = process.env.BENCH_BASELINE;
    if (baseline) {
      const module = (await import(
        pathToFileURL(path.join(baseline, 'router/src/caller-signing-data-source.ts')).href
      )) as typeof DataSourceModule;
      paths.push([
        'baseline',
        viaDataSource(new module.CallerSigningDataSource(url, key, { fetcher: fetcher.fetcher })),
      ]);
    }
    paths.push(['data source', viaDataSource(new CallerSigningDataSource(url, key, { fetcher: fetcher.fetcher }))]);
    paths.push(['bare request', bare]);
    const run = async (work: () => Promise<unknown>, count: number) =>
      (await cpuPerOperation(work, count, IN_FLIGHT)).total;
    console.log("The router's CPU per subgraph fetch: its data source against a bare undici request");
    console.log(`settings: ${FETCHES} fetches per path and round, ${IN_FLIGHT} in flight, ${ROUNDS} rounds`);
    for (const [, work] of paths) await run(work, Math.min(1_000, FETCHES)); // warm-up
    const figures = new Map<string, number[]>(paths.map(([name]) => [name, []]));
    for (let round = 1; round <= ROUNDS; round += 1) {
      const line: string[] = [];
      for (const [name, work] of paths) {
        const cpu = await run(work, FETCHES);
        figures.get(name)?.push(cpu);
        line.push(`${name} ${cpu.toFixed(0)} µs`);
      }
      console.log(`round ${round}: ${line.join(', ')}`);
    }
    console.log(
      `medians: ${paths.map(([name]) => `${name} ${median(figures.get(name) ?? []).toFixed(0)} µs`).join(', ')}`,
    );
  } finally {
    await fetcher.close();
    await agent.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

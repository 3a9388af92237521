/**
 * What traces cost: CPU time of the process per transfer through the router,
 * with tracing off and on, in one process.
 *
 *   PATH=node_modules/.bin:$PATH node bench/tracing.ts
 *   BENCH_TRANSFERS=1000 BENCH_ROUNDS=3 node bench/tracing.ts
 *
 * It starts an embedded PostgreSQL in a temporary folder and an OTLP/HTTP
 * receiver on a loopback port that accepts and counts what it is sent. Each
 * round starts the whole stack (`startStack`, production configuration)
 * twice, once with `OTEL_EXPORTER_OTLP_ENDPOINT` set to that receiver and
 * once without, in alternating order; each start registers 4 users, opens
 * and funds their accounts, warms up with 160 transfers and then measures
 * `process.cpuUsage()` over the transfers (8 in flight). The load generator
 * shares the process: both settings pay for it alike. The measure spans many
 * of the exporter's 5 s batches, so that each setting pays for its exports. One uncounted start of
 * each setting comes first (loading and compiling). Only the pairs compare:
 * CPU time per operation moves with what else the machine runs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { startStack } from '../bin/stack.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { testEnv } from '../test/support/stack.ts';
import { graphql, must, startBenchDatabases, type BenchDatabases } from './support.ts';

const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 2400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const IN_FLIGHT = 8;
const WARMUP = 160;

const logger = createLogger({ logLevel: 'silent' }, 'bench');
let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

let starts = 0;
/** Milliseconds of CPU (user + system) of this process per transfer, with tracing on or off. */
async function cpuPerTransfer(databases: BenchDatabases, traced: boolean): Promise<number> {
  starts += 1;
  const run = starts;
  const config = loadConfig(
    testEnv(databases.urls, {
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'admin@bench.bank',
      ADMIN_PASSWORD: 'bench-superuser-password-1',
      // As in bench/transfers.ts: step-up on, never asking (random payees, no second factors).
      STEP_UP_NEW_PAYEE: 'false',
      STEP_UP_THRESHOLD: '1000000.00',
      ...(traced ? { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } : {}),
    }),
  );
  const stack = await startStack({ config, logger, randomPorts: true });
  try {
    const url = stack.routerUrl;
    const accounts: { id: string; token: string }[] = [];
    for (let u = 0; u < 4; u += 1) {
      const { register } = await must(
        graphql<{ register: { accessToken: string } }>(
          url,
          'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }',
          {
            input: {
              email: `bench-${run}-${u}@example.com`,
              password: 'correct horse battery staple',
              name: `Bench ${u}`,
              role: 'CUSTOMER',
            },
          },
        ),
        'register',
      );
      // Banking learns of the new user from identity's event a moment later.
      for (;;) {
        const opened = await graphql<{ openAccount: { id: string } }>(
          url,
          'mutation ($input: OpenAccountInput!) { openAccount(input: $input) { id } }',
          { input: { type: 'CHECKING', currency: 'USD' } },
          register.accessToken,
        );
        if (opened.data?.openAccount) {
          accounts.push({ id: opened.data.openAccount.id, token: register.accessToken });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    for (const [i, account] of accounts.entries()) {
      await must(
        graphql(
          url,
          'mutation ($input: DepositInput!) { deposit(input: $input) { id } }',
          { input: { accountId: account.id, amount: '1000000.00', idempotencyKey: `fund-${run}-${i}` } },
          account.token,
        ),
        'deposit',
      );
    }
    let sent = 0;
    const transfer = async () => {
      sent += 1;
      const from = accounts[sent % accounts.length] as (typeof accounts)[number];
      const to = accounts[(sent + 1) % accounts.length] as (typeof accounts)[number];
      await must(
        graphql(
          url,
          'mutation ($input: TransferInput!) { transfer(input: $input) { id } }',
          { input: { fromAccountId: from.id, toAccountId: to.id, amount: '1.00', idempotencyKey: `t-${run}-${sent}` } },
          from.token,
        ),
        'transfer',
      );
    };
    const transfers = (count: number) =>
      Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let i = 0; i < count / IN_FLIGHT; i += 1) await transfer();
        }),
      );
    await transfers(WARMUP);
    const before = process.cpuUsage();
    await transfers(TRANSFERS);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / TRANSFERS;
  } finally {
    await stack.close();
  }
}

const databases = await startBenchDatabases(logger);
try {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ` +
      `load average ${os.loadavg()[0]?.toFixed(2)}; ${TRANSFERS} transfers per measure, ${IN_FLIGHT} in flight`,
  );
  // The first start of each setting pays for loading and compiling its code: uncounted.
  await cpuPerTransfer(databases, false);
  await cpuPerTransfer(databases, true);
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = round % 2 === 1 ? [false, true] : [true, false];
    const result: Record<string, number> = {};
    for (const traced of order) result[traced ? 'on' : 'off'] = await cpuPerTransfer(databases, traced);
    const { on = NaN, off = NaN } = result;
    console.log(
      `round ${round}: off ${off.toFixed(2)} ms CPU/transfer, on ${on.toFixed(2)} ms (${(((on - off) / off) * 100).toFixed(1)}%)`,
    );
  }
  console.log(`OTLP exports received: ${received}`);
} finally {
  await databases.stop();
  receiver.close();
}

/**
 * Subscriptions through the router: send-to-receive latency of
 * `messageAdded` with 1, 100 and 1,000 subscribers on one conversation, and
 * how many idle subscriptions one router process holds per 100 MB.
 *
 *   npm run bench:subscriptions
 *   BENCH_MESSAGES=50 node bench/subscriptions.ts
 *
 * It starts everything itself, as bench/transfers.ts does: an embedded
 * PostgreSQL in a temporary folder (removed at the end), then identity,
 * banking, messaging and the router in this one process with `startStack`
 * (subgraphs reached over HTTP, in-process event bus as `npm start` without
 * `REDIS_URL`; `BENCH_REDIS_URL` switches to a Redis bus), configured as
 * production (NODE_ENV=production, silent logs, fresh keys). A business owner
 * and a banker sign up, the owner starts one conversation with the banker.
 *
 * Latency: for each subscriber count, graphql-ws clients in this process
 * (half with the banker's token, half with the owner's) subscribe to
 * `messageAdded(conversationId) { id body sentAt }`; once the router counts
 * them all, the owner sends messages one at a time through the router
 * (`sendMessage` over HTTP), at most one every BENCH_SPACING_MS, without
 * waiting for deliveries (with BENCH_WAIT_DELIVERIES=1, each only once every
 * subscriber got the previous one). The body carries the message's number
 * and the client time taken just before the HTTP call; each (message,
 * subscriber) receipt records now minus that time. Up to 100 subscribers get
 * one socket each; above, 100 sockets share them (10 each for 1,000).
 *
 * Memory: for each shape (100 subscriptions per socket, then 1 per socket),
 * a fresh process (this file run with `--idle-server`, with `--expose-gc`)
 * starts the five subgraphs and the router on the same database
 * and keys; this process opens the idle subscriptions as a client, so the
 * measured process holds only the subgraphs and the router. Its heap used
 * and RSS are read after forced garbage collections: before (after opening
 * and closing 100 subscriptions as a warm-up), at half, and with all of them.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { startStack, type RunningStack } from '../bin/stack.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { testEnv } from '../test/support/stack.ts';
import { signUp, startConversation } from '../test/support/people.ts';
import { graphql, percentile, startBenchDatabases, type BenchDatabases } from './support.ts';

const SUBSCRIBER_COUNTS = (process.env.BENCH_SUBSCRIBERS ?? '1,100,1000').split(',').map(Number);
/** Messages sent per subscriber count. */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 30);
/** Least time between the starts of two sends (they never overlap). */
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 100);
/** Up to this many subscribers, one socket each; above, this many sockets share them. */
const MAX_SOCKETS = Number(process.env.BENCH_MAX_SOCKETS ?? 100);
/** Idle subscriptions opened for the memory figure (per shape). */
const IDLE = Number(process.env.BENCH_IDLE_SUBSCRIPTIONS ?? 2000);
/** `1`: send the next message only once every subscriber got the previous one (closed loop). */
const WAIT_DELIVERIES = process.env.BENCH_WAIT_DELIVERIES === '1';
/** How long to wait for late deliveries after the last send. */
const DRAIN_MS = Number(process.env.BENCH_DRAIN_MS ?? 60_000);
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 10);
const ADMIN = { email: 'admin@bench.bank', password: 'bench-superuser-password-1' };
const MB = 2 ** 20;

const SUBSCRIPTION = `subscription BenchMessageAdded($id: ID!) { messageAdded(conversationId: $id) { id body sentAt } }`;
const SEND = `mutation BenchSend($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;

/** Parent → idle-server child. */
type ToServer = { type: 'start'; env: Record<string, string> } | { type: 'stats' } | { type: 'measure' };
/** Idle-server child → parent. */
type FromServer =
  | { type: 'ready'; url: string }
  | { type: 'stats'; subscriptions: number; sockets: number }
  | { type: 'memory'; heap: number; rss: number; subscriptions: number; sockets: number }
  | { type: 'failed'; message: string };

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map(describe).join('; ');
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object') {
    const { code, reason, message } = error as { code?: unknown; reason?: unknown; message?: unknown };
    if (typeof message === 'string') return message;
    if (code !== undefined) return `socket closed ${String(code)} ${String(reason ?? '')}`.trim();
  }
  return String(error);
}

/** A graphql-ws client on the router's /graphql with `token`. */
function connect(url: string, token: string, onSocketError: (message: string) => void): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
    onNonLazyError: (error) => onSocketError(describe(error)),
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------
// The idle-server child: the stack alone, measured when asked.

interface Memory {
  heap: number;
  rss: number;
}

/**
 * Heap used and RSS after forced full collections, repeated until the heap
 * stops shrinking (V8 keeps freeing things, such as old bytecode, over
 * several collections).
 */
async function settledMemory(gc: () => void): Promise<Memory> {
  let previous = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i += 1) {
    gc();
    await sleep(100);
    const heap = process.memoryUsage().heapUsed;
    if (i >= 3 && Math.abs(previous - heap) < 64 * 1024) break;
    previous = heap;
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, rss: usage.rss };
}

async function idleServer(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const send = (message: FromServer) => process.send?.(message);
  let stack: RunningStack | undefined;
  process.on('message', (raw: unknown) => {
    const message = raw as ToServer;
    if (message.type === 'start') {
      const config = loadConfig(message.env);
      startStack({ config, logger: createLogger({ logLevel: 'silent' }, 'bench'), randomPorts: true }).then(
        (started) => {
          stack = started;
          send({ type: 'ready', url: started.routerUrl });
        },
        (error: unknown) => send({ type: 'failed', message: describe(error) }),
      );
    } else if (message.type === 'stats') {
      send({ type: 'stats', ...(stack?.router.subscriptions.stats() ?? { subscriptions: 0, sockets: 0 }) });
    } else {
      void settledMemory(gc).then((memory) =>
        send({
          type: 'memory',
          ...memory,
          ...(stack?.router.subscriptions.stats() ?? { subscriptions: 0, sockets: 0 }),
        }),
      );
    }
  });
  process.on('disconnect', () => {
    void (stack?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------
// The measuring process.

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`);

interface Scene {
  url: string;
  stack: RunningStack;
  owner: { token: string; id: string };
  banker: { token: string; id: string };
  conversationId: string;
}

interface LatencyResult {
  subscribers: number;
  sockets: number;
  perSocket: number;
  expected: number;
  delivered: number;
  duplicates: number;
  errors: string[];
  latenciesMs: number[];
  sendMs: number[];
  elapsedMs: number;
}

/** `subscribers` subscriptions, `messages` sends, every receipt timed. */
async function latency(scene: Scene, subscribers: number, messages: number): Promise<LatencyResult> {
  const { stats } = scene.stack.router.subscriptions;
  const sockets = Math.min(subscribers, MAX_SOCKETS);
  const perSocket = Math.ceil(subscribers / sockets);
  const tag = `n${subscribers}-${Date.now()}`;
  const seen = new Uint8Array(subscribers * messages);
  const perMessage = new Array<number>(messages).fill(0);
  const result: LatencyResult = {
    subscribers,
    sockets,
    perSocket,
    expected: subscribers * messages,
    delivered: 0,
    duplicates: 0,
    errors: [],
    latenciesMs: [],
    sendMs: [],
    elapsedMs: 0,
  };
  const pattern = new RegExp(`^bench ${tag} k=(\\d+) t=([0-9.]+)$`);
  const before = stats().subscriptions;
  const clients: Client[] = [];
  let subscriber = 0;
  for (let s = 0; s < sockets; s += 1) {
    const client = connect(scene.url, s % 2 === 0 ? scene.banker.token : scene.owner.token, (m) =>
      result.errors.push(m),
    );
    clients.push(client);
    for (let i = 0; i < perSocket && subscriber < subscribers; i += 1) {
      const index = subscriber++;
      client.subscribe<{ messageAdded: { id: string; body: string; sentAt: string } }>(
        { query: SUBSCRIPTION, variables: { id: scene.conversationId } },
        {
          next: (value) => {
            const received = performance.now();
            if (value.errors) {
              result.errors.push(describe(value.errors));
              return;
            }
            const match = pattern.exec(value.data?.messageAdded.body ?? '');
            if (!match) return;
            const k = Number(match[1]);
            const slot = index * messages + k;
            if (seen[slot]) {
              result.duplicates += 1;
              return;
            }
            seen[slot] = 1;
            result.delivered += 1;
            perMessage[k] = (perMessage[k] ?? 0) + 1;
            result.latenciesMs.push(received - Number(match[2]));
          },
          error: (error) => result.errors.push(describe(error)),
          complete: () => undefined,
        },
      );
    }
  }
  try {
    await waitFor(() => stats().subscriptions === before + subscribers, 120_000, `${subscribers} subscriptions`);
    const started = performance.now();
    for (let k = 0; k < messages; k += 1) {
      const t = performance.now();
      const sent = await graphql<{ sendMessage: { id: string } }>(
        scene.url,
        SEND,
        {
          input: {
            conversationId: scene.conversationId,
            body: `bench ${tag} k=${k} t=${t.toFixed(3)}`,
            clientMessageId: `${tag}-${k}`,
          },
        },
        scene.owner.token,
      );
      const took = performance.now() - t;
      if (sent.errors || !sent.data) throw new Error(`sendMessage failed: ${JSON.stringify(sent.errors)}`);
      result.sendMs.push(took);
      if (WAIT_DELIVERIES) {
        await waitFor(() => perMessage[k] === subscribers, 30_000, `message ${k}`).catch(() => undefined);
      }
      const since = performance.now() - t;
      if (since < SPACING_MS && k < messages - 1) await sleep(SPACING_MS - since);
    }
    // Until every delivery is accounted for (received, or an error event in its place), nothing has
    // arrived for 15 s, or DRAIN_MS have passed.
    const drainEnd = Date.now() + DRAIN_MS;
    let last = -1;
    let lastChange = Date.now();
    while (result.delivered + result.errors.length < result.expected && Date.now() < drainEnd) {
      const progress = result.delivered + result.errors.length;
      if (progress !== last) [last, lastChange] = [progress, Date.now()];
      else if (Date.now() - lastChange > 15_000) break;
      await sleep(50);
    }
    result.elapsedMs = performance.now() - started;
  } finally {
    await Promise.all(clients.map(async (c) => c.dispose()));
    await waitFor(() => stats().subscriptions === before, 60_000, 'subscriptions to be released');
  }
  return result;
}

interface IdleResult {
  label: string;
  subscriptions: number;
  sockets: number;
  delta: Memory;
  /** Growth from the first half to all of them: one-off costs and drift of the baseline cancel out. */
  secondHalf: Memory & { count: number };
  afterClose: Memory;
  events: number;
  errors: string[];
}

/**
 * In a fresh router process, opens `subscriptions` idle subscriptions,
 * `perSocket` per socket, and measures that process.
 */
async function idleMemory(
  scene: Scene,
  env: Record<string, string>,
  subscriptions: number,
  perSocket: number,
): Promise<IdleResult> {
  const sockets = Math.ceil(subscriptions / perSocket);
  const errors: string[] = [];
  let events = 0;
  const server = fork(import.meta.filename, ['--idle-server'], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const waiting: ((message: FromServer) => void)[] = [];
  server.on('message', (raw: unknown) => {
    const message = raw as FromServer;
    if (message.type === 'failed') errors.push(message.message);
    waiting.shift()?.(message);
  });
  const ask = <T extends FromServer['type']>(message: ToServer, type: T) =>
    new Promise<Extract<FromServer, { type: T }>>((resolve, reject) => {
      waiting.push((answer) => {
        if (answer.type === type) resolve(answer as Extract<FromServer, { type: T }>);
        else reject(new Error(`idle server: ${answer.type === 'failed' ? answer.message : answer.type}`));
      });
      server.send(message);
    });
  const clients: Client[] = [];
  const open = (count: number, each: number) => {
    for (let s = 0; s < count; s += 1) {
      const client = connect(url, clients.length % 2 === 0 ? scene.banker.token : scene.owner.token, (m) =>
        errors.push(m),
      );
      clients.push(client);
      for (let i = 0; i < each; i += 1) {
        client.subscribe(
          { query: SUBSCRIPTION, variables: { id: scene.conversationId } },
          {
            next: () => {
              events += 1;
            },
            error: (error) => errors.push(describe(error)),
            complete: () => undefined,
          },
        );
      }
    }
  };
  const until = async (condition: (stats: { subscriptions: number; sockets: number }) => boolean, what: string) => {
    const end = Date.now() + 60_000;
    while (!condition(await ask({ type: 'stats' }, 'stats'))) {
      if (errors.length > 0) throw new Error(`idle subscriptions: ${errors[0]}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };
  const closeAll = async () => {
    await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
    await until((stats) => stats.subscriptions === 0 && stats.sockets === 0, 'the subscriptions to close');
  };
  const url = (await ask({ type: 'start', env }, 'ready')).url;
  try {
    // Warm-up: one-off costs (code, first connections to the subgraph) stay out of the figures.
    open(Math.ceil(100 / perSocket), Math.min(perSocket, 100));
    await until((stats) => stats.subscriptions >= 100, 'the warm-up subscriptions');
    await closeAll();
    const before = await ask({ type: 'measure' }, 'memory');
    // Batches of about 100 subscriptions, each acknowledged by the router before the next.
    const socketsPerBatch = Math.max(1, Math.floor(100 / perSocket));
    const openUpTo = async (target: number) => {
      while (clients.length < target) {
        open(Math.min(socketsPerBatch, target - clients.length), perSocket);
        const expected = clients.length * perSocket;
        await until((stats) => stats.subscriptions >= expected, `${expected} subscriptions`);
      }
      await sleep(1_000);
      const measured = await ask({ type: 'measure' }, 'memory');
      if (measured.subscriptions !== clients.length * perSocket || measured.sockets !== clients.length) {
        throw new Error(`router holds ${measured.subscriptions} on ${measured.sockets} sockets, expected more`);
      }
      return measured;
    };
    const half = await openUpTo(Math.floor(sockets / 2));
    const after = await openUpTo(sockets);
    await closeAll();
    const released = await ask({ type: 'measure' }, 'memory');
    return {
      label: `${subscriptions} on ${sockets} socket${sockets === 1 ? '' : 's'} (${perSocket} each)`,
      subscriptions,
      sockets,
      delta: { heap: after.heap - before.heap, rss: after.rss - before.rss },
      secondHalf: {
        count: after.subscriptions - half.subscriptions,
        heap: after.heap - half.heap,
        rss: after.rss - half.rss,
      },
      afterClose: { heap: released.heap - before.heap, rss: released.rss - before.rss },
      events,
      errors,
    };
  } finally {
    await Promise.all(clients.map(async (c) => c.dispose()));
    server.disconnect();
    await Promise.race([exited, sleep(10_000)]);
    server.kill();
  }
}

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  let databases: BenchDatabases | undefined;
  let stack: RunningStack | undefined;
  const cleanUp = async () => {
    await stack?.close();
    await databases?.stop();
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    databases = await startBenchDatabases(logger);
    const running = databases.postgres;
    const env = testEnv(databases.urls, {
      NODE_ENV: 'production',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DATABASE_POOL_MAX: String(POOL_MAX),
      ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
    });
    const config = loadConfig(env);
    stack = await startStack({ config, logger, randomPorts: true });
    const url = stack.routerUrl;

    const owner = await signUp(url, 'owner', 'BUSINESS_OWNER', { businessName: 'Bench Bakery' });
    const banker = await signUp(url, 'banker', 'BANKER', { institution: 'Bench Bank' });
    const conversationId = await startConversation(url, owner.token, {
      participantId: banker.id,
      subject: 'Benchmark',
      body: 'Hello',
    });
    const scene: Scene = { url, stack, owner, banker, conversationId };

    // Warm-up (not counted): two subscribers, a few messages, so that code paths and connections exist.
    await latency(scene, 2, 5);

    // Memory, each shape in a fresh router process.
    const multiplexed = await idleMemory(scene, env, IDLE, 100);
    const oneEach = await idleMemory(scene, env, IDLE, 1);

    const results: LatencyResult[] = [];
    for (const subscribers of SUBSCRIBER_COUNTS) results.push(await latency(scene, subscribers, MESSAGES));

    const client = new pg.Client({ connectionString: running.databaseUrl('messaging') });
    await client.connect();
    const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
    await client.end();

    const cpus = os.cpus();
    const lines = [
      'Subscriptions: messageAdded(conversationId) { id body sentAt } through the router over graphql-ws, one conversation',
      `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
        `Node ${process.version}, PostgreSQL ${version} (embedded), ${os.platform()} ${os.release()}`,
      `everything shares these ${cpus.length} cores: the five subgraphs, the router, the WebSocket clients ` +
        `and the sender in this one process, PostgreSQL in its own processes`,
      `bus: ${config.redisUrl ? 'Redis (BENCH_REDIS_URL)' : 'in-process (no REDIS_URL, as npm start)'}; ` +
        `production config; database pool ${POOL_MAX} per subgraph`,
      '',
      `Latency: ${MESSAGES} messages sent one at a time by the owner (sendMessage over HTTP through the router), ` +
        `starts at least ${SPACING_MS} ms apart` +
        (WAIT_DELIVERIES
          ? ', each once every subscriber got the previous one;'
          : ' (the next does not wait for deliveries);'),
      'time from just before the HTTP call to receipt, for every (message, subscriber); half the sockets carry the ' +
        "banker's token, half the owner's",
      'subscribers  sockets         deliveries           p50        p99        max   sendMessage p50   run',
    ];
    for (const r of results) {
      const sorted = [...r.latenciesMs].sort((a, b) => a - b);
      const sends = [...r.sendMs].sort((a, b) => a - b);
      const missing = r.expected - r.delivered;
      lines.push(
        `${String(r.subscribers).padEnd(12)} ${`${r.sockets} x ${r.perSocket}`.padEnd(15)} ` +
          `${`${r.delivered}/${r.expected}`.padEnd(20)} ${ms(percentile(sorted, 50)).padStart(9)}  ` +
          `${ms(percentile(sorted, 99)).padStart(9)}  ${ms(sorted.at(-1) ?? Number.NaN).padStart(9)}   ` +
          `${ms(percentile(sends, 50)).padStart(15)}   ${(r.elapsedMs / 1000).toFixed(1)} s` +
          (missing > 0 ? `   MISSING ${missing}` : '') +
          (r.duplicates > 0 ? `   ${r.duplicates} duplicates` : '') +
          (r.errors.length > 0 ? `   ${r.errors.length} errors, first: ${r.errors[0]}` : ''),
      );
    }
    lines.push(
      '',
      'Idle subscriptions: for each shape a fresh process runs the five subgraphs and the router (same database); ' +
        'the clients live in this process.',
      'Heap used and RSS of that process after forced GC, before (after a 100-subscription warm-up) and with the ' +
        'subscriptions open (1 MB = 2^20 bytes)',
    );
    const mb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / MB).toFixed(1)} MB`;
    const figures = (count: number, m: Memory) => {
      const per100 = (bytes: number) => (bytes > 0 ? String(Math.floor(count / (bytes / (100 * MB)))) : 'n/a');
      const each = (bytes: number) => (bytes > 0 ? (bytes / count / 1024).toFixed(1) : 'n/a');
      return (
        `heap ${mb(m.heap).padStart(9)}, rss ${mb(m.rss).padStart(9)}: ` +
        `${per100(m.heap)} / ${per100(m.rss)} subscriptions per 100 MB (heap / rss), ` +
        `${each(m.heap)} / ${each(m.rss)} KB each`
      );
    };
    for (const r of [multiplexed, oneEach]) {
      lines.push(
        `${r.label}:`,
        `  all ${r.subscriptions} (from none)`.padEnd(28) + figures(r.subscriptions, r.delta),
        `  last ${r.secondHalf.count} (from half)`.padEnd(28) + figures(r.secondHalf.count, r.secondHalf),
        `  after closing them all`.padEnd(28) +
          `heap ${mb(r.afterClose.heap).padStart(9)}, rss ${mb(r.afterClose.rss).padStart(9)} against before` +
          (r.events > 0 ? `   (${r.events} unexpected events)` : '') +
          (r.errors.length > 0 ? `   ${r.errors.length} errors, first: ${r.errors[0]}` : ''),
      );
    }
    console.log(lines.join('\n'));
  } finally {
    await cleanUp();
  }
}

if (process.argv.includes('--idle-server')) {
  void idleServer();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

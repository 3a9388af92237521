/**
 * The assistant's speed, in three parts:
 *
 *  (a) the intent classifier alone, in this process before anything else
 *      starts: classifications per second on one core and the latency of
 *      one classification (p50, p99) over CLINC150's validation utterances
 *      (subgraphs/assistant/src/nlu/data.ts), and the same for the entity
 *      extraction (Recognizers-Text) that a turn runs after it when its
 *      skill reads amounts or periods, and the time of that extraction on
 *      one slow 1,000-character message;
 *  (b) through the router: `askAssistant` turns per second and their latency
 *      for a mix of questions (balance, transactions, spending, bills,
 *      greeting, out of scope) from several customers, with autocannon and
 *      BENCH_CONNECTIONS connections, then each question alone;
 *  (c) the balance question through `askAssistant` (with the card's
 *      accounts and balances, what an app shows) against the equivalent
 *      GraphQL query sent directly,
 *      `{ me { accounts { id balance { amount currency } availableBalance { amount currency } } } }`,
 *      with the same connections, in alternated runs (assistant, direct,
 *      direct, assistant, ...), and the ratio. The issue's target: the
 *      assistant's balance question no slower than that query plus 20%.
 *
 *   npm run bench:assistant
 *   npm run bench:assistant -- --quick        (a short run: seconds, not minutes)
 *   BENCH_CONNECTIONS=32 node bench/assistant.ts
 *
 * It starts everything itself, as bench/transfers.ts does: an embedded
 * PostgreSQL in a temporary folder (removed at the end), then the subgraphs
 * and the router in this one process with `startStack`, configured as
 * production (NODE_ENV=production, silent logs, fresh keys). autocannon runs
 * in this process too: the figures are those of the whole one-process
 * deployment with its load generator, PostgreSQL on the same cores.
 */
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { startStack, type RunningStack } from '../bin/stack.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { extractEntities } from '../subgraphs/assistant/src/nlu/entities.ts';
import { classify, shippedClassifier } from '../subgraphs/assistant/src/nlu/classifier.ts';
import { validationExamples } from '../subgraphs/assistant/src/nlu/data.ts';
import { addBill, billerOf } from '../test/support/billing.ts';
import { signUp, type SignedUp } from '../test/support/people.ts';
import { testEnv } from '../test/support/stack.ts';
import { graphql, median, must, percentile, startBenchDatabases, type BenchDatabases } from './support.ts';

const QUICK = process.argv.includes('--quick');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** Measured duration of each autocannon run. */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (QUICK ? 3 : 15));
/** Uncounted warm-up before each part through the router. */
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? (QUICK ? 1 : 3));
/** Runs of each side in (c), alternated. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
/** Passes over the validation utterances in (a). */
const PASSES = Number(process.env.BENCH_PASSES ?? (QUICK ? 1 : 10));
/** Utterances whose entities are extracted in (a) (slower than classifying). */
const ENTITY_UTTERANCES = Number(process.env.BENCH_ENTITY_UTTERANCES ?? (QUICK ? 300 : 3_100));
const USERS = Number(process.env.BENCH_USERS ?? 8);
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 10);
const ADMIN = { email: 'admin@bench.bank', password: 'bench-superuser-password-1' };

/** The mix of (b), each with the intent it must be understood as. */
const MIX: readonly { name: string; text: string; intent: string | string[] }[] = [
  { name: 'balance', text: 'what is my balance', intent: 'balance' },
  { name: 'transactions', text: 'show my transactions this month', intent: 'transactions' },
  { name: 'spending', text: 'how much did I spend on dining last month', intent: 'spending_history' },
  { name: 'bills', text: 'which bills are due', intent: ['bill_due', 'bill_balance'] },
  { name: 'greeting', text: 'hello', intent: 'greeting' },
  { name: 'oos', text: 'what is the capital of france', intent: 'oos' },
];

const ASK = `mutation BenchAsk($input: AskAssistantInput!) { askAssistant(input: $input) { id intent reply } }`;
/** The balance question as an app asks it: the reply and the card's accounts with their balances. */
const ASK_BALANCE = `mutation BenchAskBalance($input: AskAssistantInput!) { askAssistant(input: $input) { id intent reply
  cards { kind accounts { id balance { amount currency } availableBalance { amount currency } } } } }`;
const DIRECT_BALANCE = `{ me { accounts { id balance { amount currency } availableBalance { amount currency } } } }`;

/** The 1-, 5- and 15-minute load averages: another process on the same cores skews every figure. */
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** Latency of `work` over `items`, one at a time, after `passes` passes (the first unmeasured). */
function timeEach<T>(items: readonly T[], passes: number, work: (item: T) => unknown) {
  for (const item of items) work(item); // warm-up: JIT, lazily built tables
  const latencies: number[] = [];
  const started = performance.now();
  for (let pass = 0; pass < passes; pass += 1) {
    for (const item of items) {
      const t0 = performance.now();
      work(item);
      latencies.push(performance.now() - t0);
    }
  }
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    perSecond: latencies.length / (elapsed / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

interface LoadResult {
  name: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Responses that were not a 2xx GraphQL answer without errors. */
  failed: number;
  firstFailure: string | undefined;
}

/**
 * One autocannon run: BENCH_CONNECTIONS connections for `seconds`, the n-th
 * request's body and token from `request(n)`; every response is checked
 * (HTTP 200, no GraphQL errors) and its latency recorded (autocannon's own
 * percentiles are whole milliseconds).
 */
async function load(
  name: string,
  url: string,
  seconds: number,
  request: (n: number) => { body: string; token: string },
): Promise<LoadResult> {
  let n = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              const { body, token } = request(n++);
              return { ...req, body, headers: { ...req.headers, authorization: `Bearer ${token}` } };
            },
            onResponse: (status, body) => {
              if (status !== 200 || body.includes('"errors"')) {
                failed += 1;
                firstFailure ??= `HTTP ${status}: ${body.slice(0, 300)}`;
              }
            },
          },
        ],
      },
      (error, done) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    name,
    requests: latencies.length,
    perSecond: latencies.length / (result.duration || seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed: Math.max(failed, errors),
    firstFailure,
  };
}

const line = (r: LoadResult, unit: string) =>
  `  ${r.name.padEnd(34)} ${r.perSecond.toFixed(1).padStart(8)} ${unit}/s   p50 ${ms(r.p50).padStart(6)} ms   ` +
  `p99 ${ms(r.p99).padStart(6)} ms   (${r.requests} in ${DURATION_S} s${r.failed ? `, ${r.failed} failed: ${r.firstFailure}` : ''})`;

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  const cpus = os.cpus();
  const out: string[] = [];
  const say = (text: string) => {
    out.push(text);
    console.log(text);
  };
  say(
    `Assistant benchmark${QUICK ? ' (--quick)' : ''}: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}, ` +
      `load average ${loadAverage()} at the start`,
  );

  // (a) The classifier alone, on an idle process.
  const validation = validationExamples().map((e) => e.text);
  shippedClassifier();
  const classifier = timeEach(validation, PASSES, (text) => classify(text));
  const now = new Date();
  const entities = timeEach(validation.slice(0, ENTITY_UTTERANCES), 1, (text) => extractEntities(text, now));
  say(
    `\n(a) in this process, one core, over CLINC150's ${validation.length} validation utterances ` +
      `(mean ${Math.round(validation.reduce((s, t) => s + t.length, 0) / validation.length)} characters):`,
  );
  say(
    `  classify(text)                     ${Math.round(classifier.perSecond).toString().padStart(8)} /s per core   ` +
      `p50 ${ms(classifier.p50)} ms   p99 ${ms(classifier.p99)} ms   max ${ms(classifier.max)} ms (${classifier.count}, ${PASSES} passes)`,
  );
  say(
    `  extractEntities(text)              ${Math.round(entities.perSecond).toString().padStart(8)} /s per core   ` +
      `p50 ${ms(entities.p50)} ms   p99 ${ms(entities.p99)} ms   max ${ms(entities.max)} ms (${entities.count})`,
  );

  if (!QUICK) {
    // One message the API accepts (1,000 characters) that the recognizers take a long time over.
    const worst = '$1 '.repeat(333);
    const t0 = performance.now();
    extractEntities(worst, now);
    say(
      `  extractEntities('$1 ' x 333, ${worst.length} characters, once)  ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        '(the API takes up to 1,000 characters; this process does nothing else meanwhile)',
    );
  }

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
    const config = loadConfig(
      testEnv(databases.urls, {
        NODE_ENV: 'production',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        DATABASE_POOL_MAX: String(POOL_MAX),
        ACCESS_TOKEN_TTL_SECONDS: '3600',
      }),
    );
    stack = await startStack({ config, logger, randomPorts: true });
    const url = stack.routerUrl;

    // Customers with two accounts, money, card spending in two months and a bill each.
    const users: SignedUp[] = [];
    for (let u = 0; u < USERS; u += 1) users.push(await signUp(url, `bench-assistant-${u}`, 'CUSTOMER'));
    const utilities = await billerOf(url, users[0]!, 'UTILITIES');
    await Promise.all(
      users.map(async (user, u) => {
        const open = async (type: string) =>
          (
            await must(
              graphql<{ openAccount: { id: string } }>(
                url,
                `
                  mutation ($input: OpenAccountInput!) {
                    openAccount(input: $input) {
                      id
                    }
                  }
                `,
                { input: { type, currency: 'USD' } },
                user.token,
              ),
              'openAccount',
            )
          ).openAccount.id;
        const checking = await open('CHECKING');
        const savings = await open('SAVINGS');
        const move = async (kind: 'deposit' | 'withdraw', accountId: string, amount: string, description: string) =>
          (
            await must(
              graphql<Record<string, { id: string }>>(
                url,
                `mutation($input: ${kind === 'deposit' ? 'DepositInput' : 'WithdrawInput'}!) { ${kind}(input: $input) { id } }`,
                {
                  input: {
                    accountId,
                    amount,
                    description,
                    idempotencyKey: `${kind}-${u}-${description.replaceAll(' ', '-')}`,
                  },
                },
                user.token,
              ),
              kind,
            )
          )[kind]!.id;
        await move('deposit', checking, '5000.00', 'Salary');
        await move('deposit', savings, '1200.00', 'Savings');
        for (const [i, [description, category]] of [
          ['Blue Bottle Coffee', 'DINING'],
          ['Whole Foods Market', 'GROCERIES'],
          ['Trattoria Roma', 'DINING'],
          ['City Metro', 'TRANSPORT'],
          ['Netflix', 'ENTERTAINMENT'],
        ].entries()) {
          const id = await move('withdraw', checking, `${12 + i * 7}.50`, description!);
          await must(
            graphql(
              url,
              `
                mutation ($id: ID!, $category: TransactionCategory!) {
                  categorizeTransaction(id: $id, category: $category) {
                    id
                  }
                }
              `,
              { id, category },
              user.token,
            ),
            'categorizeTransaction',
          );
        }
        // Billing learns of the user from identity's events: retry until it does.
        for (let attempt = 0; ; attempt += 1) {
          try {
            await addBill(url, user, { billerId: utilities.id, amount: '84.20' });
            break;
          } catch (error) {
            if (attempt > 50) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      }),
    );

    // Each question is understood as intended and answered without errors.
    for (const q of MIX) {
      const { askAssistant } = await must(
        graphql<{ askAssistant: { intent: string; reply: string } }>(
          url,
          ASK,
          { input: { text: q.text } },
          users[0]!.token,
        ),
        `askAssistant(${q.text})`,
      );
      if (![q.intent].flat().includes(askAssistant.intent)) {
        throw new Error(`"${q.text}" was understood as ${askAssistant.intent}, not ${q.intent}: ${askAssistant.reply}`);
      }
    }

    const askBody = (text: string, query = ASK) => JSON.stringify({ query, variables: { input: { text } } });
    const bodies = MIX.map((q) => askBody(q.text));
    const userOf = (n: number) => users[n % users.length]!;

    // (b) The mix, then each question alone.
    await load('warm-up', url, WARMUP_S, (n) => ({ body: bodies[n % bodies.length]!, token: userOf(n).token }));
    const mix = await load(`mix of ${MIX.length} questions`, url, DURATION_S, (n) => ({
      body: bodies[Math.floor(n / users.length) % bodies.length]!,
      token: userOf(n).token,
    }));
    say(
      `\n(b) askAssistant through the router, ${CONNECTIONS} connections, ${USERS} customers, ` +
        `a new session per turn, ${DURATION_S} s per run after ${WARMUP_S} s warm-up:`,
    );
    say(line(mix, 'turns'));
    if (!QUICK) {
      for (const [i, q] of MIX.entries()) {
        const alone = await load(`${q.name} ("${q.text}")`, url, Math.max(3, Math.round(DURATION_S / 3)), (n) => ({
          body: bodies[i]!,
          token: userOf(n).token,
        }));
        say(line(alone, 'turns').replace(`in ${DURATION_S} s`, `in ${Math.max(3, Math.round(DURATION_S / 3))} s`));
      }
    }

    // (c) The balance question against the direct query, alternated.
    const assistantBalance = askBody('what is my balance', ASK_BALANCE);
    const directBalance = JSON.stringify({ query: DIRECT_BALANCE, variables: {} });
    const side = {
      assistant: (n: number) => ({ body: assistantBalance, token: userOf(n).token }),
      direct: (n: number) => ({ body: directBalance, token: userOf(n).token }),
    };
    await load('warm-up', url, WARMUP_S, side.assistant);
    await load('warm-up', url, WARMUP_S, side.direct);
    const runs: Record<'assistant' | 'direct', LoadResult[]> = { assistant: [], direct: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: ('assistant' | 'direct')[] = round % 2 === 0 ? ['assistant', 'direct'] : ['direct', 'assistant'];
      for (const which of order) runs[which].push(await load(`${which} #${round + 1}`, url, DURATION_S, side[which]));
    }
    say(
      `\n(c) the balance question, ${CONNECTIONS} connections, ${ROUNDS} alternated run(s) of ${DURATION_S} s each:\n` +
        `    assistant: askAssistant("what is my balance") { reply cards { accounts { id balance availableBalance } } }\n` +
        `    direct:    ${DIRECT_BALANCE}`,
    );
    for (const r of [...runs.assistant, ...runs.direct]) say(line(r, 'req'));
    const a = {
      rate: median(runs.assistant.map((r) => r.perSecond)),
      p50: median(runs.assistant.map((r) => r.p50)),
      p99: median(runs.assistant.map((r) => r.p99)),
    };
    const d = {
      rate: median(runs.direct.map((r) => r.perSecond)),
      p50: median(runs.direct.map((r) => r.p50)),
      p99: median(runs.direct.map((r) => r.p99)),
    };
    const slower = (a.p50 / d.p50 - 1) * 100;
    say(
      `  ratio (median of runs): the assistant serves ${(a.rate / d.rate).toFixed(3)}x the direct query's rate ` +
        `(${a.rate.toFixed(1)} vs ${d.rate.toFixed(1)} /s); its p50 is ${(a.p50 / d.p50).toFixed(2)}x ` +
        `(${ms(a.p50)} vs ${ms(d.p50)} ms), p99 ${(a.p99 / d.p99).toFixed(2)}x (${ms(a.p99)} vs ${ms(d.p99)} ms)`,
    );
    say(
      `  target (no slower than the direct query + 20%): ${slower <= 20 ? 'MET' : 'NOT MET'}, ` +
        `the assistant's p50 is ${slower >= 0 ? `${slower.toFixed(0)}% slower` : `${(-slower).toFixed(0)}% faster`}`,
    );
    const version = await pgVersion(databases);
    say(
      `\nPostgreSQL ${version} (embedded, fsync on), database pool ${POOL_MAX} per subgraph; ` +
        `load average ${loadAverage()} at the end (this process and PostgreSQL account for about 2 of it)`,
    );
  } finally {
    await cleanUp();
  }
}

async function pgVersion(databases: BenchDatabases): Promise<string> {
  const client = new pg.Client({ connectionString: databases.urls.banking });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

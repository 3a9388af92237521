/**
 * The offline explorer in a real browser: a check by hand, not a test
 * (`npm test` needs no browser; test/explorer.test.ts checks what the router
 * serves).
 *
 *   node bench/explorer-browser.ts
 *   CHROMIUM=/usr/bin/chromium EXPLORER_SCREENSHOTS=/tmp/explorer node bench/explorer-browser.ts
 *
 * It needs Chromium (Debian: `apt-get install chromium`) and nothing from npm
 * beyond the project's own packages: it drives the browser over the Chrome
 * DevTools Protocol with `ws`. It starts everything itself, as
 * bench/transfers.ts does: an embedded PostgreSQL in a temporary folder, the
 * subgraphs and the router in this process (development, with the demo
 * users), then a headless Chromium whose resolver knows no host but
 * 127.0.0.1, so nothing can come from the internet.
 *
 * In the page it signs in with the login mutation typed in the query editor,
 * puts the token in the headers editor as `Authorization: Bearer <token>`,
 * runs `me`, then runs a `notificationAdded` subscription and sees a transfer
 * arrive on it. It prints each step, every request the page made (all to the
 * router), console errors and policy violations (none expected), and saves
 * screenshots. It exits non-zero when a step fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { startStack, type RunningStack } from '../bin/stack.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { testEnv } from '../test/support/stack.ts';
import { graphql, must, startBenchDatabases, type BenchDatabases } from './support.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.EXPLORER_SCREENSHOTS ?? path.join(os.tmpdir(), 'bank-explorer-screenshots');
/** The demo users that `npm start` creates (README, development accounts). */
const CUSTOMER = { email: 'customer@bank.local', password: 'demo-password-2026' };
const OWNER = { email: 'owner@bank.local', password: 'demo-password-2026' };
const STEP_TIMEOUT_MS = 20_000;

type CdpListener = (method: string, params: Record<string, unknown>, sessionId?: string) => void;

/** A Chrome DevTools Protocol connection: commands, and events to listeners. */
class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners: CdpListener[] = [];

  private readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      if (message.id !== undefined) {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiting?.reject(new Error(message.error.message));
        else waiting?.resolve(message.result);
      } else if (message.method) {
        for (const listener of this.listeners) listener(message.method, message.params ?? {}, message.sessionId);
      }
    });
  }

  static connect(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.once('open', () => resolve(new Cdp(socket)));
      socket.once('error', reject);
    });
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  on(listener: CdpListener): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.socket.close();
  }
}

/** Starts headless Chromium with a fresh profile; resolves with its DevTools address. */
async function startChromium(profile: string): Promise<{ process: ChildProcess; url: string }> {
  const chromium = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--no-default-browser-check',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      // No internet, as on the machine the explorer is for: every name but the router's fails to resolve.
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      '--window-size=1400,900',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), STEP_TIMEOUT_MS);
    chromium.stderr?.setEncoding('utf8');
    chromium.stderr?.on('data', (chunk: string) => {
      seen += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    chromium.once('error', reject);
    chromium.once('exit', (code) => reject(new Error(`Chromium exited with ${code}: ${seen}`)));
  });
  return { process: chromium, url };
}

/** One tab, driven through its DevTools session. */
class Tab {
  private readonly cdp: Cdp;
  private readonly sessionId: string;

  constructor(cdp: Cdp, sessionId: string) {
    this.cdp = cdp;
    this.sessionId = sessionId;
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}): Promise<T> {
    return this.cdp.send<T>(method, params, this.sessionId);
  }

  /** The value of a JavaScript expression in the page (awaited when a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }

  /** Polls `expression` until it is truthy; its value. */
  async waitFor<T>(what: string, expression: string): Promise<T> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const value = await this.evaluate<T>(expression).catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  /** Clicks the middle of the first element matching `selector` (and showing `text`), as a mouse would. */
  async click(selector: string, text = ''): Promise<void> {
    const box = await this.waitFor<{ x: number; y: number }>(
      `${selector} ${text}`,
      `(() => { const e = [...document.querySelectorAll(${JSON.stringify(selector)})]
          .find((e) => e.textContent.includes(${JSON.stringify(text)})); if (!e) return null;
        const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`,
    );
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x: box.x, y: box.y, button: 'left', clickCount: 1 });
    }
  }

  /** Empties the CodeMirror editor in `selector`, then types `text` into it as keyboard input. */
  async type(selector: string, text: string): Promise<void> {
    const editor = `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror`;
    await this.waitFor(selector, `!!${editor}`);
    await this.evaluate(`(${editor}.setValue(''), ${editor}.focus(), true)`);
    await this.send('Input.insertText', { text });
    const typed = await this.evaluate<string>(`${editor}.getValue()`);
    if (typed !== text) throw new Error(`typed ${JSON.stringify(text)} into ${selector}, it shows ${typed}`);
    // GraphiQL parses what was typed a moment later; the run button acts on what it last parsed.
    await sleep(500);
  }

  /** The text of the response pane once it shows JSON for which `accept` is true. */
  async response<T>(what: string, accept: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const text = await this.evaluate<string>(
        `document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue() ?? ''`,
      );
      try {
        const value = JSON.parse(text) as T;
        if (accept(value)) return value;
      } catch {
        // not JSON yet (empty, or a subscription still waiting)
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the response pane shows ${text}`);
      await sleep(100);
    }
  }

  async screenshot(file: string): Promise<string> {
    const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    const target = path.join(SCREENSHOTS, file);
    await writeFile(target, Buffer.from(data, 'base64'));
    return target;
  }
}

interface Observed {
  requests: string[];
  problems: string[];
}

async function openTab(cdp: Cdp, observed: Observed): Promise<Tab> {
  const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  cdp.on((method, params, from) => {
    if (from !== sessionId) return;
    if (method === 'Network.requestWillBeSent') {
      observed.requests.push((params.request as { url: string }).url);
    } else if (method === 'Network.webSocketCreated') {
      observed.requests.push(params.url as string);
    } else if (method === 'Runtime.exceptionThrown') {
      observed.problems.push(`exception: ${JSON.stringify(params.exceptionDetails)}`);
    } else if (
      method === 'Runtime.consoleAPICalled' &&
      ['error', 'warning', 'assert'].includes(params.type as string)
    ) {
      const args = (params.args as { value?: unknown; description?: string }[]).map((a) => a.value ?? a.description);
      observed.problems.push(`console.${params.type as string}: ${args.join(' ')}`);
    } else if (method === 'Log.entryAdded') {
      const entry = params.entry as { level: string; source: string; text: string; url?: string };
      if (entry.level === 'error' || entry.level === 'warning' || entry.source === 'security') {
        observed.problems.push(`${entry.source} ${entry.level}: ${entry.text} ${entry.url ?? ''}`);
      }
    }
  });
  const tab = new Tab(cdp, sessionId);
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await tab.send(`${domain}.enable`);
  // Where a policy violation comes from, and what it refused (the Log entry says only which directive).
  await tab.send('Page.addScriptToEvaluateOnNewDocument', {
    source: `document.addEventListener('securitypolicyviolation', (e) => console.warn('policy violation:',
      e.violatedDirective, JSON.stringify(e.sample), e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));`,
  });
  await tab.send('Emulation.setDeviceMetricsOverride', {
    width: 1400,
    height: 900,
    deviceScaleFactor: 1,
    mobile: false,
  });
  return tab;
}

async function main(): Promise<void> {
  const logger = createLogger({ logLevel: 'silent' }, 'bench');
  let databases: BenchDatabases | undefined;
  let stack: RunningStack | undefined;
  let chromium: ChildProcess | undefined;
  let cdp: Cdp | undefined;
  const profile = await mkdtemp(path.join(os.tmpdir(), 'bank-explorer-chromium-'));
  const cleanUp = async () => {
    cdp?.close();
    chromium?.kill();
    await stack?.close();
    await databases?.stop();
    await rm(profile, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    void cleanUp().finally(() => process.exit(130));
  });
  const step = (text: string) => console.log(`- ${text}`);
  /** Saves what the page showed when a step failed. */
  let failed: (() => Promise<string>) | undefined;

  try {
    await mkdir(SCREENSHOTS, { recursive: true });
    databases = await startBenchDatabases(logger);
    const config = loadConfig(testEnv(databases.urls, { NODE_ENV: 'development', LOG_LEVEL: 'silent' }));
    stack = await startStack({ config, logger, randomPorts: true, seedDemoData: true });
    const routerUrl = stack.routerUrl;
    const origin = new URL(routerUrl).origin;
    step(`router at ${routerUrl}`);

    const browser = await startChromium(profile);
    chromium = browser.process;
    cdp = await Cdp.connect(browser.url);
    const { product } = await cdp.send<{ product: string }>('Browser.getVersion');
    step(`${product} (headless)`);
    const observed: Observed = { requests: [], problems: [] };
    const tab = await openTab(cdp, observed);
    failed = async () => {
      for (const problem of observed.problems) console.log(`    ${problem}`);
      return tab.screenshot('failed.png');
    };

    await tab.send('Page.navigate', { url: `${origin}/explorer` });
    await tab.waitFor('GraphiQL', `!!document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror')`);
    step(`GraphiQL loaded: ${await tab.evaluate<string>('document.title')}`);
    step(`screenshot ${await tab.screenshot('1-loaded.png')}`);

    // The welcome document as it is: Run offers its two operations; SignIn first.
    await tab.click('.graphiql-execute-button');
    await tab.waitFor('the operation menu', `!!document.querySelector('.graphiql-dropdown-item')`);
    step(
      `Run offers: ${await tab.evaluate<string>(`[...document.querySelectorAll('.graphiql-dropdown-item')].map((e) => e.textContent).join(', ')`)}`,
    );
    step(`screenshot ${await tab.screenshot('2-operations.png')}`);
    await tab.click('.graphiql-dropdown-item', 'SignIn');
    const signedIn = await tab.response<{ data?: { login?: { accessToken?: string } } }>(
      'the login result',
      (r) => typeof r.data?.login?.accessToken === 'string',
    );
    const token = signedIn.data?.login?.accessToken as string;
    step(`SignIn ran in the page: accessToken ${token.slice(0, 16)}...`);

    // The token typed in the headers editor; then Me.
    await tab.click('.graphiql-editor-tools button[data-name="headers"]');
    await tab.type('.graphiql-editor-tool .graphiql-editor:not(.hidden)', `{"Authorization": "Bearer ${token}"}`);
    await tab.click('.graphiql-execute-button');
    await tab.click('.graphiql-dropdown-item', 'Me');
    const me = await tab.response<{ data?: { me?: { email?: string } | null } }>(
      'the me result',
      (r) => r.data?.me !== undefined,
    );
    step(`Me with the header: ${JSON.stringify(me)}`);
    if (me.data?.me?.email !== CUSTOMER.email) throw new Error('me did not answer as the signed-in customer');
    step(`screenshot ${await tab.screenshot('3-me.png')}`);

    // The Docs, from the schema the page fetched by introspection.
    await tab.click('.graphiql-sidebar button[aria-label$="Documentation Explorer"]');
    await tab.click('.graphiql-doc-explorer a', 'Query');
    await tab.waitFor(
      'the Query type in the Docs',
      `document.querySelector('.graphiql-doc-explorer')?.textContent.includes('account')`,
    );
    step(
      `Docs show Query: ${await tab.evaluate<string>(`document.querySelector('.graphiql-doc-explorer-title')?.textContent`)}`,
    );
    step(`screenshot ${await tab.screenshot('4-docs.png')}`);

    // A subscription over graphql-ws, with the same header as connectionParams.
    await tab.type(
      '.graphiql-query-editor',
      'subscription Notifications {\n  notificationAdded {\n    kind\n    title\n    body\n  }\n}\n',
    );
    await tab.click('.graphiql-execute-button');
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (stack.router.subscriptions.stats().subscriptions < 1) {
      if (Date.now() > deadline) throw new Error('the subscription did not reach the router');
      await sleep(100);
    }
    step(`subscribed: router stats ${JSON.stringify(stack.router.subscriptions.stats())}`);

    // Money arrives from the business owner: the customer's notification arrives in the page.
    const login = (who: { email: string; password: string }) =>
      must(
        graphql<{ login: { accessToken: string } }>(
          routerUrl,
          'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
          who,
        ),
        'login',
      );
    const openAccount = async (accessToken: string) =>
      (
        await must(
          graphql<{ openAccount: { id: string } }>(
            routerUrl,
            'mutation ($input: OpenAccountInput!) { openAccount(input: $input) { id } }',
            { input: { type: 'CHECKING', currency: 'USD' } },
            accessToken,
          ),
          'openAccount',
        )
      ).openAccount.id;
    const owner = (await login(OWNER)).login.accessToken;
    const from = await openAccount(owner);
    const to = await openAccount(token);
    await must(
      graphql(
        routerUrl,
        'mutation ($input: DepositInput!) { deposit(input: $input) { id } }',
        { input: { accountId: from, amount: '100.00', idempotencyKey: 'explorer-deposit' } },
        owner,
      ),
      'deposit',
    );
    await must(
      graphql(
        routerUrl,
        'mutation ($input: TransferInput!) { transfer(input: $input) { id } }',
        {
          input: {
            fromAccountId: from,
            toAccountId: to,
            amount: '12.34',
            idempotencyKey: 'explorer-transfer',
            description: 'Seen in GraphiQL',
          },
        },
        owner,
      ),
      'transfer',
    );
    const event = await tab.response<{ data?: { notificationAdded?: { kind: string } } }>(
      'the notification',
      (r) => r.data?.notificationAdded !== undefined,
    );
    step(`the subscription delivered: ${JSON.stringify(event)}`);
    step(`screenshot ${await tab.screenshot('5-subscription.png')}`);

    // Stopping it in the page ends it at the router.
    await tab.click('.graphiql-execute-button');
    const stopBy = Date.now() + STEP_TIMEOUT_MS;
    // graphql-ws closes the page's socket once its last subscription is done.
    while (stack.router.subscriptions.stats().subscriptions > 0 || stack.router.subscriptions.stats().sockets > 0) {
      if (Date.now() > stopBy) throw new Error('stopping the subscription did not end it at the router');
      await sleep(100);
    }
    step(`stopped: router stats ${JSON.stringify(stack.router.subscriptions.stats())}`);

    const elsewhere = observed.requests.filter(
      (url) => !url.startsWith(origin) && !url.startsWith(`ws://${new URL(origin).host}`) && !url.startsWith('data:'),
    );
    step(`requests of the page: ${observed.requests.length}, to another host: ${elsewhere.length}`);
    for (const url of new Set(observed.requests))
      console.log(`    ${url.length > 100 ? `${url.slice(0, 100)}...` : url}`);
    step(`console errors and policy violations: ${observed.problems.length}`);
    for (const problem of observed.problems) console.log(`    ${problem}`);
    if (elsewhere.length > 0 || observed.problems.length > 0) process.exitCode = 1;
  } catch (error) {
    if (failed) step(`failed; screenshot ${await failed().catch(() => 'not taken')}`);
    throw error;
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm start` as a user runs it: `node bin/start.ts` in a child process with
 * no database configured. It must boot the embedded PostgreSQL, migrate, seed,
 * serve the router, stop cleanly on Ctrl-C (SIGINT) without leaving
 * PostgreSQL behind, and start again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './support/ports.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dataDir: string;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bank-start-'));
  await chmod(dir, 0o755);
  dataDir = path.join(dir, 'data');
  const ports = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ROUTER_PORT: String(ports[0]),
    IDENTITY_PORT: String(ports[1]),
    BANKING_PORT: String(ports[2]),
    BILLING_PORT: String(ports[3]),
    LENDING_PORT: String(ports[4]),
    MESSAGING_PORT: String(ports[5]),
    EMBEDDED_POSTGRES_PORT: String(ports[6]),
  };
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

/** Starts `node bin/start.ts` and resolves with the router URL once it prints it. */
async function start(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/start.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
    child.stdout?.on('data', () => {
      const match = /Bank supergraph is up: (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before starting:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

async function postgresPid(): Promise<number> {
  const text = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return Number.parseInt(text.split('\n')[0] ?? '', 10);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: { login: { user: { email: string; roles: string[] } } } | null;
    errors?: { extensions: { code: string } }[];
  };
}

const LOGIN = 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ user { email roles } } }';
const REGISTER = 'mutation($i:RegisterInput!){ register(input:$i){ user { id email } } }';

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

test('starts, serves, stops on SIGINT with PostgreSQL gone, and starts again on the same data', async () => {
  const first = await start();
  const demo = await graphql(first.url, LOGIN, { e: 'customer@bank.local', p: 'demo-password-2026' });
  expect(demo.errors).toBeUndefined();
  expect(demo.data?.login.user).toEqual({ email: 'customer@bank.local', roles: ['CUSTOMER'] });
  const registered = await graphql(first.url, REGISTER, {
    i: { email: 'kept@example.com', password: 'survives restarts 42', name: 'Kept', role: 'CUSTOMER' },
  });
  expect(registered.errors).toBeUndefined();

  const pid = await postgresPid();
  expect(alive(pid)).toBe(true);
  first.child.kill('SIGINT');
  expect(await exited(first.child)).toBe(0);
  expect(alive(pid)).toBe(false);

  const second = await start();
  const again = await graphql(second.url, LOGIN, { e: 'kept@example.com', p: 'survives restarts 42' });
  expect(again.errors).toBeUndefined();
  expect(again.data?.login.user.email).toBe('kept@example.com');
  second.child.kill('SIGTERM');
  expect(await exited(second.child)).toBe(0);
});

test('a start after a crash (SIGKILL) stops the orphaned PostgreSQL and comes up', async () => {
  const crashed = await start();
  const orphan = await postgresPid();
  crashed.child.kill('SIGKILL');
  await exited(crashed.child);
  expect(alive(orphan)).toBe(true);

  const next = await start();
  expect(alive(orphan)).toBe(false);
  const login = await graphql(next.url, LOGIN, { e: 'kept@example.com', p: 'survives restarts 42' });
  expect(login.errors).toBeUndefined();
  const pid = await postgresPid();
  next.child.kill('SIGINT');
  expect(await exited(next.child)).toBe(0);
  expect(alive(pid)).toBe(false);
});

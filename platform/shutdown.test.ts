/**
 * stopOnSignals: a signal runs `close` once and exits 0 (1 if it failed); a
 * stop that does not finish in its grace period, or a second signal, exits 1
 * without waiting. `exit` is replaced so the test process stays.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from './logger.ts';
import { stopOnSignals } from './shutdown.ts';

const logger = createLogger({ logLevel: 'silent' }, 'test');

/** The listeners a test adds are removed after it, so tests do not see each other's. */
let before: { SIGINT: Set<NodeJS.SignalsListener>; SIGTERM: Set<NodeJS.SignalsListener> };
beforeEach(() => {
  before = { SIGINT: new Set(process.listeners('SIGINT')), SIGTERM: new Set(process.listeners('SIGTERM')) };
});
afterEach(() => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].has(listener)) process.off(signal, listener);
  }
});

function setUp(close: () => Promise<void>, graceMs = 5_000) {
  const codes: number[] = [];
  let calls = 0;
  stopOnSignals(
    logger,
    () => {
      calls += 1;
      return close();
    },
    { graceMs, exit: (code) => codes.push(code) },
  );
  return { codes, calls: () => calls };
}

/** Delivers a signal to this process's own listeners (as `kill` would, without the default action). */
const signal = (name: 'SIGINT' | 'SIGTERM') => process.emit(name, name);

test('a signal runs close once, then exits 0', async () => {
  const { codes, calls } = setUp(async () => sleep(20));
  signal('SIGTERM');
  await sleep(100);
  expect(calls()).toBe(1);
  expect(codes).toEqual([0]);
});

test('a close that fails exits 1', async () => {
  const { codes } = setUp(async () => {
    throw new Error('database gone');
  });
  signal('SIGINT');
  await sleep(50);
  expect(codes).toEqual([1]);
});

test('a close that never finishes exits 1 after the grace period', async () => {
  const { codes, calls } = setUp(() => new Promise<void>(() => undefined), 100);
  signal('SIGINT');
  await sleep(30);
  expect(codes).toEqual([]);
  await sleep(200);
  expect(codes).toEqual([1]);
  expect(calls()).toBe(1);
});

test('a second signal exits 1 at once, without running close again', async () => {
  const { codes, calls } = setUp(() => new Promise<void>(() => undefined), 300);
  signal('SIGINT');
  await sleep(10);
  signal('SIGINT');
  expect(codes).toEqual([1]);
  expect(calls()).toBe(1);
  // (Here the process would be gone; the test lets the grace timer run out before the next test.)
  await sleep(400);
});

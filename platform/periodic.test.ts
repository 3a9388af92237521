/**
 * startPeriodic: runs at once, then every interval, never two runs at a time
 * (a run longer than the interval is not joined by another), and its stop
 * waits for the run in progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '../test/support/ws.ts';
import { createLogger } from './logger.ts';
import { startPeriodic } from './periodic.ts';

const logger = createLogger({ logLevel: 'silent' }, 'test');

test('a run longer than the interval is never joined by a second one', async () => {
  let active = 0;
  let most = 0;
  let runs = 0;
  const stop = startPeriodic(
    'slow job',
    async () => {
      runs += 1;
      active += 1;
      most = Math.max(most, active);
      await sleep(120);
      active -= 1;
    },
    20,
    logger,
  );
  // Each run takes six intervals: three runs are many ticks at which a second run could have joined.
  await until(() => runs >= 3);
  await stop();
  expect(most).toBe(1);
  expect(active).toBe(0);
});

test('a failed run is logged and the next tick runs again; stop waits for the run in progress', async () => {
  let runs = 0;
  let finished = false;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const stop = startPeriodic(
    'failing job',
    async () => {
      runs += 1;
      if (runs === 1) throw new Error('transient');
      await held;
      finished = true;
    },
    10,
    logger,
  );
  await until(() => runs === 2);
  let stopReturned = false;
  const stopped = stop().then(() => {
    stopReturned = true;
  });
  await sleep(30);
  // The second run is still held, so stop has not returned.
  expect(stopReturned).toBe(false);
  release();
  await stopped;
  expect(finished).toBe(true);
  expect(runs).toBe(2);
});

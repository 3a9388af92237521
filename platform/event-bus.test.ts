import { randomUUID } from 'node:crypto';
import { InProcessEventBus, type DomainEvent } from './event-bus.ts';

const event = (type: string): DomainEvent => ({
  id: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  payload: {},
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the bus work until `condition` holds, or for a thousand turns of the event loop. */
async function settleUntil(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn += 1) await settle();
}

describe('InProcessEventBus', () => {
  test('publish reaches current subscribers of the topic only, until they unsubscribe', async () => {
    const bus = new InProcessEventBus();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = await bus.subscribe('t1', (m) => a.push(m));
    await bus.subscribe('t2', (m) => b.push(m));
    await bus.publish('t1', 1);
    await stopA();
    await bus.publish('t1', 2);
    await bus.publish('t2', 3);
    expect(a).toEqual([1]);
    expect(b).toEqual([3]);
    await bus.close();
  });

  test('a consumer group that starts late receives what was appended before, in order', async () => {
    const bus = new InProcessEventBus();
    const first = event('x.first');
    const second = event('x.second');
    await bus.append(first);
    await bus.append(second);
    const seen: string[] = [];
    await bus.consume(
      'notifications',
      async (e) => {
        seen.push(e.id);
      },
      { types: ['x.first', 'x.second'] },
    );
    await settle();
    expect(seen).toEqual([first.id, second.id]);
    await bus.close();
  });

  test('a failing handler leaves the event unacknowledged: it is delivered again with the next one', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    let fail = true;
    await bus.consume(
      'g',
      async (e) => {
        seen.push(e.type);
        if (fail) {
          fail = false;
          throw new Error('down');
        }
      },
      { types: ['one', 'two'] },
    );
    await bus.append(event('one'));
    await settle();
    await bus.append(event('two'));
    await settle();
    expect(seen).toEqual(['one', 'one', 'two']);
    await bus.close();
  });

  test('each group has its own position in the stream', async () => {
    const bus = new InProcessEventBus();
    const a: string[] = [];
    const b: string[] = [];
    await bus.consume('a', async (e) => void a.push(e.type), { types: ['one', 'two'] });
    await bus.append(event('one'));
    await settle();
    await bus.consume('b', async (e) => void b.push(e.type), { types: ['one', 'two'] });
    await bus.append(event('two'));
    await settle();
    expect(a).toEqual(['one', 'two']);
    expect(b).toEqual(['one', 'two']);
    await bus.close();
  });

  test('with a concurrency, events are in hand together; a failure holds the position there, and it and those after come again', async () => {
    const bus = new InProcessEventBus();
    for (const type of ['one', 'two', 'three', 'four']) await bus.append(event(type));
    const seen: string[] = [];
    let inHand = 0;
    let most = 0;
    let fail = true;
    await bus.consume(
      'g',
      async (e) => {
        inHand += 1;
        most = Math.max(most, inHand);
        await settle();
        inHand -= 1;
        seen.push(e.type);
        if (e.type === 'two' && fail) {
          fail = false;
          throw new Error('down');
        }
      },
      { concurrency: 3, types: ['one', 'two', 'three', 'four', 'five'] },
    );
    await settleUntil(() => seen.length >= 3);
    expect(await bus.consumerLag('g')).toBe(3);
    await bus.append(event('five'));
    await settleUntil(() => seen.length >= 7);
    expect(seen).toEqual(['one', 'two', 'three', 'two', 'three', 'four', 'five']);
    expect(most).toBe(3);
    expect(await bus.consumerLag('g')).toBe(0);
    await bus.close();
  });

  test.each([0, -3, 2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'a concurrency of %p is taken as 1: every event delivered, in order',
    async (concurrency) => {
      const bus = new InProcessEventBus();
      for (const type of ['one', 'two', 'three']) await bus.append(event(type));
      const seen: string[] = [];
      await bus.consume('g', async (e) => void seen.push(e.type), { concurrency, types: ['one', 'two', 'three'] });
      await settleUntil(() => seen.length >= 3);
      expect(seen).toEqual(['one', 'two', 'three']);
      await bus.close();
    },
  );

  describe('retention', () => {
    const numbered = (n: number): DomainEvent => ({ ...event('t'), payload: { n } });
    const numbers = (events: DomainEvent[]) => events.map((e) => e.payload.n);

    test('keeps about `retain` events once every group has handled them: a group that starts later gets those', async () => {
      const bus = new InProcessEventBus({ retain: 10 });
      const early: DomainEvent[] = [];
      await bus.consume('early', async (e) => void early.push(e), { types: ['t'] });
      for (let n = 1; n <= 100; n += 1) {
        await bus.append(numbered(n));
        await settle();
      }
      expect(numbers(early)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const late: DomainEvent[] = [];
      await bus.consume('late', async (e) => void late.push(e), { types: ['t'] });
      await settle();
      // The newest, in order: at least `retain`, at most a tenth more (dropped in steps).
      expect(late.length).toBeGreaterThanOrEqual(10);
      expect(late.length).toBeLessThanOrEqual(11);
      expect(numbers(late)).toEqual(Array.from({ length: late.length }, (_, i) => 101 - late.length + i));
      expect(await bus.consumerLag('late')).toBe(0);
      await bus.close();
    });

    test('never drops an event a group has not handled: a group failing for a while then gets every one', async () => {
      const bus = new InProcessEventBus({ retain: 10 });
      await bus.consume('fine', async () => undefined, { types: ['t'] });
      let failing = true;
      const slow: DomainEvent[] = [];
      await bus.consume(
        'slow',
        async (e) => {
          if (failing) throw new Error('down');
          slow.push(e);
        },
        { types: ['t'] },
      );
      for (let n = 1; n <= 100; n += 1) {
        await bus.append(numbered(n));
        await settle();
      }
      expect(await bus.consumerLag('fine')).toBe(0);
      expect(await bus.consumerLag('slow')).toBe(100);
      failing = false;
      await bus.append(numbered(101));
      await settle();
      expect(numbers(slow)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
      await bus.close();
    });

    test('with no group yet, keeps everything for the first one', async () => {
      const bus = new InProcessEventBus({ retain: 10 });
      for (let n = 1; n <= 50; n += 1) await bus.append(numbered(n));
      const first: DomainEvent[] = [];
      await bus.consume('first', async (e) => void first.push(e), { types: ['t'] });
      await settle();
      expect(first).toHaveLength(50);
      await bus.close();
    });
  });

  test('a group is handed the types it names alone; the others pass as handled, in order with the rest', async () => {
    const bus = new InProcessEventBus();
    for (const type of ['banking.one', 'identity.two', 'banking.three', 'identity.four']) await bus.append(event(type));
    const seen: string[] = [];
    await bus.consume('g', async (e) => void seen.push(e.type), { types: ['identity.two', 'identity.four'] });
    await settleUntil(() => seen.length >= 2);
    await bus.append(event('banking.five'));
    await bus.append(event('identity.two'));
    await settleUntil(() => seen.length >= 3);
    expect(seen).toEqual(['identity.two', 'identity.four', 'identity.two']);
    await settle();
    expect(await bus.consumerLag('g')).toBe(0);
    await expect(bus.consume('none', async () => undefined, { types: [] })).rejects.toThrow('names no event type');
    await bus.close();
  });

  test('presence: a user watches a topic while any of their watches lasts; releasing twice is harmless', async () => {
    const bus = new InProcessEventBus();
    expect(await bus.isWatching('u1', 'conversation.1')).toBe(false);
    const first = await bus.watch('u1', 'conversation.1');
    const second = await bus.watch('u1', 'conversation.1');
    expect(await bus.isWatching('u1', 'conversation.1')).toBe(true);
    expect(await bus.isWatching('u2', 'conversation.1')).toBe(false);
    expect(await bus.isWatching('u1', 'conversation.2')).toBe(false);
    await first();
    await first();
    expect(await bus.isWatching('u1', 'conversation.1')).toBe(true);
    await second();
    expect(await bus.isWatching('u1', 'conversation.1')).toBe(false);
    await bus.close();
  });
});

test('consumerLag counts the events a group has not handled yet (metrics)', async () => {
  const bus = new InProcessEventBus();
  const e = (n: number) => ({ id: String(n), type: 't', occurredAt: new Date().toISOString(), payload: { n } });
  await bus.append(e(1));
  await bus.append(e(2));
  expect(await bus.consumerLag('g')).toBe(2);
  let failing = true;
  await bus.consume(
    'g',
    async () => {
      if (failing) throw new Error('not yet');
    },
    { types: ['t'] },
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await bus.consumerLag('g')).toBe(2);
  failing = false;
  await bus.append(e(3));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await bus.consumerLag('g')).toBe(0);
  expect(bus.isConnected()).toBe(true);
  await bus.close();
});

import { randomUUID } from 'node:crypto';
import { InProcessEventBus, type DomainEvent } from './event-bus.ts';

const event = (type: string): DomainEvent => ({
  id: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  payload: {},
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

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
    await bus.consume('notifications', async (e) => {
      seen.push(e.id);
    });
    await settle();
    expect(seen).toEqual([first.id, second.id]);
    await bus.close();
  });

  test('a failing handler leaves the event unacknowledged: it is delivered again with the next one', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    let fail = true;
    await bus.consume('g', async (e) => {
      seen.push(e.type);
      if (fail) {
        fail = false;
        throw new Error('down');
      }
    });
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
    await bus.consume('a', async (e) => void a.push(e.type));
    await bus.append(event('one'));
    await settle();
    await bus.consume('b', async (e) => void b.push(e.type));
    await bus.append(event('two'));
    await settle();
    expect(a).toEqual(['one', 'two']);
    expect(b).toEqual(['one', 'two']);
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
  await bus.consume('g', async () => {
    if (failing) throw new Error('not yet');
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await bus.consumerLag('g')).toBe(2);
  failing = false;
  await bus.append(e(3));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await bus.consumerLag('g')).toBe(0);
  expect(bus.isConnected()).toBe(true);
  await bus.close();
});

/** The router's entity cache (entity-cache.ts): what it keeps, for how long, and what it gives back. */
import { EntityCache } from './entity-cache.ts';

const QUERY = 'query E($representations:[_Any!]!){_entities(representations:$representations){...on User{name}}}';
const ana = { __typename: 'User', id: 'a' };
const ben = { __typename: 'User', id: 'b' };

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('gives back every representation it holds, and nothing when one is missing', () => {
  const cache = new EntityCache();
  expect(cache.store('identity', QUERY, { representations: [ana, ben] }, [{ name: 'Ana' }, null], 60)).toBe(true);
  expect(cache.lookup('identity', QUERY, { representations: [ben, ana, ben] })?.entities).toEqual([
    null,
    { name: 'Ana' },
    null,
  ]);
  expect(cache.lookup('identity', QUERY, { representations: [ana, { __typename: 'User', id: 'c' }] })).toBeUndefined();
  expect(cache.lookup('identity', QUERY, { representations: [] })).toBeUndefined();
  expect(cache.lookup('identity', QUERY, {})).toBeUndefined();
});

test('keys on the subgraph, the operation text and the other variables', () => {
  const cache = new EntityCache();
  cache.store('identity', QUERY, { representations: [ana], first: 1 }, [{ name: 'Ana' }], 60);
  expect(cache.lookup('identity', QUERY, { representations: [ana], first: 1 })).toBeDefined();
  expect(cache.lookup('identity', QUERY, { representations: [ana], first: 2 })).toBeUndefined();
  expect(cache.lookup('identity', QUERY, { representations: [ana] })).toBeUndefined();
  expect(cache.lookup('lending', QUERY, { representations: [ana], first: 1 })).toBeUndefined();
  expect(cache.lookup('identity', `${QUERY} `, { representations: [ana], first: 1 })).toBeUndefined();
});

test("keeps an entity for the subgraph's max-age, at most its own limit, and says how long is left", () => {
  const time = clock();
  const cache = new EntityCache({ maxAgeSeconds: 30, now: time.now });
  cache.store('identity', QUERY, { representations: [ana] }, [{ name: 'Ana' }], 10);
  cache.store('identity', QUERY, { representations: [ben] }, [{ name: 'Ben' }], 600);
  time.advance(4_000);
  expect(cache.lookup('identity', QUERY, { representations: [ana, ben] })?.maxAgeSeconds).toBe(6);
  time.advance(6_000);
  expect(cache.lookup('identity', QUERY, { representations: [ana] })).toBeUndefined();
  expect(cache.lookup('identity', QUERY, { representations: [ben] })?.maxAgeSeconds).toBe(20);
  time.advance(20_000);
  expect(cache.lookup('identity', QUERY, { representations: [ben] })).toBeUndefined();
  expect(cache.store('identity', QUERY, { representations: [ana] }, [{ name: 'Ana' }], 0)).toBe(false);
  expect(cache.size).toBe(0);
});

test('keeps nothing of an answer that does not match its representations one for one', () => {
  const cache = new EntityCache();
  expect(cache.store('identity', QUERY, { representations: [ana, ben] }, [{ name: 'Ana' }], 60)).toBe(false);
  expect(cache.store('identity', QUERY, { representations: [ana] }, { name: 'Ana' }, 60)).toBe(false);
  expect(cache.store('identity', QUERY, { representations: 'x' }, [{ name: 'Ana' }], 60)).toBe(false);
  expect(cache.size).toBe(0);
});

test('gives a new copy each time, and pushes out the oldest past its size in characters', () => {
  // Each key is a SHA-256 in base64 (44), a NUL and the representation: 75 characters for these.
  const cache = new EntityCache({ maxCharacters: 250 });
  cache.store('identity', QUERY, { representations: [ana] }, [{ name: 'Ana', profile: { title: 't' } }], 60);
  const first = cache.lookup('identity', QUERY, { representations: [ana] })?.entities[0] as {
    profile: { title: string };
  };
  first.profile.title = 'changed';
  expect(cache.lookup('identity', QUERY, { representations: [ana] })?.entities).toEqual([
    { name: 'Ana', profile: { title: 't' } },
  ]);
  cache.store('identity', QUERY, { representations: [ben] }, [{ name: 'Ben' }], 60);
  cache.store('identity', QUERY, { representations: [{ __typename: 'User', id: 'c' }] }, [{ name: 'Cy' }], 60);
  // 113 + 89 + 88 characters: Ana's goes.
  expect(cache.size).toBe(2);
  expect(cache.lookup('identity', QUERY, { representations: [ana] })).toBeUndefined();
  expect(cache.lookup('identity', QUERY, { representations: [ben] })).toBeDefined();
  // An answer larger than the whole cache is not kept at all.
  cache.store('identity', QUERY, { representations: [ana] }, [{ name: 'A'.repeat(300) }], 60);
  expect(cache.size).toBe(0);
});

test('forgets every entity whose representation names an id', () => {
  const cache = new EntityCache();
  cache.store('identity', QUERY, { representations: [ana, ben] }, [{ name: 'Ana' }, { name: 'Ben' }], 60);
  cache.store('identity', `${QUERY} `, { representations: [ana] }, [{ name: 'Ana' }], 60);
  cache.forget('a');
  expect(cache.size).toBe(1);
  expect(cache.lookup('identity', QUERY, { representations: [ben] })).toBeDefined();
  expect(cache.lookup('identity', QUERY, { representations: [ana] })).toBeUndefined();
});

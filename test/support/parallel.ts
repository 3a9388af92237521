/** Bounded concurrency for tests and benchmarks that make many requests. */

/** Runs `task(i)` for every i below `count`, with at most `limit` in flight. */
export async function inParallel(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
}

export default async function globalTeardown(): Promise<void> {
  await globalThis.__BANK_TEST_TEARDOWN__?.();
}

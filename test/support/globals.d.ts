// Shared between Jest's global setup and teardown (same process).
declare global {
  var __BANK_TEST_TEARDOWN__: (() => Promise<void>) | undefined;
}
export {};

/**
 * `npm test`'s first step, run as npm runs it: without Redis it stops with
 * the one message saying how to get it; with Redis it says nothing.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REDIS_MISSING } from '../test/support/redis.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs the check with exactly `env` (no REDIS_URL unless given). */
function check(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/check-test-prerequisites.ts'], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('with an empty PATH and no REDIS_URL it fails with how to get Redis', async () => {
  const result = await check({ PATH: '' });
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`${REDIS_MISSING}\n`);
  expect(result.stderr).toContain('apt-get install redis-server');
  expect(result.stderr).toContain('brew install redis');
  expect(result.stderr).toContain('REDIS_URL');
});

test('REDIS_URL, or redis-server on the PATH, is enough', async () => {
  expect(await check({ PATH: '', REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual({ code: 0, stdout: '', stderr: '' });

  const dir = await mkdtemp(path.join(tmpdir(), 'bank-redis-bin-'));
  try {
    const fake = path.join(dir, 'redis-server');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    expect(await check({ PATH: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    // Present but not executable does not count.
    await chmod(fake, 0o644);
    expect((await check({ PATH: dir })).code).not.toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

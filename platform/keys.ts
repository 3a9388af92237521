/**
 * Signing and encryption keys. Production takes them from the environment and refuses to
 * start without them (see `requireForService`). Development generates them
 * once, on first start, into `<DATA_DIR>/keys/` (never committed), so tokens
 * survive restarts and separate processes on one machine agree.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { callerKeyFor } from './caller.ts';
import { callerKeyVariable, SUBGRAPH_NAMES, type Config, type KeyConfig } from './config.ts';

/** An ES256 (P-256) key pair as PEM strings. */
export interface PemKeyPair {
  privateKey: string;
  publicKey: string;
}

/** Generates a fresh ES256 key pair. */
export function generateEs256KeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** A fresh 256-bit symmetric key, base64-encoded. */
export function generateAes256Key(): string {
  return randomBytes(32).toString('base64');
}

/** Fresh keys for every role, held in memory only (tests). */
export function generateKeyConfig(): Required<{ [K in keyof KeyConfig]: string }> {
  const jwt = generateEs256KeyPair();
  const service = generateEs256KeyPair();
  return {
    jwtPrivateKey: jwt.privateKey,
    jwtPublicKey: jwt.publicKey,
    routerCallerSecret: generateAes256Key(),
    serviceSigningPrivateKey: service.privateKey,
    serviceSigningPublicKey: service.publicKey,
    documentEncryptionKey: generateAes256Key(),
    factorEncryptionKey: generateAes256Key(),
  };
}

/** Reads a symmetric key, creating it on first use (exclusively, like {@link loadOrCreatePair}). */
async function loadOrCreateSecret(dir: string, name: string): Promise<string> {
  const file = path.join(dir, `${name}.key`);
  try {
    await writeFile(file, generateAes256Key(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (let attempt = 0; ; attempt += 1) {
    const text = (await readFile(file, 'utf8')).trim();
    // A concurrent creator may not have written it yet.
    if (text !== '' || attempt >= 50) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readPair(privatePath: string, publicPath: string): Promise<PemKeyPair> {
  return { privateKey: await readFile(privatePath, 'utf8'), publicKey: await readFile(publicPath, 'utf8') };
}

/**
 * Reads a key pair, creating it on first use. Two processes starting at once
 * on a fresh folder agree: the private key is created exclusively (`wx`), and
 * the loser waits for the winner's public key instead of writing its own.
 */
async function loadOrCreatePair(dir: string, name: string): Promise<PemKeyPair> {
  const privatePath = path.join(dir, `${name}.private.pem`);
  const publicPath = path.join(dir, `${name}.public.pem`);
  const pair = generateEs256KeyPair();
  try {
    await writeFile(privatePath, pair.privateKey, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await readPair(privatePath, publicPath);
      } catch (readError) {
        if ((readError as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 50) throw readError;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
  await writeFile(publicPath, pair.publicKey, { mode: 0o644 });
  return pair;
}

/**
 * Returns `config` with every missing key filled in from `<DATA_DIR>/keys/`,
 * generating the files on first use. In production it returns `config`
 * unchanged: missing keys are an error there, never generated.
 */
export async function withDevelopmentKeys(config: Config): Promise<Config> {
  if (config.isProduction) return config;
  const k = config.keys;
  if (Object.values(k).every((key) => key !== undefined)) return config;
  const dir = path.join(config.dataDir, 'keys');
  // The data folder stays traversable (PostgreSQL runs as its own user under it); only keys/ is private.
  await mkdir(config.dataDir, { recursive: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const jwt = await loadOrCreatePair(dir, 'jwt');
  const routerCaller = await loadOrCreateSecret(dir, 'router-caller');
  const service = await loadOrCreatePair(dir, 'service-signing');
  const documents = await loadOrCreateSecret(dir, 'document-encryption');
  const factors = await loadOrCreateSecret(dir, 'factor-encryption');
  return Object.freeze({
    ...config,
    keys: {
      jwtPrivateKey: k.jwtPrivateKey ?? jwt.privateKey,
      jwtPublicKey: k.jwtPublicKey ?? jwt.publicKey,
      routerCallerSecret: k.routerCallerSecret ?? routerCaller,
      serviceSigningPrivateKey: k.serviceSigningPrivateKey ?? service.privateKey,
      serviceSigningPublicKey: k.serviceSigningPublicKey ?? service.publicKey,
      documentEncryptionKey: k.documentEncryptionKey ?? documents,
      factorEncryptionKey: k.factorEncryptionKey ?? factors,
    },
  });
}

/** The environment variable of each key. */
const KEY_VARIABLES: Readonly<Record<keyof KeyConfig, string>> = {
  jwtPrivateKey: 'JWT_PRIVATE_KEY',
  jwtPublicKey: 'JWT_PUBLIC_KEY',
  routerCallerSecret: 'ROUTER_CALLER_SECRET',
  serviceSigningPrivateKey: 'SERVICE_SIGNING_PRIVATE_KEY',
  serviceSigningPublicKey: 'SERVICE_SIGNING_PUBLIC_KEY',
  documentEncryptionKey: 'DOCUMENT_ENCRYPTION_KEY',
  factorEncryptionKey: 'FACTOR_ENCRYPTION_KEY',
};

/**
 * Keys as the environment variables `loadConfig` reads (fresh ones by default): tests, benchmarks, `.env`.
 * Besides the router's secret, each subgraph's caller-header key derived from it (<NAME>_CALLER_KEY), which
 * is what a subgraph in a process of its own is given instead.
 */
export function keyEnvironment(
  keys: Required<{ [K in keyof KeyConfig]: string }> = generateKeyConfig(),
): Record<string, string> {
  return Object.fromEntries([
    ...(Object.keys(KEY_VARIABLES) as (keyof KeyConfig)[]).map((k) => [KEY_VARIABLES[k], keys[k]]),
    ...SUBGRAPH_NAMES.map((n) => [callerKeyVariable(n), callerKeyFor(keys.routerCallerSecret, n)]),
  ]);
}

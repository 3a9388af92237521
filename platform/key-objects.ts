/**
 * PEM (and base64) strings parsed once into KeyObjects. Parsing a PEM on every sign or
 * verify costs about as much as the signature check itself; the key of a
 * service never changes while it runs.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';

const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
const secretKeys = new Map<string, KeyObject>();

export function privateKeyObject(pem: string): KeyObject {
  let key = privateKeys.get(pem);
  if (!key) {
    key = createPrivateKey(pem);
    privateKeys.set(pem, key);
  }
  return key;
}

export function publicKeyObject(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    publicKeys.set(pem, key);
  }
  return key;
}

/** A symmetric key given in base64 (an HMAC key). */
export function secretKeyObject(base64: string): KeyObject {
  let key = secretKeys.get(base64);
  if (!key) {
    key = createSecretKey(Buffer.from(base64, 'base64'));
    secretKeys.set(base64, key);
  }
  return key;
}

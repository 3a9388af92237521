/**
 * A software authenticator for end-to-end tests, as browsers' virtual
 * authenticators (Chrome's DevTools WebAuthn panel, WebDriver's virtual
 * authenticator) are: an ES256 key pair per credential from node:crypto,
 * `none` attestation, and the JSON the browser hands the site
 * (RegistrationResponseJSON, AuthenticationResponseJSON).
 *
 * Registration: attestationObject = CBOR { fmt: "none", attStmt: {}, authData },
 * authData = SHA-256(rpId) | flags (UP, UV, AT) | signCount (4 bytes, big
 * endian) | aaguid (16 zero bytes) | credential id length (2 bytes) |
 * credential id | COSE EC2 public key { 1: 2, 3: -7, -1: 1, -2: x, -3: y }.
 * Assertion: authData without the attested credential, signed with
 * ECDSA-SHA-256 (DER) over authData | SHA-256(clientDataJSON).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

/** The head of a CBOR item: major type and argument. */
function head(major: number, value: number): Buffer {
  if (value < 24) return Buffer.from([(major << 5) | value]);
  if (value < 0x100) return Buffer.from([(major << 5) | 24, value]);
  if (value < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(value, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(value, 1);
  return b;
}

/** A tiny CBOR encoder (RFC 8949): unsigned and negative integers, byte and text strings, arrays, maps. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
const b64url = (data: Buffer | Uint8Array): string => Buffer.from(data).toString('base64url');

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

/** What to do differently from an honest authenticator in an honest browser. */
export interface Tampering {
  /** The origin the "browser" puts in clientDataJSON (default: the authenticator's). */
  origin?: string;
  /** The RP id whose hash goes in authData (default: the options'). */
  rpId?: string;
  /** The challenge signed (default: the options'). */
  challenge?: string;
  /** The counter reported, without moving the authenticator's own. */
  counter?: number;
  /** Another credential id to claim (the signature stays this key's). */
  credentialId?: string;
}

export interface CreationOptionsJSON {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string; type: string; transports?: string[] }[];
  attestation?: string;
  pubKeyCredParams: { alg: number; type: string }[];
}

export interface RequestOptionsJSON {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string; type: string; transports?: string[] }[];
  userVerification?: string;
}

/**
 * One credential of a virtual authenticator. `counter: false` makes it an
 * authenticator without a signature counter (it reports 0 every time, as
 * synced passkeys do).
 */
export class SoftwareAuthenticator {
  readonly credentialId: string;
  readonly transports: string[];
  readonly attachment: 'platform' | 'cross-platform';
  readonly origin: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #counts: boolean;
  #signCount = 0;
  #rpId: string | undefined;
  #userHandle: string | undefined;

  constructor(options: {
    origin: string;
    transports?: string[];
    attachment?: 'platform' | 'cross-platform';
    counter?: boolean;
    /** A copy of another authenticator's credential (a clone). */
    cloneOf?: SoftwareAuthenticator;
  }) {
    this.origin = options.origin;
    this.transports = options.transports ?? ['internal'];
    this.attachment = options.attachment ?? (this.transports.includes('internal') ? 'platform' : 'cross-platform');
    this.#counts = options.counter ?? true;
    const source = options.cloneOf;
    if (source) {
      this.credentialId = source.credentialId;
      this.#privateKey = source.#privateKey;
      this.#publicKey = source.#publicKey;
      this.#signCount = source.#signCount;
      this.#rpId = source.#rpId;
      this.#userHandle = source.#userHandle;
    } else {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      this.#privateKey = pair.privateKey;
      this.#publicKey = pair.publicKey;
      this.credentialId = b64url(randomBytes(32));
    }
  }

  get signCount(): number {
    return this.#signCount;
  }

  /** navigator.credentials.create: the RegistrationResponseJSON for `options`. */
  create(options: CreationOptionsJSON, tampering: Tampering = {}): Record<string, unknown> {
    if (!options.pubKeyCredParams.some((p) => p.alg === -7)) throw new Error('ES256 not offered');
    if (options.excludeCredentials?.some((c) => c.id === this.credentialId)) {
      throw new Error('InvalidStateError: this authenticator is already registered');
    }
    this.#rpId = options.rp.id;
    this.#userHandle = options.user.id;
    const jwk = this.#publicKey.export({ format: 'jwk' });
    const coseKey = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
    const id = Buffer.from(tampering.credentialId ?? this.credentialId, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      this.#authDataHead(
        tampering.rpId ?? options.rp.id ?? 'localhost',
        UP | UV | AT,
        tampering.counter ?? this.#signCount,
      ),
      Buffer.alloc(16),
      idLength,
      id,
      coseKey,
    ]);
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = this.#clientData('webauthn.create', tampering.challenge ?? options.challenge, tampering);
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: this.transports,
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.attachment,
    };
  }

  /** navigator.credentials.get: the AuthenticationResponseJSON for `options`; the counter moves on (when kept). */
  get(options: RequestOptionsJSON, tampering: Tampering = {}): Record<string, unknown> {
    const allowed = options.allowCredentials;
    if (allowed && allowed.length > 0 && !allowed.some((c) => c.id === this.credentialId) && !tampering.credentialId) {
      throw new Error('NotAllowedError: this authenticator holds none of the allowed credentials');
    }
    if (tampering.counter === undefined && this.#counts) this.#signCount += 1;
    const rpId = tampering.rpId ?? options.rpId ?? this.#rpId ?? 'localhost';
    const authData = this.#authDataHead(rpId, UP | UV, tampering.counter ?? this.#signCount);
    const clientDataJSON = this.#clientData('webauthn.get', tampering.challenge ?? options.challenge, tampering);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.#privateKey);
    const id = tampering.credentialId ?? this.credentialId;
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(this.#userHandle ? { userHandle: this.#userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.attachment,
    };
  }

  #authDataHead(rpId: string, flags: number, counter: number): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }

  #clientData(type: string, challenge: string, tampering: Tampering): Buffer {
    return Buffer.from(
      JSON.stringify({ type, challenge, origin: tampering.origin ?? this.origin, crossOrigin: false }),
      'utf8',
    );
  }
}

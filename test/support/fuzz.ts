/**
 * The bank's own fuzzer (test/fuzz.test.ts): bad operations and variables
 * generated from the API schema, so every root field and every argument is
 * covered, with a small seeded PRNG so that a run can be repeated
 * (`FUZZ_SEED`); the malformed HTTP requests and graphql-ws protocol abuse
 * that go with them; and the checks every answer must pass, with failures
 * kept once per (root field, problem) with the smallest reproduction seen.
 *
 * - {@link Random}: mulberry32, the seed from `FUZZ_SEED` or
 *   {@link DEFAULT_FUZZ_SEED};
 * - {@link FuzzValue}: a variable or argument value that keeps its exact
 *   JSON text (`1e309`, `-0` and lone surrogates reach the router as
 *   written, not as JSON.stringify would rewrite them) and its GraphQL
 *   literal, when it has one;
 * - {@link generateOperations}: for every root field, its arguments and the
 *   arguments of fields under it, one bad value (or a missing field, an
 *   unknown one) at a time, over otherwise valid values built with real ids
 *   of the caller's objects so that operations reach the services;
 * - {@link malformedRequests}, {@link WS_ABUSE}: the request and the
 *   protocol themselves;
 * - {@link graphqlProblems}: what is wrong with an answer.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

// ---------------------------------------------------------------------------
// Seeded randomness.
// ---------------------------------------------------------------------------

/** The seed of `npm test`: the same operations on every run unless `FUZZ_SEED` says otherwise. */
export const DEFAULT_FUZZ_SEED = 20_260_210;

/** The seed to use: `FUZZ_SEED` (an integer) when set, else {@link DEFAULT_FUZZ_SEED}. */
export function fuzzSeed(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_FUZZ_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(raw)}`);
  return seed >>> 0;
}

/** mulberry32: a tiny, fast PRNG whose whole state is one 32-bit number. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[this.int(list.length)] as T;
  }
  /** A version-4-shaped UUID (the same ones for the same seed). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16)).join('');
    const variant = (8 + this.int(4)).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

// ---------------------------------------------------------------------------
// Values with their exact JSON text and GraphQL literal.
// ---------------------------------------------------------------------------

export type FuzzValue =
  | { kind: 'string'; value: string }
  /** Verbatim JSON (and GraphQL literal, null when there is none): numbers as written, deep nesting. */
  | { kind: 'raw'; json: string; literal: string | null }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  /** An enum literal; in JSON, its name as a string. */
  | { kind: 'enum'; name: string }
  | { kind: 'list'; items: FuzzValue[] }
  /** Fields as entries, so `__proto__` is a key like any other. */
  | { kind: 'object'; fields: [string, FuzzValue][] };

export const str = (value: string): FuzzValue => ({ kind: 'string', value });
export const raw = (json: string, literal: string | null = json): FuzzValue => ({ kind: 'raw', json, literal });
export const bool = (value: boolean): FuzzValue => ({ kind: 'boolean', value });
export const NULL: FuzzValue = { kind: 'null' };
export const enumValue = (name: string): FuzzValue => ({ kind: 'enum', name });
export const list = (...items: FuzzValue[]): FuzzValue => ({ kind: 'list', items });
export const obj = (...fields: [string, FuzzValue][]): FuzzValue => ({ kind: 'object', fields });

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The value's JSON text, exactly as it goes on the wire. */
export function toJson(value: FuzzValue): string {
  switch (value.kind) {
    case 'string':
      return JSON.stringify(value.value);
    case 'raw':
      return value.json;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
    case 'enum':
      return JSON.stringify(value.name);
    case 'list':
      return `[${value.items.map(toJson).join(',')}]`;
    case 'object':
      return `{${value.fields.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
}

/** The value as a GraphQL literal, or null when it cannot be written as one (a key that is not a Name...). */
export function toLiteral(value: FuzzValue): string | null {
  switch (value.kind) {
    case 'string':
      // JSON's escapes are GraphQL's (\uXXXX included); a lone surrogate escape is GraphQL's own syntax error.
      return JSON.stringify(value.value);
    case 'raw':
      return value.literal;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
    case 'enum':
      return NAME.test(value.name) ? value.name : null;
    case 'list': {
      const items = value.items.map(toLiteral);
      return items.every((i) => i !== null) ? `[${items.join(', ')}]` : null;
    }
    case 'object': {
      const fields = value.fields.map(([k, v]) => {
        const literal = toLiteral(v);
        return NAME.test(k) && literal !== null ? `${k}: ${literal}` : null;
      });
      return fields.every((f) => f !== null) ? `{ ${fields.join(', ')} }` : null;
    }
  }
}

/** A value with a label saying what it is, for reproductions. */
export interface BadValue {
  label: string;
  value: FuzzValue;
}

const bad = (label: string, value: FuzzValue): BadValue => ({ label, value });

/** Long text runs (100 KB strings) shortened for a report; the label says what they were. */
export function abbreviate(text: string, max = 400): string {
  const short = text.replace(/(.)\1{59,}/gsu, (run, ch: string) => `${ch.repeat(8)}…[${run.length} × ${ch}]`);
  return short.length > max ? `${short.slice(0, max)}…[${short.length} chars]` : short;
}

// ---------------------------------------------------------------------------
// The catalogue of bad values.
// ---------------------------------------------------------------------------

const HUGE = 'x'.repeat(100_000);
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf'];
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** A list nested `depth` deep, as JSON and as a literal (built without recursion). */
function deepList(depth: number): FuzzValue {
  const text = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  return raw(text, text);
}

/** An object nested `depth` deep under the key `a` (JSON only: no literal of this depth fits the token limit). */
function deepObject(depth: number): FuzzValue {
  return raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, null);
}

/** Text of every bad shape: size, control characters, invalid UTF-16, prototype names, injection-looking text. */
const BAD_TEXT: BadValue[] = [
  bad('empty string', str('')),
  bad('blank string', str('   ')),
  bad('100 KB string', str(HUGE)),
  bad('NUL', str('a\u0000b')),
  bad('control characters', str('\u0001\u0002\u001b[31m\u007f\u0085')),
  bad('CR LF and tab', str('a\r\nb\tc')),
  bad('lone high surrogate', str('\ud800')),
  bad('lone low surrogate', str('x\udfffy')),
  bad('reversed surrogate pair', str('\udc00\ud800')),
  bad('BOM and zero-width', str('\ufeff\u200b\u200d')),
  bad('right-to-left override', str('\u202eabc')),
  bad('emoji', str('💸🏦')),
  bad('4001 characters', str('m'.repeat(4001))),
  bad('SQL', str("' or 1=1; drop table accounts; --")),
  bad('LIKE wildcards and backslash', str('%_\\')),
  bad('HTML', str('<script>alert(1)</script>')),
  bad('spreadsheet formula', str('=HYPERLINK("http://x")')),
  bad('format strings', str('%s%n%x{0}${x}')),
  ...PROTOTYPE_NAMES.map((name) => bad(`prototype name ${name}`, str(name))),
];

/** Values of the wrong type or shape for any position. */
const WRONG_TYPE: BadValue[] = [
  bad('null', NULL),
  bad('true', bool(true)),
  bad('0', raw('0')),
  bad('-1', raw('-1')),
  bad('1.5', raw('1.5')),
  bad('1e309', raw('1e309')),
  bad('-1e309', raw('-1e309')),
  bad('2^53+1', raw('9007199254740993')),
  bad('-0', raw('-0')),
  bad('1e-400', raw('1e-400')),
  bad('a string', str('x')),
  bad('an empty list', list()),
  bad('a list', list(str('x'))),
  bad('an empty object', obj()),
  bad('an object', obj(['a', raw('1')])),
  bad('an object with __proto__', obj(['__proto__', obj(['isAdmin', bool(true)])])),
  bad('an object with constructor.prototype', obj(['constructor', obj(['prototype', obj(['x', raw('1')])])])),
  bad('a list nested 2300 deep', deepList(2300)),
  bad('an object nested 5000 deep', deepObject(5000)),
  bad('an enum literal', enumValue('NOPE')),
];

const ID_VALUES = (rng: Random, real: string | undefined, other: string | undefined): BadValue[] => [
  bad('not a UUID', str('not-a-uuid')),
  bad('a random UUID', str(rng.uuid())),
  bad('the nil UUID', str('00000000-0000-0000-0000-000000000000')),
  bad('the max UUID', str('ffffffff-ffff-ffff-ffff-ffffffffffff')),
  bad('a UUID of non-hex digits', str('zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz')),
  bad('a UUID without dashes', str(rng.uuid().replaceAll('-', ''))),
  bad('an integer id', raw('12345')),
  bad('an id of 41 digits', str('1'.repeat(41))),
  ...(real
    ? [
        bad('a real id in upper case', str(real.toUpperCase())),
        bad('a real id with spaces', str(` ${real} `)),
        bad('a real id in braces', str(`{${real}}`)),
        bad('a real id with a NUL', str(`${real}\u0000`)),
      ]
    : []),
  ...(other ? [bad('the id of another kind of object', str(other))] : []),
];

const DECIMAL_VALUES: BadValue[] = [
  ...['1e3', '00.1', ' 1', '1 ', '1,000', '-', '.', 'NaN', 'Infinity', '-Infinity', '1'.repeat(41)].map((d) =>
    bad(`decimal "${d.length > 20 ? '41 digits' : d}"`, str(d)),
  ),
  ...['0', '-1.00', '-0', '0.001', '1.', '.5', '+1', '0x10', '1_000', '١٢٣', '１', '1.2.3', '', '10000000000001'].map(
    (d) => bad(`decimal "${d}"`, str(d)),
  ),
  bad('decimal 9999999999999.99', str('9999999999999.99')),
  bad('a JSON number 1.5 for a Decimal', raw('1.5')),
  bad('a JSON number 1e309 for a Decimal', raw('1e309')),
  bad('a JSON number -1e309 for a Decimal', raw('-1e309')),
  bad('a JSON number 1e-400 for a Decimal', raw('1e-400')),
];

const DATE_TIME_VALUES: BadValue[] = [
  '2026-02-30T00:00:00Z',
  '9999-99-99T99:99:99Z',
  '0000-00-00T00:00:00Z',
  '2026-01-01',
  'not a date',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-19T00:00:00Z',
  '2026-01-01T00:00:00+25:00',
  '2026-13-01T00:00:00Z',
  '2026-01-01T00:00:00',
  '0001-01-01T00:00:00Z',
  '0000-06-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '9999-12-31T23:00:00-01:00',
].map((d) => bad(`date-time "${d}"`, str(d)));

const DAY_VALUES: BadValue[] = [
  '2026-02-30',
  '9999-99-99',
  '0000-00-00',
  '2026-13-01',
  '2026-1-1',
  '20260101',
  ' 2026-01-01',
  '2026-01-01T00:00:00Z',
  '1900-01-01',
  '9999-12-31',
  '-001-01-01',
  '0001-01-01',
].map((d) => bad(`date "${d}"`, str(d)));

const MONTH_VALUES: BadValue[] = [
  '2026-13',
  '0000-00',
  '9999-99',
  '2026-1',
  '2026-00',
  '202601',
  '2026-02-30',
  '9999-12',
  '0001-01',
  '-2026-01',
  '0099-05',
].map((m) => bad(`month "${m}"`, str(m)));

const INT_VALUES: BadValue[] = [
  bad('-1', raw('-1')),
  bad('0', raw('0')),
  bad('101', raw('101')),
  bad('1001', raw('1001')),
  bad('1e9', raw('1e9')),
  bad('2^31', raw('2147483648')),
  bad('2^31-1', raw('2147483647')),
  bad('-2^31-1', raw('-2147483649')),
  bad('2^53+1', raw('9007199254740993')),
  bad('1.5', raw('1.5')),
  bad('"5" as a string', str('5')),
  bad('-0', raw('-0')),
  bad('1e-400', raw('1e-400')),
  bad('1e309', raw('1e309')),
];

const CURSOR_VALUES: BadValue[] = [
  bad('cursor "garbage"', str('garbage')),
  bad('cursor base64 of garbage', str(b64('garbage'))),
  bad('cursor "===="', str('====')),
  bad('cursor base64 of []', str(b64url('[]'))),
  bad('cursor base64 of [-1]', str(b64url('[-1]'))),
  bad('cursor base64 of [1e400]', str(b64url('[1e400]'))),
  bad('cursor base64 of [null]', str(b64url('[null]'))),
  bad('cursor base64 of [{}]', str(b64url('[{}]'))),
  bad('cursor base64 of a bad date and a bad id', str(b64url('["9999-99-99T99:99:99.999Z","x"]'))),
  bad(
    'cursor base64 of the year 275760',
    str(b64url('["+275760-09-13T00:00:00.000Z","00000000-0000-0000-0000-000000000000"]')),
  ),
  bad('cursor base64 of [2^53+1]', str(b64url('[9007199254740993]'))),
  bad('cursor base64 of {"__proto__":{}}', str(b64url('{"__proto__":{"seq":1}}'))),
  bad('cursor base64 of NUL', str(b64url('["\\u0000"]'))),
  bad('cursor base64 of 100 KB', str(b64url(`["${'x'.repeat(100_000)}"]`))),
];

const BOOLEAN_VALUES: BadValue[] = [
  bad('"true" as a string', str('true')),
  bad('1 for a Boolean', raw('1')),
  bad('0 for a Boolean', raw('0')),
];

const EMAIL_VALUES: BadValue[] = [
  'a@',
  '@',
  'a@b',
  'a@@b.example',
  'a@b..example',
  '"a b"@example.com',
  `${'e'.repeat(300)}@example.com`,
  'ü@ëxample.com',
  'A@EXAMPLE.COM',
].map((e) => bad(`email "${abbreviate(e, 40)}"`, str(e)));

const PASSWORD_VALUES: BadValue[] = [
  bad('password of 11 characters', str('short-pass1')),
  bad('password of 129 characters', str('p'.repeat(129))),
];

const BASE64_VALUES: BadValue[] = [
  bad('base64 "!!!"', str('!!!')),
  bad('base64 "===="', str('====')),
  bad('base64 without padding', str('YQ')),
  bad('base64 of text that is no document', str(b64('just text, not a PDF'))),
  bad(
    'base64 of 2.1 MiB',
    str(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2_200_000, 0x20)]).toString('base64')),
  ),
];

const CONTENT_TYPE_VALUES: BadValue[] = [
  'application/x-msdownload',
  'application/pdf; charset=utf-8',
  'APPLICATION/PDF',
  'image/png',
  'text/html',
].map((t) => bad(`content type "${t}"`, str(t)));

const FILE_NAME_VALUES: BadValue[] = ['../../etc/passwd', 'a/b.pdf', 'CON', '.pdf', 'a\\b.pdf'].map((n) =>
  bad(`file name "${n}"`, str(n)),
);

/** Bad values of a list position, given one good item. */
function listValues(item: FuzzValue | undefined): BadValue[] {
  const one = item ?? str('x');
  return [
    bad('a list with a null item', list(one, NULL)),
    bad('a list of 10000 items', list(...Array.from({ length: 10_000 }, () => one))),
    bad('a list of lists', list(list(one))),
    bad('a single item for a list', one),
    bad('a list of the same item twice', list(one, one)),
  ];
}

/** Bad values of an input object position (structure: the field-level ones are separate slots). */
function objectValues(good: FuzzValue | undefined): BadValue[] {
  const fields = good?.kind === 'object' ? good.fields : [];
  return [
    bad('an unknown extra field', obj(...fields, ['nope', raw('1')])),
    bad('an extra __proto__ field', obj(...fields, ['__proto__', obj(['roles', list(enumValue('ADMIN'))])])),
    bad('an extra constructor field', obj(...fields, ['constructor', str('x')])),
    bad('an extra field named ""', obj(...fields, ['', raw('1')])),
    bad('an extra field with a NUL in its name', obj(...fields, ['a\u0000b', raw('1')])),
    bad('the object in a list', list(good ?? obj())),
    bad('the object as a JSON string', str(toJson(good ?? obj()))),
  ];
}

// ---------------------------------------------------------------------------
// The world: real objects to mix in.
// ---------------------------------------------------------------------------

export const FUZZ_ROLES = ['ANONYMOUS', 'CUSTOMER', 'BUSINESS_OWNER', 'BANKER', 'RISK_OFFICER', 'ADMIN'] as const;
export type FuzzRole = (typeof FUZZ_ROLES)[number];

/** A real object of the test bank, and whose it is (null: anyone's to name). */
export interface WorldObject {
  id: string;
  owner: FuzzRole | null;
  label: string;
}

/** What the generator mixes into operations so that they reach the services. */
export interface FuzzWorld {
  tokens: Partial<Record<FuzzRole, string>>;
  /** Real objects by kind (account, bill, application...). */
  objects: Record<string, WorldObject[]>;
  /** An email that signs in with `password`, and a refresh token of a throwaway session. */
  loginEmail: string;
  password: string;
  refreshToken: string;
  /** A valid document of a loan application. */
  documentBase64: string;
  /** `YYYY-MM-DD` `days` from today. */
  day(days: number): string;
}

/** The kind of object an ID argument names, by its name and the root field (`id` of `bill` is a bill). */
export function idKind(root: string, name: string): string | undefined {
  const byName: Record<string, string> = {
    accountId: 'account',
    fromAccountId: 'account',
    toAccountId: 'account',
    disbursementAccountId: 'account',
    billId: 'bill',
    billerId: 'biller',
    userId: 'user',
    bankerId: 'banker',
    participantId: 'participant',
    applicationId: 'application',
    loanApplicationId: 'application',
    loanId: 'loan',
    conversationId: 'conversation',
    ids: 'notification',
    sessionId: 'assistantSession',
    actionId: 'assistantAction',
  };
  const byRoot: Record<string, string> = {
    account: 'account',
    freezeAccount: 'account',
    unfreezeAccount: 'account',
    transaction: 'transaction',
    categorizeTransaction: 'transaction',
    tagTransaction: 'transaction',
    bill: 'bill',
    cancelBill: 'bill',
    billPayment: 'billPayment',
    loanApplication: 'application',
    loanDocument: 'document',
    loan: 'loan',
    conversation: 'conversation',
    cancelScheduledPayment: 'scheduledPayment',
    updateBiller: 'biller',
    assistantSession: 'assistantSession',
  };
  if (Object.hasOwn(byName, name)) return byName[name];
  if (name === 'id' && Object.hasOwn(byRoot, root)) return byRoot[root];
  return undefined;
}

// ---------------------------------------------------------------------------
// Operations.
// ---------------------------------------------------------------------------

/** The API schema clients see, as the router serves it. */
export function loadApiSchema(): GraphQLSchema {
  const sdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
  return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
}

/** A field of a generated selection, with its argument values. */
export interface SelectedField {
  name: string;
  /** Null for `__typename`. */
  field: GraphQLField<unknown, unknown> | null;
  type: GraphQLOutputType;
  args: [string, FuzzValue][];
  children: SelectedField[] | null;
}

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface FuzzOperation {
  index: number;
  /** `Mutation.deposit`. */
  root: string;
  kind: OperationKind;
  role: FuzzRole;
  /** What this operation does wrong, for the report. */
  what: string;
  query: string;
  /** The whole request body as raw JSON text (also the graphql-ws `subscribe` payload). */
  body: string;
  /** The selection, to check that no non-null field comes back null. */
  shape: SelectedField[];
}

/** One position an argument value can take: under an argument of a field of the selection. */
interface Slot {
  /** Field names from the root field (empty: the root field's own arguments). */
  site: string[];
  /** Argument name, then input field names and list indexes. */
  path: (string | number)[];
  type: GraphQLInputType;
}

type Mutation =
  { kind: 'replace'; value: BadValue } | { kind: 'remove' } | { kind: 'twist'; twist: DocumentTwist; value: BadValue };

/** Things wrong with the document or the variables rather than with a value. */
export const DOCUMENT_TWISTS = [
  'a variable declared with the wrong type',
  'a variable used but not declared',
  'a declared variable not sent',
  'an unused variable',
  'variables named after prototype members',
  'a bad default value',
  'an operationName of no operation',
  'an argument given twice',
  'an unknown argument',
  'an unknown directive',
  '@include with a string',
  'the same response name for different arguments',
] as const;
export type DocumentTwist = (typeof DOCUMENT_TWISTS)[number];

export interface GenerateOptions {
  /** Bad values tried per slot (ids, dates, months: all), besides structural ones (the catalogue rotates across slots from a seeded start). */
  perSlot: number;
  /** Of each root field, operations with valid values per role. */
  validPerRole: number;
  /** Document twists per root field. */
  twistsPerRoot: number;
}

interface Context {
  schema: GraphQLSchema;
  rng: Random;
  world: FuzzWorld;
  root: string;
  role: FuzzRole;
  unique: () => string;
}

/** A real object of `kind` for `role` (one of theirs, else anyone's), or a random UUID. */
function realId(ctx: Context, kind: string | undefined): string {
  const objects = kind ? (ctx.world.objects[kind] ?? []) : [];
  const mine = objects.filter((o) => o.owner === ctx.role || o.owner === null);
  const from = mine.length > 0 ? mine : objects;
  if (from.length === 0) return ctx.rng.uuid();
  return ctx.rng.pick(from).id;
}

function currentMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

/** A valid-looking value of `type` for the argument or input field `name`. Undefined: leave it out. */
function baseline(ctx: Context, type: GraphQLInputType, name: string, required: boolean): FuzzValue | undefined {
  if (isNonNullType(type)) return baseline(ctx, type.ofType, name, true) ?? NULL;
  // Cursors are only sent when they are the slot under test (a made-up one is refused, hiding the rest).
  if (!required && (name === 'after' || name === 'before' || ctx.rng.chance(0.6))) return undefined;
  if (isListType(type)) {
    const item = baseline(ctx, type.ofType as GraphQLInputType, name, true);
    return item === undefined ? list() : list(item);
  }
  if (isInputObjectType(type)) {
    const fields: [string, FuzzValue][] = [];
    for (const field of Object.values(type.getFields())) {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      const value = baseline(ctx, field.type, field.name, required);
      if (value !== undefined) fields.push([field.name, value]);
    }
    return obj(...fields);
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    const preferred: Record<string, string> = { Currency: 'USD', Role: 'CUSTOMER' };
    const wanted = preferred[type.name];
    if (wanted && values.includes(wanted) && ctx.rng.chance(0.8)) return enumValue(wanted);
    return enumValue(ctx.rng.pick(values));
  }
  return scalarBaseline(ctx, type.name, name);
}

function scalarBaseline(ctx: Context, scalar: string, name: string): FuzzValue {
  const { root } = ctx;
  switch (scalar) {
    case 'ID':
      return str(realId(ctx, idKind(root, name)));
    case 'Int': {
      const ints: Record<string, number> = { first: 5, last: 5, termMonths: 12, days: 7 };
      return raw(String(ints[name] ?? 3));
    }
    case 'Boolean':
      return bool(name !== 'availableOnly' && name !== 'unreadOnly');
    case 'DateTime':
      return str(name === 'from' ? new Date(Date.now() - 90 * 86_400_000).toISOString() : new Date().toISOString());
    case 'Decimal': {
      const decimals: Record<string, string> = {
        minAmount: '10000.00',
        maxAmount: '500000.00',
        annualRate: '6.5',
        proposedRate: '7.5',
        threshold: '10.00',
      };
      const amounts: Record<string, string> = {
        loanQuote: '10000.00',
        submitLoanApplication: '50000.00',
        bankers: '20000.00',
        addBill: '25.00',
        issueBill: '25.00',
      };
      return str(decimals[name] ?? (name === 'amount' ? (amounts[root] ?? '1.00') : '1.00'));
    }
    default:
      return str(stringBaseline(ctx, name));
  }
}

function stringBaseline(ctx: Context, name: string): string {
  const { world, root } = ctx;
  switch (name) {
    case 'email':
      return root === 'login' ? world.loginEmail : `fz-${ctx.unique()}@example.com`;
    case 'password':
      return world.password;
    case 'refreshToken':
      return world.refreshToken;
    case 'idempotencyKey':
    case 'clientMessageId':
      return `fz-${ctx.unique()}`;
    case 'dueDate':
      return world.day(10);
    case 'payOn':
      return world.day(5);
    case 'month':
      return currentMonth();
    case 'contentType':
      return 'application/pdf';
    case 'contentBase64':
      return world.documentBase64;
    case 'fileName':
      return 'statement.pdf';
    case 'industry':
    case 'industries':
      return 'Bakeries';
    default:
      return `fuzz ${name}`;
  }
}

/** The kinds of object a root field's id arguments (and input fields) name. */
function idKindsOf(field: GraphQLField<unknown, unknown>): Set<string> {
  const kinds = new Set<string>();
  const walk = (name: string, type: GraphQLInputType, depth: number) => {
    const inner = getNamedType(type);
    if (inner.name === 'ID') {
      const kind = idKind(field.name, name);
      if (kind) kinds.add(kind);
    }
    if (isInputObjectType(inner) && depth < 3) {
      for (const f of Object.values(inner.getFields())) walk(f.name, f.type, depth + 1);
    }
  };
  for (const arg of field.args) walk(arg.name, arg.type, 0);
  return kinds;
}

function isIdType(type: GraphQLInputType): boolean {
  const inner = getNullableType(type);
  return !isListType(inner) && getNamedType(inner).name === 'ID';
}

/** Every slot of an argument: itself, each field of an input object, a list's item. */
function slotsOf(site: string[], path: (string | number)[], type: GraphQLInputType, depth = 0): Slot[] {
  const slots: Slot[] = [{ site, path, type }];
  if (depth > 4) return slots;
  const inner = getNullableType(type);
  if (isListType(inner)) slots.push(...slotsOf(site, [...path, 0], inner.ofType as GraphQLInputType, depth + 1));
  if (isInputObjectType(inner)) {
    for (const field of Object.values(inner.getFields())) {
      slots.push(...slotsOf(site, [...path, field.name], field.type, depth + 1));
    }
  }
  return slots;
}

/** The bad values of a slot, by its type and its name. */
function valuesOf(ctx: Context, slot: Slot, good: FuzzValue | undefined): BadValue[] {
  const type = getNullableType(slot.type);
  const name = String([...slot.path].reverse().find((p) => typeof p === 'string') ?? '');
  if (isListType(type)) {
    const item = good?.kind === 'list' ? good.items[0] : undefined;
    return listValues(item);
  }
  if (isInputObjectType(type)) return objectValues(good);
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    const first = values[0] ?? 'X';
    return [
      bad('an enum value that does not exist', enumValue('NOPE')),
      bad('an enum value in lower case', enumValue(first.toLowerCase())),
      bad('an enum value as a string literal', str(first)),
      bad('an enum value named __proto__', enumValue('__proto__')),
      bad('an enum value named constructor', enumValue('constructor')),
      bad('an enum value of another enum', enumValue(first === 'USD' ? 'CHECKING' : 'USD')),
    ];
  }
  if (!isLeafType(type)) return [];
  const kindOfId = idKind(ctx.root, name);
  switch (type.name) {
    case 'ID': {
      const objects = Object.entries(ctx.world.objects);
      const other = objects.find(([kind, list]) => kind !== kindOfId && list.length > 0)?.[1][0]?.id;
      const real = good?.kind === 'string' ? good.value : undefined;
      return ID_VALUES(ctx.rng, real, other);
    }
    case 'Decimal':
      return DECIMAL_VALUES;
    case 'DateTime':
      return DATE_TIME_VALUES;
    case 'Int':
      return INT_VALUES;
    case 'Boolean':
      return BOOLEAN_VALUES;
    default:
      break;
  }
  if (name === 'after' || name === 'before') return CURSOR_VALUES;
  if (name === 'month') return MONTH_VALUES;
  if (name === 'dueDate' || name === 'payOn') return DAY_VALUES;
  if (name === 'email') {
    const known = ctx.world.loginEmail;
    return [
      bad('an email already registered', str(known)),
      bad('an email already registered, in upper case', str(known.toUpperCase())),
      bad('an email already registered, with spaces', str(` ${known} `)),
      ...EMAIL_VALUES,
      ...BAD_TEXT.slice(0, 4),
    ];
  }
  if (name === 'idempotencyKey' || name === 'clientMessageId') {
    // One key for operations of every kind, sent concurrently: reuse, races and conflicts.
    return [
      bad('a key shared with other operations', str('fz-shared-key')),
      bad('a key shared with other operations, in upper case', str('FZ-SHARED-KEY')),
      bad('the key of a setup deposit', str('fz-setup-1')),
      ...BAD_TEXT,
    ];
  }
  if (name === 'password') return [...PASSWORD_VALUES, ...BAD_TEXT];
  if (name === 'contentBase64') return BASE64_VALUES;
  if (name === 'contentType') return CONTENT_TYPE_VALUES;
  if (name === 'fileName') return FILE_NAME_VALUES;
  return BAD_TEXT;
}

/** `value` with the slot at `path` replaced (or removed); containers on the way are made from `type`'s baseline. */
function mutateAt(
  ctx: Context,
  value: FuzzValue | undefined,
  type: GraphQLInputType,
  name: string,
  path: readonly (string | number)[],
  change: FuzzValue | null,
): FuzzValue | undefined {
  if (path.length === 0) return change ?? undefined;
  const inner = getNullableType(type);
  const [head, ...rest] = path;
  if (typeof head === 'number' && isListType(inner)) {
    const itemType = inner.ofType as GraphQLInputType;
    const current = value?.kind === 'list' ? value.items : [baseline(ctx, itemType, name, true) ?? NULL];
    const items = current.length > 0 ? [...current] : [baseline(ctx, itemType, name, true) ?? NULL];
    const item = mutateAt(ctx, items[0], itemType, name, rest, change);
    if (item === undefined) items.splice(0, 1);
    else items[0] = item;
    return list(...items);
  }
  if (typeof head === 'string' && isInputObjectType(inner)) {
    const field = inner.getFields()[head];
    if (!field) return value;
    const base = value?.kind === 'object' ? value : baseline(ctx, inner, name, true);
    const fields = base?.kind === 'object' ? [...base.fields] : [];
    const at = fields.findIndex(([k]) => k === head);
    const next = mutateAt(ctx, at >= 0 ? fields[at]?.[1] : undefined, field.type, head, rest, change);
    if (next === undefined) {
      if (at >= 0) fields.splice(at, 1);
    } else if (at >= 0) fields[at] = [head, next];
    else fields.push([head, next]);
    return obj(...fields);
  }
  return value;
}

/** `__typename`, which every object type has. */
const TYPENAME: SelectedField = {
  name: '__typename',
  field: null,
  type: new GraphQLNonNull(GraphQLString),
  args: [],
  children: null,
};

/** Arguments of a field: required ones always, optional ones sometimes; the slot's site always gets all it needs. */
function argumentsOf(ctx: Context, field: GraphQLField<unknown, unknown>): [string, FuzzValue][] {
  const args: [string, FuzzValue][] = [];
  for (const arg of field.args) {
    const value = baseline(ctx, arg.type, arg.name, isRequiredArgument(arg));
    if (value !== undefined) args.push([arg.name, value]);
  }
  return args;
}

/**
 * A selection of `type`: `__typename`, every leaf without required
 * arguments, and a few object fields two levels down; the fields named by
 * `through` are always taken, down to the slot's site.
 */
function selectionOf(ctx: Context, type: GraphQLOutputType, depth: number, through: string[]): SelectedField[] | null {
  const named = getNamedType(type);
  if (isLeafType(named)) return null;
  const typename: SelectedField = { ...TYPENAME };
  if (!isObjectType(named)) return [typename];
  const out: SelectedField[] = [typename];
  let nested = 0;
  for (const field of Object.values(named.getFields()) as GraphQLField<unknown, unknown>[]) {
    const wanted = through[0] === field.name;
    const leaf = isLeafType(getNamedType(field.type));
    const needsArgs = field.args.some(isRequiredArgument);
    if (leaf && !needsArgs && field.name !== 'contentBase64') {
      out.push({ name: field.name, field, type: field.type, args: argumentsOf(ctx, field), children: null });
      continue;
    }
    if (!wanted && (leaf || depth >= 2 || nested >= 2 || !ctx.rng.chance(0.25))) continue;
    const children = selectionOf(ctx, field.type, depth + 1, wanted ? through.slice(1) : []);
    if (!wanted) nested += 1;
    out.push({ name: field.name, field, type: field.type, args: argumentsOf(ctx, field), children });
  }
  return out;
}

/** The field at `site` in a selection. */
function fieldAt(selection: SelectedField[] | null, site: readonly string[]): SelectedField | undefined {
  let fields = selection;
  let found: SelectedField | undefined;
  for (const name of site) {
    found = fields?.find((f) => f.name === name);
    fields = found?.children ?? null;
  }
  return found;
}

/** Shortest paths (field names) from each query root field to the fields with arguments below it. */
function nestedSites(schema: GraphQLSchema): { root: string; site: string[] }[] {
  const query = schema.getQueryType();
  if (!query) return [];
  const found = new Map<string, { root: string; site: string[] }>();
  for (const rootField of Object.values(query.getFields())) {
    const queue: { type: GraphQLObjectType; site: string[] }[] = [];
    const start = getNamedType(rootField.type);
    if (isObjectType(start)) queue.push({ type: start, site: [] });
    while (queue.length > 0) {
      const { type, site } = queue.shift() as { type: GraphQLObjectType; site: string[] };
      if (site.length >= 4) continue;
      for (const field of Object.values(type.getFields())) {
        const key = `${type.name}.${field.name}`;
        const here = [...site, field.name];
        if (field.args.length > 0) {
          const known = found.get(key);
          if (!known || known.site.length > here.length) found.set(key, { root: rootField.name, site: here });
        }
        const next = getNamedType(field.type);
        if (isObjectType(next)) queue.push({ type: next, site: here });
      }
    }
  }
  return [...found.values()];
}

/** Prints a selection; arguments become variables or literals as `printer` decides. */
interface Printer {
  mode: 'variables' | 'literals' | 'mixed';
  rng: Random;
  variables: { name: string; type: string; value: FuzzValue; default?: string }[];
}

function printArgs(printer: Printer, field: SelectedField): string {
  if (field.args.length === 0) return '';
  const parts = field.args.map(([name, value]) => {
    const argument: GraphQLArgument | undefined = field.field?.args.find((a) => a.name === name);
    const literal = toLiteral(value);
    const inline =
      argument === undefined ||
      (literal !== null && (printer.mode === 'literals' || (printer.mode === 'mixed' && printer.rng.chance(0.5))));
    if (inline && literal !== null) return `${name}: ${literal}`;
    const variable = `v${printer.variables.length}`;
    printer.variables.push({ name: variable, type: String(argument?.type ?? 'String'), value });
    return `${name}: $${variable}`;
  });
  return `(${parts.join(', ')})`;
}

function printSelection(printer: Printer, selection: SelectedField[]): string {
  return selection
    .map((f) => `${f.name}${printArgs(printer, f)}${f.children ? ` { ${printSelection(printer, f.children)} }` : ''}`)
    .join(' ');
}

/** Builds the document and body of one operation, applying a document twist if any. */
function render(
  ctx: Context,
  kind: OperationKind,
  selection: SelectedField[],
  twist: DocumentTwist | undefined,
  twistValue: FuzzValue,
): { query: string; body: string } {
  const printer: Printer = {
    mode: ctx.rng.pick(['variables', 'literals', 'mixed'] as const),
    rng: ctx.rng,
    variables: [],
  };
  if (twist && twist !== 'an unknown directive' && twist !== 'the same response name for different arguments') {
    printer.mode = 'variables';
  }
  let root = selection[0] as SelectedField;
  let extraRoot = '';
  if (twist === 'an argument given twice' && root.args[0]) root = { ...root, args: [...root.args, root.args[0]] };
  if (twist === 'an unknown argument') root = { ...root, args: [...root.args, ['nope', twistValue]] };
  let selectionText = printSelection(printer, [root]);
  if (twist === 'an unknown directive') selectionText = selectionText.replace(root.name, `${root.name} @nope(x: 1)`);
  if (twist === '@include with a string') {
    printer.variables.push({ name: 'inc', type: 'Boolean!', value: str('yes') });
    selectionText = selectionText.replace(root.name, `${root.name} @include(if: $inc)`);
  }
  if (twist === 'the same response name for different arguments') {
    const other: SelectedField = { ...root, args: root.args.map(([n]) => [n, twistValue] as [string, FuzzValue]) };
    const otherPrinter: Printer = { ...printer, mode: 'literals' };
    extraRoot = ` ${root.name}: ${printSelection(otherPrinter, [other])}`;
  }
  const variables = printer.variables;
  let definitions = variables.map((v) => ({ ...v }));
  let sent = variables.map((v) => ({ ...v }));
  const first = definitions[0];
  switch (twist) {
    case 'a variable declared with the wrong type':
      if (first)
        first.type = ctx.rng.pick(['String', 'Int!', '[ID!]', 'Boolean', 'Nope', 'DepositInput', '[[String]]']);
      break;
    case 'a variable used but not declared':
      definitions = definitions.slice(1);
      break;
    case 'a declared variable not sent':
      sent = sent.slice(1);
      break;
    case 'an unused variable':
      definitions.push({ name: 'unused', type: 'String', value: twistValue });
      sent.push({ name: 'unused', type: 'String', value: twistValue });
      break;
    case 'variables named after prototype members':
      for (const name of PROTOTYPE_NAMES) sent.push({ name, type: 'String', value: obj(['polluted', bool(true)]) });
      break;
    case 'a bad default value':
      if (first) {
        first.default = toLiteral(twistValue) ?? '"x"';
        sent = sent.slice(1);
      }
      break;
    default:
      break;
  }
  const header = definitions.length
    ? `(${definitions.map((v) => `$${v.name}: ${v.type}${v.default !== undefined ? ` = ${v.default}` : ''}`).join(', ')})`
    : '';
  const name = `Fuzz${ctx.unique()}`;
  const query = `${kind} ${name}${header} { ${selectionText}${extraRoot} }`;
  const operationName = twist === 'an operationName of no operation' ? 'NotThisOne' : name;
  const variablesText = `{${sent.map((v) => `${JSON.stringify(v.name)}:${toJson(v.value)}`).join(',')}}`;
  const body = `{"query":${JSON.stringify(query)},"variables":${variablesText},"operationName":${JSON.stringify(operationName)}}`;
  return { query, body };
}

/**
 * Every operation of a run: for each root field (Query, Mutation and
 * Subscription), valid operations as each role, then one bad value at a
 * time in every slot of its arguments and of the arguments of fields below
 * it, then document twists. Deterministic for a seed and a world.
 */
export function generateOperations(
  schema: GraphQLSchema,
  world: FuzzWorld,
  seed: number,
  options: GenerateOptions,
): FuzzOperation[] {
  const rng = new Random(seed);
  let counter = 0;
  const unique = () => `${seed.toString(36)}x${(counter += 1).toString(36)}`;
  const operations: FuzzOperation[] = [];
  const rotation = new Map<string, number>();
  const roots: { kind: OperationKind; field: GraphQLField<unknown, unknown> }[] = [];
  for (const [kind, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) roots.push({ kind, field });
  }
  const typeName = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

  const build = (
    kind: OperationKind,
    field: GraphQLField<unknown, unknown>,
    role: FuzzRole,
    slot: Slot | undefined,
    mutation: Mutation | undefined,
  ) => {
    const ctx: Context = { schema, rng, world, root: field.name, role, unique };
    const rootSelected: SelectedField = {
      name: field.name,
      field,
      type: field.type,
      args: argumentsOf(ctx, field),
      children: selectionOf(ctx, field.type, 0, slot?.site ?? []),
    };
    const selection = [rootSelected];
    let what = 'valid values';
    if (slot && mutation && mutation.kind !== 'twist') {
      const target = slot.site.length === 0 ? rootSelected : fieldAt(rootSelected.children, slot.site);
      const argName = slot.path[0] as string;
      const argument = target?.field?.args.find((a) => a.name === argName);
      if (target && argument) {
        const at = target.args.findIndex(([n]) => n === argName);
        const current = at >= 0 ? target.args[at]?.[1] : undefined;
        const change = mutation.kind === 'replace' ? mutation.value.value : null;
        const next = mutateAt(ctx, current, argument.type, argName, slot.path.slice(1), change);
        if (next === undefined) {
          if (at >= 0) target.args.splice(at, 1);
        } else if (at >= 0) target.args[at] = [argName, next];
        else target.args.push([argName, next]);
        const where = [...slot.site, slot.path.map(String).join('.')].join(' > ');
        what = mutation.kind === 'replace' ? `${where} = ${mutation.value.label}` : `${where} left out`;
      }
    }
    const twist = mutation?.kind === 'twist' ? mutation : undefined;
    if (twist) what = `${twist.twist} (${twist.value.label})`;
    const { query, body } = render(ctx, kind, selection, twist?.twist, twist?.value.value ?? NULL);
    const shape = twist?.twist === 'the same response name for different arguments' ? [] : selection;
    operations.push({
      index: operations.length,
      root: `${typeName[kind]}.${field.name}`,
      kind,
      role,
      what,
      query,
      body,
      shape,
    });
  };

  /**
   * The caller of a bad operation: mostly one who owns the objects its ids
   * name (or an ADMIN), so that it gets past authorization to the value
   * under test; otherwise anyone, for the paths of refusal.
   */
  const rolesFor = (field?: GraphQLField<unknown, unknown>) => {
    const owners = new Set<FuzzRole>();
    if (field) {
      for (const kind of idKindsOf(field)) {
        for (const object of world.objects[kind] ?? []) if (object.owner) owners.add(object.owner);
      }
    }
    if (owners.size === 0 || rng.chance(0.3)) return rng.pick(FUZZ_ROLES);
    return rng.pick<FuzzRole>([...owners, 'ADMIN']);
  };

  for (const { kind, field } of roots) {
    for (const role of FUZZ_ROLES) {
      for (let i = 0; i < options.validPerRole; i += 1) build(kind, field, role, undefined, undefined);
    }
    const slots = field.args.flatMap((arg) => slotsOf([], [arg.name], arg.type));
    for (const slot of slots) fuzzSlot(kind, field, slot);
    for (let i = 0; i < options.twistsPerRoot; i += 1) {
      const n = rotation.get('twist') ?? 0;
      rotation.set('twist', n + 1);
      const twist = DOCUMENT_TWISTS[n % DOCUMENT_TWISTS.length] as DocumentTwist;
      build(kind, field, rolesFor(), undefined, {
        kind: 'twist',
        twist,
        value: rng.pick([...WRONG_TYPE, ...BAD_TEXT]),
      });
    }
  }
  // Arguments of fields under the roots (Account.transactions, User.spendingSummary...).
  const query = schema.getQueryType();
  for (const { root, site } of nestedSites(schema)) {
    const field = query?.getFields()[root];
    if (!field) continue;
    let type = getNamedType(field.type);
    let target: GraphQLField<unknown, unknown> | undefined;
    for (const name of site) {
      target = isObjectType(type) ? (type.getFields()[name] as GraphQLField<unknown, unknown>) : undefined;
      if (!target) break;
      type = getNamedType(target.type);
    }
    if (!target) continue;
    for (const arg of target.args) {
      for (const slot of slotsOf(site, [arg.name], arg.type)) fuzzSlot('query', field, slot);
    }
  }
  return operations;

  function fuzzSlot(kind: OperationKind, field: GraphQLField<unknown, unknown>, slot: Slot) {
    // The slot's bad values: its type's, rotated across slots of that type so each is used, then a few of any type.
    const probe: Context = { schema, rng, world, root: field.name, role: 'CUSTOMER', unique };
    const name = String([...slot.path].reverse().find((p) => typeof p === 'string') ?? '');
    const specific = valuesOf(probe, slot, baseline(probe, slot.type, name, true));
    const key = `${String(getNamedType(slot.type))}:${specific.length}:${specific[0]?.label ?? ''}`;
    const start = rotation.get(key) ?? rng.int(specific.length);
    // Ids, dates and months take every value (few, and they reach the services: real ids respelled, years
    // at the ends of the calendar); others rotate.
    const every =
      isIdType(slot.type) || [DATE_TIME_VALUES, DAY_VALUES, MONTH_VALUES].some((values) => values === specific);
    const take = every ? specific.length : Math.min(specific.length, options.perSlot);
    rotation.set(key, start + take);
    const chosen = Array.from({ length: take }, (_, i) => specific[(start + i) % specific.length] as BadValue);
    chosen.push(rng.pick(WRONG_TYPE), rng.pick(WRONG_TYPE), rng.pick(BAD_TEXT));
    for (const value of chosen) build(kind, field, rolesFor(field), slot, { kind: 'replace', value });
    build(kind, field, rolesFor(field), slot, { kind: 'remove' });
  }
}

// ---------------------------------------------------------------------------
// Requests that are wrong as requests.
// ---------------------------------------------------------------------------

/** A raw HTTP request to the router. */
export interface FuzzRequest {
  index: number;
  root: string;
  role: FuzzRole;
  what: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The answer is not expected to be a GraphQL response (a landing page, a HEAD). */
  anyBody?: boolean;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Unsigned and wrongly signed access tokens. */
function badTokens(realToken: string | undefined): [string, string][] {
  const claims = {
    sub: '00000000-0000-4000-8000-000000000000',
    roles: ['ADMIN'],
    iss: 'bank-identity',
    aud: 'bank-api',
  };
  const exp = { exp: 9_999_999_999 };
  const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, ...exp })}.`;
  const hs = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ ...claims, ...exp })}.${'A'.repeat(43)}`;
  const protoClaims = Buffer.from('{"__proto__":{"roles":["ADMIN"]},"sub":"constructor"}').toString('base64url');
  const proto = `${base64url({ alg: 'ES256', kid: '__proto__' })}.${protoClaims}.AAAA`;
  const tokens: [string, string][] = [
    ['garbage', 'garbage'],
    ['Bearer and nothing', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['Bearer a.b.c', 'Bearer a.b.c'],
    ['a JWT with alg none', `Bearer ${none}`],
    ['a JWT with alg HS256', `Bearer ${hs}`],
    ['a JWT with prototype names', `Bearer ${proto}`],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['Bearer and 8 KB', `Bearer ${'a'.repeat(8192)}`],
    ['a JWT of one part', `Bearer ${base64url({ alg: 'ES256' })}`],
    ['a JWT of four parts', 'Bearer a.b.c.d'],
    ['a JWT whose parts are not base64', 'Bearer !!!.???.***'],
    ['a JWT whose header is not JSON', `Bearer ${Buffer.from('nope').toString('base64url')}.e30.AAAA`],
    ['a JWT whose claims are an array', `Bearer ${base64url({ alg: 'ES256' })}.${base64url([1, 2])}.AAAA`],
  ];
  if (realToken) {
    tokens.push(
      ['a real token in lower-case bearer', `bearer ${realToken}`],
      ['a real token twice', `Bearer ${realToken}, Bearer ${realToken}`],
      ['a real token with its signature changed', `Bearer ${realToken.slice(0, -4)}AAAA`],
      ['a real token without Bearer', realToken],
      ['a real token and trailing junk', `Bearer ${realToken} junk`],
    );
  }
  return tokens;
}

/** Malformed requests: bodies, documents, methods, content types, headers, GET with mutations. */
export function malformedRequests(world: FuzzWorld, roles: readonly FuzzRole[]): FuzzRequest[] {
  const requests: FuzzRequest[] = [];
  const json = { 'content-type': 'application/json' };
  const account = world.objects.account?.[0]?.id ?? '00000000-0000-4000-8000-000000000000';
  const post = (what: string, body: string, root = '(request)', headers: Record<string, string> = json) => ({
    what,
    method: 'POST',
    path: '/graphql',
    headers,
    body,
    root,
  });
  const doc = (what: string, query: string, root = '(document)') => post(what, JSON.stringify({ query }), root);
  const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i + 1} on User { ...F${i} ...F${i} }`).join(' ');
  const cases: Omit<FuzzRequest, 'index' | 'role'>[] = [
    // Bodies.
    post('a body that is not JSON', '{'),
    post('a body of words', 'hello'),
    post('an empty JSON body', ''),
    post('a body of NUL', '\u0000'),
    ...['null', '[]', '1', '"q"', 'true', '[{"query":"{ me { id } }"}]'].map((b) => post(`the JSON body ${b}`, b)),
    ...['1', 'null', '{}', '[]', 'true', '""', '"   "'].map((q) => post(`query ${q}`, `{"query":${q}}`)),
    post('no query', '{"variables":{}}'),
    ...['"x"', '[]', '1', 'true', '"{}"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'].map((v) =>
      post(`variables ${v}`, `{"query":"{ me { id } }","variables":${v}}`),
    ),
    ...['1', '{}', '[]', '"Nope"', '""', 'null', '"__proto__"'].map((n) =>
      post(`operationName ${n}`, `{"query":"query A { me { id } }","operationName":${n}}`),
    ),
    ...[
      '"x"',
      '{"persistedQuery":"x"}',
      `{"persistedQuery":{"version":2,"sha256Hash":"${'0'.repeat(64)}"}}`,
      '{"persistedQuery":{"version":1,"sha256Hash":1}}',
      '{"persistedQuery":{"version":1,"sha256Hash":"__proto__"}}',
    ].map((e) => post(`extensions ${e}`, `{"query":"{ me { id } }","extensions":${e}}`)),
    post(
      'a persisted query hash that is not known',
      `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${'a'.repeat(64)}"}}}`,
    ),
    post(
      'duplicate keys in the body',
      '{"query":"{ me { id } }","query":"mutation { logout(refreshToken: \\"x\\") }"}',
    ),
    post('a body of 17 MB', `{"query":"{ me { id } }","variables":{"x":"${'x'.repeat(17 * 1024 * 1024)}"}}`),
    // Documents.
    ...[
      '{',
      'query {',
      '}}}}',
      '{ me { id }',
      'query($a:) { me { id } }',
      'query Q($: Int) { me { id } }',
      'mutation',
      'subscription',
      'fragment F on User { id }',
      '{ me { ...F } }',
      '{ me { id } } { me { id } }',
      '"""unterminated',
      '{ me(id: "\\uD800") { id } }',
      '# only a comment',
      '{ me { id } } garbage',
      'query { me { id } } query { me { name } }',
      '{ __typename }',
      'mutation { __typename }',
      '{ me { id(x: 1) } }',
      '{ nope }',
    ].map((q) => doc(`the document ${q}`, q)),
    doc('200 KB of whitespace', `{ me { id } }${' '.repeat(200_000)}`),
    doc('a 200 KB comment', `#${'c'.repeat(200_000)}\n{ me { id } }`),
    doc('5001 tokens', `{ me { ${'id '.repeat(5001)}} }`),
    doc('selections nested 1600 deep', `{ ${'a { '.repeat(1600)}b${' }'.repeat(1600)} }`),
    doc('owners and accounts 40 deep', `{ me { ${'accounts { owner { '.repeat(20)}id${' } }'.repeat(20)} } }`),
    doc('500 aliases', `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: me { id }`).join(' ')} }`),
    doc('a fragment cycle', '{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }'),
    doc('a fragment spreading itself', '{ me { ...A } } fragment A on User { id ...A }'),
    doc('30 fragments each spreading the last twice', `{ me { ...F30 } } fragment F0 on User { id } ${fragments}`),
    doc(
      'a list literal nested 1200 deep in fields that conflict',
      `{ a: loanQuote(amount: ${toLiteral(deepList(1200))}, annualRate: "1", termMonths: 1) { termMonths } ` +
        'a: loanQuote(amount: "1", annualRate: "1", termMonths: 1) { termMonths } }',
    ),
    doc(
      '@include on a variable in a subscription',
      'subscription($inc: Boolean!) { notificationAdded @include(if: $inc) { id } }',
    ),
    doc('an unknown directive', '{ me @nope { id } }'),
    doc('@skip with a string', '{ me @skip(if: "yes") { id } }'),
    doc('@include without if', '{ me @include { id } }'),
    doc('60 directives', `{ me ${'@skip(if: false) '.repeat(60)}{ id } }`),
    doc('a directive on the operation', 'query @skip(if: true) { me { id } }'),
    doc('@defer', '{ me { id ... @defer { name } } }'),
    doc('@stream', '{ billers @stream(initialCount: 1) { id } }'),
    doc('@deprecated in a query', '{ me @deprecated { id } }'),
    doc('introspection of everything', '{ __schema { types { name fields { name args { name } } } } }'),
    doc(
      'introspection 14 deep',
      `{ __type(name: "User") { ${'fields { type { ofType { '.repeat(4)}name${' } } }'.repeat(4)} } }`,
    ),
    doc('__type named __proto__', '{ __type(name: "__proto__") { name } }'),
    doc('__type named constructor', '{ __type(name: "constructor") { name fields { name } } }'),
    doc('a field named __proto__', '{ __proto__ }'),
    doc('a type condition on __proto__', '{ me { ... on __proto__ { id } } }'),
    doc('a fragment on constructor', '{ me { ...F } } fragment F on constructor { id }'),
    doc('a variable of type __proto__', 'query($v: __proto__) { me { id } }'),
    doc('a variable of type constructor', 'query($v: constructor) { me { id } }'),
    doc(
      'a subscription and a query in one document',
      'subscription S { notificationAdded { id } } query Q { me { id } }',
    ),
    doc(
      'two subscription fields',
      'subscription { notificationAdded { id } messageAdded(conversationId: "x") { id } }',
    ),
    doc('mutation and query of the same name', 'query A { me { id } } mutation A { logout(refreshToken: "x") }'),
    // Content types and methods.
    ...[
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/graphql',
      'application/json; charset=latin1',
      'application/json, text/plain',
      'APPLICATION/JSON',
      'application/jsonx',
    ].map((type) => post(`content type ${type}`, '{"query":"{ me { id } }"}', '(request)', { 'content-type': type })),
    post('no content type', '{"query":"{ me { id } }"}', '(request)', {}),
    ...['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'FOO'].map((method) => ({
      what: `method ${method}`,
      method,
      path: '/graphql',
      headers: json,
      body: '{"query":"{ me { id } }"}',
      root: '(request)',
    })),
    { what: 'method HEAD', method: 'HEAD', path: '/graphql', headers: {}, root: '(request)', anyBody: true },
    // GET.
    ...[
      ['GET with a query', '?query=%7B%20me%20%7B%20id%20%7D%20%7D'],
      ['GET with a mutation', `?query=${encodeURIComponent('mutation { logout(refreshToken: "x") }')}`],
      [
        'GET with a deposit',
        `?query=${encodeURIComponent(`mutation { deposit(input: { accountId: "${account}", amount: "1.00", idempotencyKey: "get" }) { id } }`)}`,
      ],
      ['GET with variables that are not JSON', `?query=${encodeURIComponent('{ me { id } }')}&variables=nope`],
      ['GET with variables []', `?query=${encodeURIComponent('{ me { id } }')}&variables=%5B%5D`],
      ['GET without a query', ''],
      ['GET with two queries', '?query=%7B%20me%20%7B%20id%20%7D%20%7D&query=%7B%20nope%20%7D'],
      ['GET with extensions that are not JSON', `?query=${encodeURIComponent('{ me { id } }')}&extensions=%7B`],
      ['GET with a 12 KB query', `?query=${encodeURIComponent(`{ me { id } }${' '.repeat(12_000)}`)}`],
      ['GET with a 100 KB query', `?query=${'%20'.repeat(33_000)}`],
      ['GET with a NUL', '?query=%00'],
      ['GET with invalid percent-encoding', '?query=%E0%A4%A'],
    ].map(([what, search]) => ({
      what: what as string,
      method: 'GET',
      path: `/graphql${search as string}`,
      headers: { 'apollo-require-preflight': 'true' },
      root: '(request)',
    })),
    {
      what: 'GET with a mutation and no preflight header',
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent('mutation { logout(refreshToken: "x") }')}`,
      headers: {},
      root: '(request)',
    },
    {
      what: 'GET of the landing page',
      method: 'GET',
      path: '/graphql',
      headers: { accept: 'text/html' },
      root: '(request)',
      anyBody: true,
    },
    // Accept headers and multipart subscriptions that are wrong.
    post('Accept multipart for a query', '{"query":"{ me { id } }"}', '(request)', {
      ...json,
      accept: 'multipart/mixed;subscriptionSpec="1.0"',
    }),
    post(
      'Accept multipart for a bad subscription',
      '{"query":"subscription { messageAdded(conversationId: 1e309) { id } }"}',
      'Subscription.messageAdded',
      {
        ...json,
        accept: 'multipart/mixed;subscriptionSpec="1.0"',
      },
    ),
    post(
      'Accept multipart with a garbage spec',
      '{"query":"subscription { notificationAdded(x: 1) { id } }"}',
      'Subscription.notificationAdded',
      {
        ...json,
        accept: 'multipart/mixed;subscriptionSpec="9"; boundary="__proto__"',
      },
    ),
    post(
      'Accept multipart with variables not an object',
      '{"query":"subscription($id: ID!) { messageAdded(conversationId: $id) { id } }","variables":[1]}',
      'Subscription.messageAdded',
      {
        ...json,
        accept: 'multipart/mixed;subscriptionSpec="1.0"',
      },
    ),
    post('Accept that nothing satisfies', '{"query":"{ me { id } }"}', '(request)', { ...json, accept: 'image/png' }),
    // The statement download.
    ...[
      ['no parameters', ''],
      ['a bad account id', `?accountId=nope&month=${new Date().toISOString().slice(0, 7)}`],
      ['a bad month', `?accountId=${account}&month=2026-13`],
      ['a month of the year 0', `?accountId=${account}&month=0000-00`],
      ['the last month of the year 9999', `?accountId=${account}&month=9999-12`],
      ['a month of the year 99', `?accountId=${account}&month=0099-05`],
      ['parameters twice', `?accountId=${account}&accountId=x&month=2026-01&month=x`],
      ['a 100 KB month', `?accountId=${account}&month=${'9'.repeat(100_000)}`],
      ['a NUL account id', `?accountId=%00&month=2026-01`],
      ['__proto__ parameters', '?__proto__=1&constructor=2&accountId=__proto__&month=__proto__'],
    ].map(([what, search]) => ({
      what: `statement download with ${what as string}`,
      method: 'GET',
      path: `/statement.csv${search as string}`,
      headers: {},
      root: '(statement.csv)',
      anyBody: true,
    })),
  ];
  for (const role of roles) {
    for (const c of cases) {
      const token = world.tokens[role];
      const headers = {
        ...c.headers,
        ...(token && !('authorization' in c.headers) ? { authorization: `Bearer ${token}` } : {}),
      };
      requests.push({ ...c, headers, role, index: requests.length });
    }
  }
  // Authorization headers that are wrong, on a query and on a mutation.
  const withToken = world.tokens.CUSTOMER;
  for (const [what, authorization] of badTokens(withToken)) {
    for (const query of [
      '{ me { id } }',
      `mutation { deposit(input: { accountId: "${account}", amount: "1.00", idempotencyKey: "auth" }) { id } }`,
    ]) {
      requests.push({
        index: requests.length,
        root: '(authorization)',
        role: 'ANONYMOUS',
        what: `Authorization: ${what}`,
        method: 'POST',
        path: '/graphql',
        headers: { ...json, authorization },
        body: JSON.stringify({ query }),
      });
    }
  }
  return requests;
}

// ---------------------------------------------------------------------------
// graphql-ws protocol abuse.
// ---------------------------------------------------------------------------

/** One step of a protocol abuse case. */
export type WsStep =
  { init: 'token' | 'anonymous' | { payloadText: string } } | { send: string | Buffer } | { waitMs: number };

export interface WsAbuseCase {
  what: string;
  /** The subprotocol asked for (graphql-transport-ws unless said). */
  protocol?: string | null;
  steps: (world: FuzzWorld) => WsStep[];
  /** Must the server close (with a 44xx code or 1009)? Otherwise it must stay open and answer a ping. */
  closes: boolean;
}

const sub = (id: string, query: string, variables: unknown = {}) =>
  JSON.stringify({ id, type: 'subscribe', payload: { query, variables } });

/** Protocol abuse of graphql-transport-ws: each case runs on a socket of its own. */
export const WS_ABUSE: WsAbuseCase[] = [
  { what: 'subscribe before connection_init', steps: () => [{ send: sub('a', '{ me { id } }') }], closes: true },
  { what: 'ping before connection_init', steps: () => [{ send: '{"type":"ping"}' }, { init: 'token' }], closes: false },
  { what: 'connection_init twice', steps: () => [{ init: 'token' }, { init: 'token' }], closes: true },
  {
    what: 'a duplicate subscription id',
    steps: () => [
      { init: 'token' },
      { send: sub('dup', 'subscription { notificationAdded { id } }') },
      { waitMs: 300 },
      { send: sub('dup', 'subscription { notificationAdded { id } }') },
    ],
    closes: true,
  },
  { what: 'an unknown message type', steps: () => [{ init: 'token' }, { send: '{"type":"nope"}' }], closes: true },
  { what: 'a frame that is not JSON', steps: () => [{ init: 'token' }, { send: '{' }], closes: true },
  { what: 'an empty frame', steps: () => [{ init: 'token' }, { send: '' }], closes: true },
  {
    what: 'a binary frame of garbage',
    steps: () => [{ init: 'token' }, { send: Buffer.from([0xff, 0xfe, 0, 1]) }],
    closes: true,
  },
  ...['[]', '1', 'null', '"x"', '{}'].map((frame) => ({
    what: `the frame ${frame}`,
    steps: (): WsStep[] => [{ init: 'token' }, { send: frame }],
    closes: true,
  })),
  ...[
    ['subscribe without an id', '{"type":"subscribe","payload":{"query":"{ me { id } }"}}'],
    ['subscribe with a numeric id', '{"id":1,"type":"subscribe","payload":{"query":"{ me { id } }"}}'],
    ['subscribe with an empty id', '{"id":"","type":"subscribe","payload":{"query":"{ me { id } }"}}'],
    ['subscribe with an object id', '{"id":{},"type":"subscribe","payload":{"query":"{ me { id } }"}}'],
    ['subscribe without a payload', '{"id":"a","type":"subscribe"}'],
    ['subscribe with a string payload', '{"id":"a","type":"subscribe","payload":"x"}'],
    ['subscribe with a numeric query', '{"id":"a","type":"subscribe","payload":{"query":1}}'],
    [
      'subscribe with string variables',
      '{"id":"a","type":"subscribe","payload":{"query":"{ me { id } }","variables":"x"}}',
    ],
    [
      'subscribe with list variables',
      '{"id":"a","type":"subscribe","payload":{"query":"{ me { id } }","variables":[]}}',
    ],
    [
      'subscribe with a numeric operationName',
      '{"id":"a","type":"subscribe","payload":{"query":"{ me { id } }","operationName":1}}',
    ],
    [
      'subscribe with string extensions',
      '{"id":"a","type":"subscribe","payload":{"query":"{ me { id } }","extensions":"x"}}',
    ],
    ['complete without an id', '{"type":"complete"}'],
    ['a connection_ack from the client', '{"type":"connection_ack"}'],
    ['a next message from the client', '{"id":"a","type":"next","payload":{"data":{}}}'],
    ['an error message from the client', '{"id":"a","type":"error","payload":[]}'],
  ].map(([what, frame]) => ({
    what: what as string,
    steps: (): WsStep[] => [{ init: 'token' }, { send: frame as string }],
    closes: true,
  })),
  {
    what: 'complete for an unknown id',
    steps: () => [{ init: 'token' }, { send: '{"id":"nobody","type":"complete"}' }],
    closes: false,
  },
  {
    what: 'an unsolicited pong',
    steps: () => [{ init: 'token' }, { send: '{"type":"pong","payload":{"x":1}}' }],
    closes: false,
  },
  {
    what: 'a ping with a payload',
    steps: () => [{ init: 'token' }, { send: '{"type":"ping","payload":{"__proto__":{}}}' }],
    closes: false,
  },
  {
    what: 'a 100 KB id',
    steps: () => [{ init: 'token' }, { send: sub('i'.repeat(100_000), '{ me { id } }') }],
    closes: false,
  },
  {
    what: 'a 5 MB query in one frame',
    steps: () => [{ init: 'token' }, { send: sub('big', `{ me { ${'id '.repeat(1_700_000)}} }`) }],
    closes: false,
  },
  {
    what: 'a 17 MB frame',
    steps: () => [{ init: 'token' }, { send: sub('huge', '{ me { id } }', { x: 'x'.repeat(17 * 1024 * 1024) }) }],
    closes: false,
  },
  {
    what: 'subscribe then complete, 100 times',
    steps: () => [
      { init: 'token' },
      ...Array.from({ length: 100 }, (_, i): WsStep[] => [
        { send: sub(`churn${i}`, 'subscription { notificationAdded { id } }') },
        { send: `{"id":"churn${i}","type":"complete"}` },
      ]).flat(),
    ],
    closes: false,
  },
  {
    what: '200 subscribes in one burst',
    steps: () => [
      { init: 'token' },
      ...Array.from({ length: 200 }, (_, i) => ({ send: sub(`b${i}`, '{ me { id } }') })),
    ],
    closes: false,
  },
  ...[
    ['a string', '"x"'],
    ['a list', '[]'],
    ['a numeric authorization', '{"authorization":123}'],
    ['a garbage authorization', '{"authorization":"garbage"}'],
    ['Bearer and nothing', '{"authorization":"Bearer"}'],
    ['an object authorization', '{"authorization":{"toString":"x"}}'],
    ['a __proto__ key', '{"__proto__":{"authorization":"Bearer x"}}'],
    [
      'an unsigned token',
      `{"authorization":"Bearer ${base64url({ alg: 'none' })}.${base64url({ sub: 'x', roles: ['ADMIN'] })}."}`,
    ],
  ].map(([what, payloadText]) => ({
    what: `connection_init with ${what as string} as payload`,
    steps: (): WsStep[] => [{ init: { payloadText: payloadText as string } }],
    // Whether the socket is refused (4403, 4400) or taken as anonymous, it must not die otherwise.
    closes: false,
  })),
  { what: 'no connection_init at all', steps: () => [{ waitMs: 100 }], closes: true },
  { what: 'the legacy subprotocol graphql-ws', protocol: 'graphql-ws', steps: () => [{ init: 'token' }], closes: true },
  { what: 'no subprotocol', protocol: null, steps: () => [{ init: 'token' }], closes: true },
  { what: 'an unknown subprotocol', protocol: 'nope', steps: () => [{ init: 'token' }], closes: true },
];

// ---------------------------------------------------------------------------
// Checks of answers, and the failures found.
// ---------------------------------------------------------------------------

interface GraphQLErrorShape {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown } & Record<string, unknown>;
}

/** A message without ids and numbers, so that the same problem is kept once. */
function generic(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+/g, 'N')
    .slice(0, 120);
}

/** What is wrong with one error list (an `error` message's payload, or a response's `errors`). */
export function errorProblems(errors: unknown): string[] {
  if (!Array.isArray(errors)) return ['errors is not a list'];
  if (errors.length === 0) return ['an empty errors list'];
  const problems: string[] = [];
  for (const error of errors as GraphQLErrorShape[]) {
    const code = error?.extensions?.code;
    if (typeof error?.message !== 'string') problems.push('an error without a message');
    if (typeof code !== 'string') problems.push(`an error without extensions.code: ${generic(String(error?.message))}`);
    else if (code === 'INTERNAL_SERVER_ERROR') problems.push('INTERNAL_SERVER_ERROR');
  }
  return problems;
}

/**
 * What is wrong with a GraphQL response: errors without a code or with
 * INTERNAL_SERVER_ERROR, `data: null` (or no data) without an error, a
 * null where the selection's type is non-null.
 */
export function graphqlProblems(body: unknown, shape: SelectedField[] | null): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['the answer is not a JSON object'];
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  const problems = errors === undefined ? [] : errorProblems(errors);
  const hasErrors = Array.isArray(errors) && errors.length > 0;
  if (data === undefined && !hasErrors) problems.push('neither data nor errors');
  if (data === null && !hasErrors) problems.push('data: null without an error');
  if (data !== null && data !== undefined && shape && shape.length > 0) {
    if (typeof data !== 'object' || Array.isArray(data)) problems.push('data is not an object');
    else nullProblems(data as Record<string, unknown>, shape, 'data', problems);
  }
  return problems;
}

function nullProblems(data: Record<string, unknown>, shape: SelectedField[], parent: string, out: string[]): void {
  for (const field of shape) {
    if (!Object.hasOwn(data, field.name)) {
      out.push(`field ${parent}.${field.name} missing from data`);
      continue;
    }
    walkValue(data[field.name], field.type, field, `${parent}.${field.name}`, out);
  }
}

function walkValue(value: unknown, type: GraphQLOutputType, field: SelectedField, at: string, out: string[]): void {
  if (value === null) {
    if (isNonNullType(type)) out.push(`null for the non-null field ${at.replace(/\.\d+/g, '[]')}`);
    return;
  }
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => walkValue(item, inner.ofType as GraphQLOutputType, field, `${at}.${i}`, out));
    return;
  }
  if (field.children && typeof value === 'object' && !Array.isArray(value)) {
    nullProblems(value as Record<string, unknown>, field.children, at, out);
  }
}

/** One failure of a run, kept once per (root field, problem). */
export interface Failure {
  root: string;
  problem: string;
  /** Text that reproduces it (transport, caller, request). */
  repro: string;
  count: number;
  transports: Set<string>;
}

export class FuzzFailures {
  readonly #byKey = new Map<string, Failure>();

  add(root: string, problem: string, transport: string, repro: string): void {
    const key = `${root}\u0000${problem}`;
    const known = this.#byKey.get(key);
    if (!known) {
      this.#byKey.set(key, { root, problem, repro, count: 1, transports: new Set([transport]) });
      return;
    }
    known.count += 1;
    known.transports.add(transport);
    if (repro.length < known.repro.length) known.repro = repro;
  }

  get size(): number {
    return this.#byKey.size;
  }

  list(): Failure[] {
    return [...this.#byKey.values()].sort((a, b) => a.root.localeCompare(b.root) || a.problem.localeCompare(b.problem));
  }

  /** Every failure with its reproduction, for the one assertion of the suite. */
  report(seed: number): string {
    if (this.size === 0) return '';
    return [
      `${this.size} distinct failure(s) with FUZZ_SEED=${seed}:`,
      ...this.list().map(
        (f) => `\n[${f.root}] ${f.problem} (×${f.count}, over ${[...f.transports].sort().join(' and ')})\n${f.repro}`,
      ),
    ].join('\n');
  }
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

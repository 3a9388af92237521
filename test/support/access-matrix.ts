/**
 * The machinery of the access matrix (test/access-matrix.test.ts, issue 10).
 *
 * A probe is one path to one object that belongs to someone (a root field,
 * a nested field, `_entities`, a mutation's argument, a subscription, a
 * download); a cell is a probe asked by one caller. Each cell is asked about
 * the owner's object and, where the path takes an id, about an id that does
 * not exist: the existence rule says that whoever may not see the object
 * gets the same answer for both (same code, same field, same message, same
 * shape), and none of the owner's data.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonResponse } from './stack.ts';

/** Who asks, in a cell. `owner` is the owner of the probe's object; the last three are parties to it. */
export type CallerKey =
  | 'owner'
  | 'admin'
  | 'customer'
  | 'businessOwner'
  | 'banker'
  | 'riskOfficer'
  | 'anonymous'
  | 'assignedBanker'
  | 'counterparty'
  | 'borrower';

/** How the matrix names each caller. */
export const CALLER_NAMES: Record<CallerKey, string> = {
  owner: 'OWNER',
  admin: 'ADMIN',
  customer: 'CUSTOMER (other)',
  businessOwner: 'BUSINESS_OWNER (other)',
  banker: 'BANKER (not assigned)',
  riskOfficer: 'RISK_OFFICER',
  anonymous: 'anonymous',
  assignedBanker: 'BANKER (assigned)',
  counterparty: 'CUSTOMER (payee of the transfer)',
  borrower: 'BUSINESS_OWNER (borrower)',
};

/** The outsiders of every role, asked in every cell unless a probe says otherwise. */
export const OUTSIDERS: readonly CallerKey[] = ['customer', 'businessOwner', 'banker', 'riskOfficer', 'anonymous'];

/**
 * What a cell must answer: one of `labels`; when `hidden`, no secret of the
 * owner in the data, and (when `sameAsMadeUp` and the probe takes an id) the
 * same answer as for an id that does not exist.
 */
export interface Expect {
  labels: readonly string[];
  hidden: boolean;
  sameAsMadeUp: boolean;
}

/** The caller may not know the object: as for an id that does not exist. */
export const hidden = (...labels: string[]): Expect => ({ labels, hidden: true, sameAsMadeUp: true });
/** The caller may not know the object, on a path that takes no id of it (a nested field of what they see). */
export const unseen = (...labels: string[]): Expect => ({ labels, hidden: true, sameAsMadeUp: false });
/** The caller may know the object (or, for a mutation, the README lets them do it). */
export const seen = (...labels: string[]): Expect => ({ labels, hidden: false, sameAsMadeUp: false });

/** One request and what it answered. */
export interface Observation {
  /** The outcome, as the matrix shows it: an error code, `null`, `visible`, `DONE`, an HTTP status... */
  label: string;
  /** The id the request was about (replaced by `<id>` before comparing). */
  id: string;
  /** The answer, as compared with the answer about a made-up id. */
  answer: unknown;
  /** The request, to reproduce it. */
  request: string;
}

/** One cell's verdict. */
export interface Verdict {
  ok: boolean;
  problems: string[];
}

export type PathKey = readonly (string | number)[];

/** The value at `path` in `data` (undefined past a missing step). */
export function valueAt(data: unknown, path: PathKey): unknown {
  let value: unknown = data;
  for (const step of path) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/** Whether two paths lie on one branch (one is a prefix of the other). */
function onOneBranch(a: PathKey, b: PathKey): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** The first error of `response` on the branch of `focus` (or of the whole request). */
export function errorOn(
  response: JsonResponse,
  focus: PathKey,
): NonNullable<JsonResponse['errors']>[number] | undefined {
  return response.errors?.find((error) => !error.path || onOneBranch(error.path, focus));
}

/** Whether the JSON of `value` holds any of `secrets`. */
export function holds(value: unknown, secrets: readonly string[]): boolean {
  const text = JSON.stringify(value ?? null);
  return secrets.some((secret) => text.includes(secret));
}

export type Kind = 'root' | 'entities' | 'list' | 'mutation';

/**
 * The label of a GraphQL answer at `focus`: the code of an error on its
 * branch; else `null`, `visible` (it holds a secret), `absent` (a list
 * without it), `DONE` (a mutation that answered), `[]` or `data`.
 */
export function labelAt(
  response: JsonResponse,
  focus: PathKey,
  secrets: readonly string[],
  kind: Kind,
  describe?: (value: unknown) => string,
): string {
  const error = errorOn(response, focus);
  if (error) return String(error.extensions?.code ?? 'ERROR');
  const value = valueAt(response.data, focus);
  if (value === null || value === undefined) return 'null';
  if (describe) return describe(value);
  if (kind === 'mutation') return 'DONE';
  if (holds(value, secrets)) return 'visible';
  if (kind === 'list') return 'absent';
  if (Array.isArray(value) && value.length === 0) return '[]';
  return 'data';
}

/** A GraphQL answer reduced to what a client can tell apart: data, and each error's message, path, code and field. */
export function reduced(response: JsonResponse): unknown {
  return {
    data: response.data ?? null,
    errors: (response.errors ?? []).map((error) => ({
      message: error.message,
      path: error.path ?? null,
      code: error.extensions?.code ?? null,
      field: error.extensions?.field ?? null,
    })),
  };
}

/** `answer` with `id` written as `<id>`, so answers about two ids compare. */
export function anonymized(answer: unknown, id: string): unknown {
  return JSON.parse(JSON.stringify(answer ?? null).replaceAll(id, '<id>')) as unknown;
}

/**
 * Judges one cell: the label must be one the cell expects; a hidden cell
 * must hold none of the owner's secrets and, where it is compared, answer
 * exactly as about a made-up id.
 */
export function judge(
  expect: Expect,
  real: Observation,
  madeUp: Observation | undefined,
  secrets: readonly string[],
): Verdict {
  const problems: string[] = [];
  if (!expect.labels.includes(real.label)) {
    problems.push(`answered ${real.label}, expected ${expect.labels.join(' or ')}`);
  }
  if (expect.hidden && holds(real.answer, secrets)) problems.push('the answer holds the owner’s data');
  if (madeUp) {
    const a = anonymized(real.answer, real.id);
    const b = anonymized(madeUp.answer, madeUp.id);
    if (!isDeepStrictEqual(a, b)) {
      problems.push(
        `differs from the answer about an id that does not exist (${madeUp.label}): ${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      );
    }
  }
  return { ok: problems.length === 0, problems };
}

/** One row of the matrix. */
export interface MatrixRow {
  type: string;
  path: string;
  caller: string;
  outcome: string;
  expected: string;
  verdict: Verdict;
  request: string;
  answer: unknown;
  madeUp?: Observation;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));

/** The matrix as text: every cell, counts of cells per outcome, and each failing cell with its request and answer. */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const columns = ['type', 'path', 'caller', 'outcome', 'expected', 'ok'] as const;
  const cells = rows.map((row) => [
    row.type,
    row.path,
    row.caller,
    row.outcome,
    (row.madeUp ? `${row.expected} (= made-up id)` : row.expected).slice(0, 60),
    row.verdict.ok ? 'ok' : 'FAIL',
  ]);
  const widths = columns.map((name, i) => Math.max(name.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) => values.map((v, i) => pad(v, widths[i]!)).join(' | ');
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.outcome, (counts.get(row.outcome) ?? 0) + 1);
  const failing = rows.filter((row) => !row.verdict.ok);
  return [
    `Access matrix: ${rows.length} cells, ${rows.length - failing.length} as the README says, ${failing.length} failing`,
    '',
    line(columns),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...cells.map(line),
    '',
    'Cells per outcome:',
    ...[...counts.entries()].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `  ${pad(outcome, 28)} ${n}`),
    ...(failing.length ? ['', 'Failing cells:'] : []),
    ...failing.flatMap((row) => [
      `- ${row.type} | ${row.path} | ${row.caller}: ${row.verdict.problems.join('; ')}`,
      `  request: ${row.request}`,
      `  answer:  ${JSON.stringify(row.answer)}`,
      ...(row.madeUp ? [`  made-up: ${row.madeUp.request}`, `  answer:  ${JSON.stringify(row.madeUp.answer)}`] : []),
    ]),
  ].join('\n');
}

/**
 * The trusted-documents manifest: both formats read, every way a manifest
 * can be unusable refused with one line naming TRUSTED_DOCUMENTS, and the
 * one check every transport runs (by id, by text, anything else refused).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BankError } from '../../platform/errors.ts';
import {
  loadTrustedDocuments,
  operationId,
  TrustedDocumentsError,
  type TrustedDocuments,
} from './trusted-documents.ts';

const ME = 'query Me { me { id } }';
const PING = 'subscription Ping { notificationAdded { kind } }';
const folder = mkdtempSync(path.join(tmpdir(), 'trusted-documents-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
/** Writes `content` (JSON unless a string) to a file of its own and returns its path. */
function manifestFile(content: unknown): string {
  const file = path.join(folder, `manifest-${(files += 1)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const apollo = (operations: { id?: string; name: string; type: string; body: string }[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: operations.map((o) => ({ id: operationId(o.body), ...o })),
});

/** The message of the TrustedDocumentsError that loading `content` throws. */
function refusal(content: unknown): string {
  const file = manifestFile(content);
  try {
    loadTrustedDocuments(file);
  } catch (error) {
    expect(error).toBeInstanceOf(TrustedDocumentsError);
    const message = (error as Error).message;
    expect(message.startsWith(`TRUSTED_DOCUMENTS (${file}): `)).toBe(true);
    expect(message).not.toContain('\n');
    return message.slice(`TRUSTED_DOCUMENTS (${file}): `.length);
  }
  throw new Error('the manifest was accepted');
}

function refusedCode(trusted: TrustedDocuments, request: Record<string, unknown>): unknown {
  try {
    trusted.resolve(request);
  } catch (error) {
    expect(error).toBeInstanceOf(BankError);
    return (error as BankError).extensions.code;
  }
  return 'accepted';
}

describe('a manifest', () => {
  const byId = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });
  const trusted = loadTrustedDocuments(
    manifestFile(
      apollo([
        { name: 'Me', type: 'query', body: ME },
        { name: 'Ping', type: 'subscription', body: PING },
      ]),
    ),
  );

  it('lets through a listed text, and fills in the text of a listed id (an empty query counts as none)', () => {
    expect(trusted.size).toBe(2);
    expect(trusted.resolve({ query: ME, variables: { a: 1 } })).toEqual({ query: ME, variables: { a: 1 } });
    expect(trusted.resolve({ extensions: byId(operationId(PING)) }).query).toBe(PING);
    expect(trusted.resolve({ query: '', extensions: byId(operationId(ME)) }).query).toBe(ME);
    // A listed text sent with its id stays as sent (Apollo checks that the two agree).
    expect(trusted.resolve({ query: ME, extensions: byId(operationId(ME)) }).query).toBe(ME);
  });

  it('refuses any other text, id, or a text that is not a string, with PERSISTED_QUERY_NOT_IN_LIST', () => {
    const refused = [
      { query: `${ME} ` }, // not the listed text, byte for byte
      { query: '{ __schema { types { name } } }' },
      { extensions: byId(operationId('{ __typename }')) },
      { extensions: byId('0'.repeat(64)) },
      // A text not in the list, however it is named.
      { query: '{ __typename }', extensions: byId(operationId(ME)) },
      { query: 42 },
      { query: ['query', ME] },
    ];
    for (const request of refused) expect(refusedCode(trusted, request)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('leaves a request with no operation at all to its transport (a landing page, or a refusal)', () => {
    expect(trusted.resolve({})).toEqual({});
    expect(trusted.resolve({ query: null, extensions: {} })).toEqual({ query: null, extensions: {} });
    expect(refusedCode(trusted, { query: '' })).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it("answers Apollo's persisted-query store from the manifest (after Apollo's `apq:` prefix), storing nothing", async () => {
    expect(await trusted.store.get(`apq:${operationId(ME)}`)).toBe(ME);
    expect(await trusted.store.get(`apq:${operationId('{ __typename }')}`)).toBeUndefined();
    await trusted.store.set(`apq:${operationId('{ __typename }')}`, '{ __typename }');
    expect(await trusted.store.get(`apq:${operationId('{ __typename }')}`)).toBeUndefined();
  });

  it("reads GraphQL Code Generator's persisted-documents.json (id to text)", () => {
    const codegen = loadTrustedDocuments(manifestFile({ [operationId(ME)]: ME }));
    expect(codegen.resolve({ extensions: byId(operationId(ME)) }).query).toBe(ME);
  });
});

describe('a manifest the router cannot use stops the start, in one line naming the setting', () => {
  it.each([
    ['a missing file', undefined, /cannot be read: ENOENT/],
    ['a file that is not JSON', '{"format": ', /cannot be read: not JSON/],
    [
      'another format',
      { format: 'something-else', version: 1, operations: [] },
      /not a persisted query manifest \(format: /,
    ],
    ['a version other than 1', { ...apollo([{ name: 'Me', type: 'query', body: ME }]), version: 2 }, /\(version: /],
    ['an operation without a body', apollo([{ name: 'Me', type: 'query', body: '' }]), /\(operations\.0\.body: /],
    ['an empty list', apollo([]), /lists no operations/],
    [
      'an id that is not the SHA-256 of its body',
      apollo([{ id: operationId(PING), name: 'Me', type: 'query', body: ME }]),
      /^operation Me: its id is not the SHA-256 of its body$/,
    ],
    [
      'an id that is not a SHA-256 at all',
      apollo([{ id: 'Me', name: 'Me', type: 'query', body: ME }]),
      /\(operations\.0\.id: must be a SHA-256/,
    ],
    ['a body that is not GraphQL', apollo([{ name: 'Me', type: 'query', body: 'query Me {' }]), /body is not GraphQL/],
    [
      'a type its body does not hold',
      apollo([{ name: 'Me', type: 'mutation', body: ME }]),
      /^operation Me: its body holds no mutation of that name$/,
    ],
    ['a codegen map with a wrong id', { [operationId(PING)]: ME }, /its id is not the SHA-256 of its body/],
  ])('%s', (_what, content, problem) => {
    if (content === undefined) {
      expect(() => loadTrustedDocuments(path.join(folder, 'absent.json'))).toThrow(
        /^TRUSTED_DOCUMENTS \(.*absent\.json\): cannot be read: ENOENT/,
      );
      return;
    }
    expect(refusal(content)).toMatch(problem);
  });
});

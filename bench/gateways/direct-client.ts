/**
 * The floor: a client that calls the subgraphs itself with the query plan's
 * own operations (planned once per operation by @apollo/query-planner, as a
 * gateway caches plans), merges their answers, and signs the caller header of
 * each fetch as the router does. It does no validation, no token
 * verification per request (each user's caller is verified once at start),
 * no result shaping: what is left is the work no gateway can avoid.
 *
 *   node bench/gateways/direct-client.ts <setup.json> once <operation>
 *     prints the first user's answer, projected on the operation's selections
 *   node bench/gateways/direct-client.ts <setup.json> load <operation> <ms> <connections>
 *     runs the operation for that long and prints one JSON line of results
 */
import federation from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlanSelectionNode } from '@apollo/query-planner';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import { Pool } from 'undici';
import { callerFromAuthorization } from '../../platform/access-token.ts';
import { CALLER_HEADER, callerKeyFor, signCallerHeader, type Caller } from '../../platform/caller.ts';
import { percentile } from '../support.ts';
import { OPERATIONS, readSetup, requestOf, type OperationName } from './setup.ts';

type Json = Record<string, unknown>;

const [setupFile, mode, operationArg, msArg, connectionsArg] = process.argv.slice(2);
const setup = readSetup(setupFile);
if (!(OPERATIONS as readonly string[]).includes(operationArg ?? ''))
  throw new Error(`unknown operation ${operationArg}`);
const operation = operationArg as OperationName;

const supergraph = federation.Supergraph.build(setup.supergraphSdl);
const apiSchema = supergraph.apiSchema();
const planner = new QueryPlanner(supergraph);
const pools = new Map(
  Object.entries(setup.subgraphUrls).map(([name, url]) => [
    name,
    {
      pool: new Pool(new URL(url).origin, { connections: 64 }),
      path: new URL(url).pathname,
      callerKey: callerKeyFor(setup.callerSecret, name),
    },
  ]),
);
const callers: Caller[] = setup.users.map((u) => callerFromAuthorization(setup.tokenPublicKey, `Bearer ${u.token}`));

const { query } = requestOf(operation, setup.users[0]!, 0);
const document = parse(query);
const plan = planner.buildQueryPlan(federation.operationFromDocument(apiSchema, document, { validate: true }));
if (!plan.node || plan.node.kind === 'Subscription') throw new Error('no plan');
const root: PlanNode = plan.node;

async function fetchSubgraph(fetch: FetchNode, variables: Json, caller: Caller): Promise<Json> {
  const target = pools.get(fetch.serviceName);
  if (!target) throw new Error(`no URL for ${fetch.serviceName}`);
  const response = await target.pool.request({
    method: 'POST',
    path: target.path,
    headers: {
      'content-type': 'application/json',
      [CALLER_HEADER]: signCallerHeader(target.callerKey, caller, fetch.operation, variables),
    },
    body: JSON.stringify({ query: fetch.operation, variables }),
  });
  const body = (await response.body.json()) as { data?: Json; errors?: unknown[] };
  if (response.statusCode !== 200 || body.errors?.length || !body.data) {
    throw new Error(
      `${fetch.serviceName}: ${response.statusCode} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`,
    );
  }
  return body.data;
}

/** The objects at `path` under `value` (`@` steps into every element of a list). */
function objectsAt(value: unknown, path: readonly (string | number)[], into: Json[] = []): Json[] {
  if (value === null || value === undefined) return into;
  if (path.length === 0) {
    if (Array.isArray(value)) for (const v of value) objectsAt(v, path, into);
    else into.push(value as Json);
    return into;
  }
  const [step, ...rest] = path;
  if (step === '@') {
    for (const v of value as unknown[]) objectsAt(v, rest, into);
  } else {
    objectsAt((value as Json)[step as string], rest, into);
  }
  return into;
}

/** What `selections` pick of `value`: an entity's representation. */
function represent(value: unknown, selections: readonly QueryPlanSelectionNode[]): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => represent(v, selections));
  const object = value as Json;
  const out: Json = {};
  for (const selection of selections) {
    if (selection.kind === 'InlineFragment') {
      if (selection.typeCondition && object.__typename !== selection.typeCondition) continue;
      Object.assign(out, represent(object, selection.selections));
    } else {
      const name = selection.alias ?? selection.name;
      out[name] = selection.selections ? represent(object[name], selection.selections) : object[name];
    }
  }
  return out;
}

function merge(target: Json, source: Json): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      value.forEach((v, i) => {
        if (v !== null && typeof v === 'object' && existing[i] !== null && typeof existing[i] === 'object')
          merge(existing[i] as Json, v as Json);
        else existing[i] = v;
      });
    } else if (existing && value && typeof existing === 'object' && typeof value === 'object') {
      merge(existing as Json, value as Json);
    } else {
      target[key] = value;
    }
  }
}

async function run(
  node: PlanNode,
  data: Json,
  variables: Json,
  caller: Caller,
  path: readonly (string | number)[] = [],
): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const n of node.nodes) await run(n, data, variables, caller, path);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((n) => run(n, data, variables, caller, path)));
      return;
    case 'Flatten':
      return run(node.node, data, variables, caller, node.path);
    case 'Fetch': {
      if (node.inputRewrites?.length || node.outputRewrites?.length || node.contextRewrites?.length)
        throw new Error('rewrites are not supported by this client');
      const used = Object.fromEntries((node.variableUsages ?? []).map((v) => [v, variables[v]]));
      if (!node.requires) {
        merge(data, await fetchSubgraph(node, used, caller));
        return;
      }
      const entities = objectsAt(data, path);
      if (entities.length === 0) return;
      const representations = entities.map((e) => represent(e, node.requires ?? []));
      const answer = await fetchSubgraph(node, { ...used, representations }, caller);
      (answer._entities as Json[]).forEach((entity, i) => {
        if (entity) merge(entities[i] as Json, entity);
      });
      return;
    }
    default:
      throw new Error(`plan node ${node.kind} is not supported by this client`);
  }
}

/** The data of one request of user `u`. */
async function execute(u: number, n: number): Promise<Json> {
  const user = setup.users[u]!;
  const data: Json = {};
  await run(root, data, requestOf(operation, user, n).variables, callers[u]!);
  return data;
}

/** `data` reduced to what `selectionSet` asks for (no `__typename` or keys the plan added). */
function project(data: unknown, selectionSet: SelectionSetNode | undefined): unknown {
  if (!selectionSet || data === null || data === undefined) return data;
  if (Array.isArray(data)) return data.map((d) => project(d, selectionSet));
  const out: Json = {};
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) throw new Error('fragments are not supported by this client');
    const name = selection.alias?.value ?? selection.name.value;
    out[name] = project((data as Json)[name], selection.selectionSet);
  }
  return out;
}

if (mode === 'once') {
  const definition = document.definitions[0];
  if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  console.log(JSON.stringify({ data: project(await execute(0, 0), definition.selectionSet) }));
} else if (mode === 'load') {
  const durationMs = Number(msArg);
  const connections = Number(connectionsArg);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let n = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t = performance.now();
        try {
          await execute(i % setup.users.length, i);
          latencies.push(performance.now() - t);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      requests: latencies.length,
      errors,
      firstError,
      elapsedMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMs: (used.user + used.system) / 1000,
    }),
  );
} else {
  throw new Error('usage: direct-client.ts <setup.json> once|load <operation> [ms connections]');
}
await Promise.all([...pools.values()].map((p) => p.pool.close()));

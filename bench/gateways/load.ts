/**
 * The load of one measured run against a gateway, from its own process:
 * autocannon with `connections` connections for `ms` milliseconds, each
 * request as the next seeded user in turn. A response counts as an error
 * unless it is a 200 without GraphQL errors and, for the queries, names the
 * user's own first account (a gateway that answered with another user's data
 * would be counted, not measured).
 *
 *   node bench/gateways/load.ts <setup.json> <url> <operation> <ms> <connections>
 *
 * Prints one JSON line: requests, errors, the first error, p50 and p99 (ms).
 */
import autocannon from 'autocannon';
import { OPERATIONS, readSetup, requestOf, type OperationName } from './setup.ts';

const [setupFile, url, operationArg, msArg, connectionsArg] = process.argv.slice(2);
const setup = readSetup(setupFile);
if (!url || !(OPERATIONS as readonly string[]).includes(operationArg ?? '')) throw new Error('usage: see the header');
const operation = operationArg as OperationName;

let n = 0;
let errors = 0;
let firstError: string | undefined;
const result = await autocannon({
  url,
  connections: Number(connectionsArg),
  duration: Number(msArg) / 1000,
  requests: [
    {
      method: 'POST',
      setupRequest(request, context: { owner?: string }) {
        const i = n++;
        const user = setup.users[i % setup.users.length]!;
        // One request in flight per connection: its answer is this user's.
        context.owner = user.accounts[0];
        return {
          ...request,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          body: JSON.stringify(requestOf(operation, user, i)),
        };
      },
      onResponse(status, body, context: { owner?: string }) {
        // An answer about the caller's accounts names their first one; anything else is someone else's data.
        const mine = operation === 'transfer' || (context.owner !== undefined && body.includes(context.owner));
        if (status === 200 && !body.includes('"errors"') && mine) return;
        errors += 1;
        firstError ??= `${mine ? '' : "another user's data: "}${status} ${body.slice(0, 300)}`;
      },
    },
  ],
});
console.log(
  JSON.stringify({
    requests: result.requests.total - errors,
    errors: errors + result.errors + result.timeouts,
    firstError,
    elapsedMs: result.duration * 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }),
);

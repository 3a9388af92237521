/**
 * The subgraph side of federated subscriptions (see subscriptions.ts):
 * `POST /subscription` with the subscription fetch the router's query plan
 * gives this subgraph, its variables, and either `event: null` (may this
 * caller subscribe? answer: topics) or an event (answer: the fetch's data for
 * this caller, or null to skip it). Authenticated like every other request:
 * the caller header is signed for the query, the variables and the event.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import { authenticateCaller, CALLER_HEADER, type Caller, type CallerKeys } from './caller.ts';
import { BadUserInputError, formatError } from './errors.ts';
import { BodyTooLargeError, isRecord, readBody } from './http-server.ts';
import type { Logger } from './logger.ts';
import type { SubscriptionField, SubscriptionRequest, SubscriptionResponse } from './subscriptions.ts';

function isRequest(body: unknown): body is SubscriptionRequest {
  return isRecord(body) && typeof body.query === 'string' && (body.variables === undefined || isRecord(body.variables));
}

export interface SubscriptionEndpointOptions<TContext> {
  schema: GraphQLSchema;
  fields: Record<string, SubscriptionField<never>>;
  callerKeys: CallerKeys;
  logger: Logger;
  exposeDetails: boolean;
  /** Builds the same context a GraphQL request of this caller would get. */
  context(caller: Caller, requestId: string): TContext;
}

/** The route handler for {@link SUBSCRIPTION_PATH}. */
export function subscriptionEndpoint<TContext>(options: SubscriptionEndpointOptions<TContext>) {
  const format = (error: unknown): NonNullable<SubscriptionResponse['errors']>[number] => {
    const graphQLError =
      error instanceof GraphQLError
        ? error
        : new GraphQLError('Internal server error.', { originalError: error as Error });
    if (!(error instanceof GraphQLError) || error.extensions.code === undefined) {
      options.logger.error({ err: error }, 'unexpected error in a subscription');
    }
    const formatted = formatError(
      { ...graphQLError.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', ...graphQLError.extensions } },
      { exposeDetails: options.exposeDetails },
    );
    return { message: formatted.message, extensions: formatted.extensions ?? {} };
  };

  /** Parsed and validated documents by text: the router sends the same few fetches for every event. */
  const documents = new Map<string, { document: DocumentNode; validation: readonly GraphQLError[] }>();
  const checked = (query: string) => {
    let entry = documents.get(query);
    if (!entry) {
      const document = parse(query);
      entry = { document, validation: validate(options.schema, document) };
      if (documents.size >= 500) documents.delete(documents.keys().next().value as string);
      documents.set(query, entry);
    }
    return entry;
  };

  return async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    const reply = (status: number, body: SubscriptionResponse) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'POST') return reply(405, { errors: [{ message: 'POST only.' }] });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        throw error instanceof BodyTooLargeError
          ? new BadUserInputError('Request body too large.')
          : new BadUserInputError('Body is not valid JSON.');
      }
      if (!isRequest(body)) throw new BadUserInputError('Expected { query, variables, event }.');
      const variables = body.variables ?? {};
      const event = body.event ?? null;
      const header = req.headers[CALLER_HEADER];
      let caller: Caller;
      try {
        caller = authenticateCaller(options.callerKeys, Array.isArray(header) ? header[0] : header, body.query, {
          variables,
          event,
        });
      } catch (error) {
        return reply(401, { errors: [format(error)] });
      }

      const { document, validation } = checked(body.query);
      if (validation.length > 0) return reply(400, { errors: validation.map(format) });
      const operation = getOperationAST(document);
      const selection = operation?.selectionSet.selections[0];
      if (operation?.operation !== 'subscription' || selection?.kind !== 'Field') {
        throw new BadUserInputError('Expected one subscription field.');
      }
      const fieldNode: FieldNode = selection;
      const name = fieldNode.name.value;
      const field = Object.hasOwn(options.fields, name) ? options.fields[name] : undefined;
      const definition = options.schema.getSubscriptionType()?.getFields()[name];
      if (!field || !definition) throw new BadUserInputError(`No subscription field ${name} here.`);
      // Coerced as an execution would: a variable the client left out takes its default (which the plan's fetch keeps).
      const coerced = getVariableValues(options.schema, operation.variableDefinitions ?? [], variables);
      if (coerced.errors) throw new BadUserInputError(coerced.errors[0]?.message ?? 'Invalid variables.');
      const args = getArgumentValues(definition, fieldNode, coerced.coerced);
      const context = options.context(caller, requestId) as never;

      if (event === null) {
        return reply(200, { topics: await field.subscribe(args, context) });
      }
      const value = await field.resolve(event, args, context);
      if (value === null || value === undefined) return reply(200, { data: null });
      const result = await execute({
        schema: options.schema,
        document,
        rootValue: { [name]: value },
        contextValue: context,
        variableValues: variables,
      });
      return reply(200, {
        data: (result.data as Record<string, unknown> | null | undefined) ?? null,
        ...(result.errors ? { errors: result.errors.map(format) } : {}),
      });
    } catch (error) {
      return reply(200, { errors: [format(error)] });
    }
  };
}

/** What resolvers of types without an entity of their own work on (codegen mappers). */
import type { StoredCard } from './entities/index.ts';

export type { AssistantAction, AssistantSession, AssistantTurn, StoredCard } from './entities/index.ts';

/** Another subgraph's object, known by id. */
export interface Ref {
  id: string;
}

/** A spending line of a stored card. */
export type SpendingLine = NonNullable<StoredCard['spending']>[number];

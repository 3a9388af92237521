import { AssistantActionSchema } from './action.ts';
import { AssistantSessionSchema } from './session.ts';
import { AssistantTurnSchema } from './turn.ts';

export * from './action.ts';
export * from './session.ts';
export * from './turn.ts';

/** Every entity of the assistant database. */
export const entities = [AssistantSessionSchema, AssistantTurnSchema, AssistantActionSchema];

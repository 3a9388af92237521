/** What resolvers of types without an entity of their own work on (codegen mappers). */
export type { Conversation, Message, Notification } from './entities/index.ts';

/** Messaging knows a user only by id. */
export interface UserRef {
  id: string;
}

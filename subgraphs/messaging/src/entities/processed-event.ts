import { defineEntity, p } from '@mikro-orm/core';

/**
 * A domain event the notification consumer has handled, written in the same
 * database transaction as the notifications it made: an event delivered again
 * finds its row and makes nothing.
 */
export const ProcessedEventSchema = defineEntity({
  name: 'ProcessedEvent',
  tableName: 'processed_events',
  properties: {
    eventId: p.uuid().primary(),
    type: p.string().length(200),
    processedAt: p.datetime(),
  },
});

export class ProcessedEvent extends ProcessedEventSchema.class {}
ProcessedEventSchema.setClass(ProcessedEvent);

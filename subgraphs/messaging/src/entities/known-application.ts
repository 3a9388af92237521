import { defineEntity, p } from '@mikro-orm/core';

/**
 * A loan application messaging knows of, from lending's
 * `lending.application.status_changed` events (ids only): who applied and
 * which banker serves them. A banker may start a conversation only with a
 * business owner they serve, and a conversation may be linked only to an
 * application between its two participants.
 */
export const KnownApplicationSchema = defineEntity({
  name: 'KnownApplication',
  tableName: 'known_applications',
  indexes: [{ properties: ['bankerId', 'applicantId'] }],
  properties: {
    applicationId: p.uuid().primary(),
    applicantId: p.uuid(),
    bankerId: p.uuid(),
  },
});

export class KnownApplication extends KnownApplicationSchema.class {}
KnownApplicationSchema.setClass(KnownApplication);

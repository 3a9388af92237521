import { defineEntity, p } from '@mikro-orm/core';

export const DATA_EXPORT_STATUSES = ['PENDING', 'READY', 'FAILED'] as const;
export type DataExportStatus = (typeof DATA_EXPORT_STATUSES)[number];

/**
 * A user's request for everything the bank holds about them (GDPR articles
 * 15 and 20), and, once READY, the archive itself: JSON text with a manifest,
 * kept as text (not jsonb) so its bytes, and the SHA-256 of each section,
 * stay exactly as assembled. Deleted when the user is erased.
 */
export const DataExportSchema = defineEntity({
  name: 'DataExport',
  tableName: 'data_exports',
  indexes: [{ properties: ['userId', 'requestedAt'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    status: p.enum(DATA_EXPORT_STATUSES),
    requestedAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    /** The archive (READY only); loaded only for a download. */
    archive: p.text().nullable().lazy(),
    /** SHA-256 (hex) of the whole archive. */
    sha256: p.string().length(64).nullable(),
    sizeBytes: p.integer().nullable(),
    /** Why it FAILED, for the user. */
    failureReason: p.text().nullable(),
  },
});

export class DataExport extends DataExportSchema.class {}
DataExportSchema.setClass(DataExport);

import type { DataExportResolvers } from '../generated/resolvers.ts';
import { downloadPathOf } from '../services/data-rights.ts';

export const DataExport: DataExportResolvers = {
  downloadPath: (row) => (row.status === 'READY' ? downloadPathOf(row.id) : null),
  sizeBytes: (row) => (row.status === 'READY' ? (row.sizeBytes ?? null) : null),
  sha256: (row) => (row.status === 'READY' ? (row.sha256 ?? null) : null),
  failureReason: (row) => (row.status === 'FAILED' ? (row.failureReason ?? null) : null),
  completedAt: (row) => row.completedAt ?? null,
};

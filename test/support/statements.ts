/**
 * The SQL statements this process sends to PostgreSQL: every subgraph's ORM
 * (and raw SQL, and transaction control) goes through `pg` clients, whose
 * `query` {@link onStatementsDuring} wraps while its work runs.
 */
import pg from 'pg';

/** One statement, the client that sent it and that client's database. */
export interface SentStatement {
  client: pg.Client;
  database: string;
  sql: string;
  /** The name it is prepared under on the connection (platform/orm.ts `sqlParams`), if it is. */
  name: string | undefined;
}

/**
 * Runs `work`, telling `each` of every statement the `pg` clients of this
 * process send meanwhile, as they send it (nothing is kept: a benchmark
 * counts with it on its measured path).
 */
export async function onStatementsDuring(
  work: () => Promise<void>,
  each: (statement: SentStatement) => void,
): Promise<void> {
  const original = pg.Client.prototype.query;
  // `query` has many overloads; the wrapper only looks at the text and forwards everything unchanged.
  const recording = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const config = typeof first === 'string' ? undefined : (first as { text?: string; name?: string } | null);
    const sql = typeof first === 'string' ? first : (config?.text ?? String(first));
    each({ client: this, database: this.database ?? '', sql, name: config?.name });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = recording as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
}

/** Runs `work` and returns, in order, every statement the `pg` clients of this process sent meanwhile. */
export async function statementsSentDuring(work: () => Promise<void>): Promise<SentStatement[]> {
  const sent: SentStatement[] = [];
  await onStatementsDuring(work, (statement) => sent.push(statement));
  return sent;
}

/**
 * The statements of one database transaction among `sent`, whitespace folded:
 * each `pg` client's statements are kept apart (the outbox relays and the
 * consumers run on their own), and the transaction is the one, from `begin`
 * to `commit`, of the client that sent a statement `matching`. Empty when
 * there is none.
 */
export function transactionStatements(sent: readonly SentStatement[], matching: RegExp): string[] {
  const byClient = new Map<pg.Client, string[]>();
  for (const { client, sql } of sent) {
    const list = byClient.get(client) ?? [];
    list.push(sql.replace(/\s+/g, ' ').trim());
    byClient.set(client, list);
  }
  const statements = [...byClient.values()].find((list) => list.some((q) => matching.test(q)));
  const begin = statements?.findIndex((q) => /^begin\b/i.test(q)) ?? -1;
  const commit = statements?.findIndex((q, i) => i > begin && /^commit\b/i.test(q)) ?? -1;
  return statements && begin >= 0 && commit > begin ? statements.slice(begin, commit + 1) : [];
}

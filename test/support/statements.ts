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
    const sql = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? String(first));
    each({ client: this, database: this.database ?? '', sql });
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

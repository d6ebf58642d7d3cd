// Reads must never see a transaction that is still open (it may roll back, and its positions
// would then be given again). Reads run on the store's connection, except while a write
// transaction is open across an await: then on a second, read-only connection to the same file
// (which sees the last commit), or, for an in-memory database, after that transaction ends.
import type { EventUpcaster } from '@tributary/core';
import Database from 'better-sqlite3';
import { ReadStatements } from './read-statements.js';
import { StoreReads } from './reads.js';
import type { WriteQueue } from './write-queue.js';

/** The statements and reads of one connection. */
export interface ReadSide {
  readonly statements: ReadStatements;
  readonly reads: StoreReads;
}

export class CommittedView {
  /** Reads on the store's own connection (when no transaction is open across an await). */
  readonly main: ReadSide;
  private second: { readonly db: Database.Database; readonly side: ReadSide } | undefined;
  /** False once opening a second connection failed, or for a database without a file. */
  private canOpenSecond: boolean;

  constructor(
    private readonly db: Database.Database,
    private readonly queue: WriteQueue,
    private readonly upcaster: EventUpcaster,
  ) {
    this.main = side(db, upcaster);
    this.canOpenSecond = !db.memory && db.name !== '';
  }

  /** A side that sees only committed data while the store's transaction is open. */
  async whileTransactionOpen(): Promise<ReadSide> {
    const second = this.secondSide();
    if (second !== undefined) return second;
    while (this.queue.transactionOpen) await this.queue.afterCurrentFlush();
    return this.main;
  }

  close(): void {
    if (this.second?.db.open) this.second.db.close();
    this.second = undefined;
    this.canOpenSecond = false;
  }

  private secondSide(): ReadSide | undefined {
    if (this.second !== undefined || !this.canOpenSecond) return this.second?.side;
    try {
      const db = new Database(this.db.name, { readonly: true, fileMustExist: true });
      this.second = { db, side: side(db, this.upcaster) };
      return this.second.side;
    } catch {
      this.canOpenSecond = false;
      return undefined;
    }
  }
}

function side(db: Database.Database, upcaster: EventUpcaster): ReadSide {
  const statements = new ReadStatements(db);
  return { statements, reads: new StoreReads(statements, upcaster) };
}

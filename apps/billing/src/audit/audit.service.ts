import { Inject, Injectable } from '@nestjs/common';
import { type AuditLog, type Db, newId, Prisma, type Tx } from '@synthwell/db';
import { DB } from '../core/tokens.js';

export interface AuditEntry {
  /** The admin who acted; null for the system (e.g. a scheduled report). */
  actorId: string | null;
  /** What was done, e.g. "plan.update". */
  action: string;
  /** What it was done to, e.g. "plan:pln_123". */
  target: string;
  before?: unknown;
  after?: unknown;
}

/** JSON-safe copies for the audit columns: dates as ISO strings, BigInts as numbers. */
function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (value === undefined || value === null) return Prisma.DbNull;
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item)),
  ) as Prisma.InputJsonValue;
}

/** Writes the audit log. Callers pass their transaction so an entry exists exactly when the change does. */
@Injectable()
export class AuditService {
  constructor(@Inject(DB) private readonly db: Db) {}

  async record(entry: AuditEntry, tx: Tx | Db = this.db): Promise<void> {
    await tx.auditLog.create({
      data: {
        id: newId('aud'),
        actorId: entry.actorId,
        action: entry.action,
        target: entry.target,
        before: toJson(entry.before),
        after: toJson(entry.after),
      },
    });
  }

  /** Newest first. */
  async list(filter: {
    target?: string;
    actorId?: string;
    action?: string;
    limit: number;
    offset: number;
  }): Promise<AuditLog[]> {
    return this.db.auditLog.findMany({
      where: {
        ...(filter.target ? { target: filter.target } : {}),
        ...(filter.actorId ? { actorId: filter.actorId } : {}),
        ...(filter.action ? { action: filter.action } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
      skip: filter.offset,
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Db, Feature, Prisma } from '@synthwell/db';
import { DB } from '../core/tokens.js';
import type { UsageRow } from './usage.schemas.js';

const DAY_MS = 24 * 3600 * 1000;

/** The UTC day `daysAgo` days before `now`, at midnight. */
export function utcDay(now: Date, daysAgo = 0): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - daysAgo * DAY_MS);
}

export const dayString = (day: Date) => day.toISOString().slice(0, 10);

export type UsageDimension = 'account' | 'model' | 'day';

export interface UsageQuery {
  userId?: string;
  model?: string;
  feature?: Feature;
  from: Date;
  to: Date;
  groupBy: UsageDimension[];
}

export interface UsageTotals {
  userId: string | null;
  model: string | null;
  day: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  images: number;
  records: number;
}

/** Usage as the gateway's daily rollups (`usage_daily`) record it. */
@Injectable()
export class UsageService {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** One user's last `days` days, by day, feature and model, newest first. */
  async daily(userId: string, days: number, now = new Date()): Promise<UsageRow[]> {
    const rows = await this.db.usageDaily.findMany({
      where: { userId, day: { gte: utcDay(now, days - 1) } },
      orderBy: [{ day: 'desc' }, { feature: 'asc' }, { model: 'asc' }],
    });
    return rows.map((row) => ({
      day: dayString(row.day),
      feature: row.feature,
      model: row.model,
      requests: row.requests,
      promptTokens: Number(row.promptTokens),
      completionTokens: Number(row.completionTokens),
      images: row.images,
      records: row.records,
    }));
  }

  /** Totals for admins, grouped by any of account, model and day. */
  async totals(query: UsageQuery): Promise<UsageTotals[]> {
    const where: Prisma.UsageDailyWhereInput = {
      day: { gte: query.from, lte: query.to },
      ...(query.userId ? { userId: query.userId } : {}),
      ...(query.model ? { model: query.model } : {}),
      ...(query.feature ? { feature: query.feature } : {}),
    };
    const columns = { account: 'userId', model: 'model', day: 'day' } as const;
    const by = [...new Set(query.groupBy)].map((dimension) => columns[dimension]);
    const sums = { requests: true, promptTokens: true, completionTokens: true, images: true, records: true } as const;
    if (by.length === 0) {
      const total = await this.db.usageDaily.aggregate({ where, _sum: sums });
      return [{ userId: null, model: null, day: null, ...totalsOf(total._sum) }];
    }
    const groups = await this.db.usageDaily.groupBy({ by, where, _sum: sums });
    const rows = groups.map((group) => ({
      userId: 'userId' in group ? (group.userId as string) : null,
      model: 'model' in group ? (group.model as string) : null,
      day: 'day' in group ? dayString(group.day as Date) : null,
      ...totalsOf(group._sum),
    }));
    const key = (row: UsageTotals) => `${row.userId ?? ''}\u0000${row.model ?? ''}\u0000${row.day ?? ''}`;
    return rows.sort((a, b) => key(a).localeCompare(key(b)));
  }
}

function totalsOf(sum: {
  requests: number | null;
  promptTokens: bigint | null;
  completionTokens: bigint | null;
  images: number | null;
  records: number | null;
}) {
  return {
    requests: sum.requests ?? 0,
    promptTokens: Number(sum.promptTokens ?? 0),
    completionTokens: Number(sum.completionTokens ?? 0),
    images: sum.images ?? 0,
    records: sum.records ?? 0,
  };
}

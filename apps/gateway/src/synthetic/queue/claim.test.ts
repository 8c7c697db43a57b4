import { newId } from '@synthwell/db';
import { createAccount, createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJob } from './claim.js';

describe('claimJob', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function queuedJobs(userId: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => newId('job'));
    await database.db.syntheticJob.createMany({
      data: ids.map((id) => ({ id, userId, task: 'instruction' as const, spec: {}, requested: 1 })),
    });
    return ids;
  }

  it('lets concurrent claims take exactly as many slots as the plan allows', async () => {
    // Free runs one job at a time; the database pool lets several claims run side by side.
    const { user } = await createAccount(database.db);
    const ids = await queuedJobs(user.id, 6);
    const claims = await Promise.all(ids.map((id) => claimJob(database.db, id, { takeOver: false })));
    expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim === 'at_limit')).toHaveLength(5);
    expect(await database.db.syntheticJob.count({ where: { userId: user.id, status: 'running' } })).toBe(1);
  });

  it('takes over a running job only when asked to, and never a finished one', async () => {
    const { user } = await createAccount(database.db);
    const [running, finished] = await queuedJobs(user.id, 2);
    expect(await claimJob(database.db, running as string, { takeOver: false })).toBe('claimed');
    expect(await claimJob(database.db, running as string, { takeOver: false })).toBe('gone');
    expect(await claimJob(database.db, running as string, { takeOver: true })).toBe('claimed');
    await database.db.syntheticJob.update({ where: { id: finished as string }, data: { status: 'canceled' } });
    expect(await claimJob(database.db, finished as string, { takeOver: true })).toBe('gone');
    expect(await claimJob(database.db, 'job_missing', { takeOver: true })).toBe('gone');
  });
});

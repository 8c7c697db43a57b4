import { type Db, effectivePlan } from '@synthwell/db';

export type Claim = 'claimed' | 'at_limit' | 'gone';

/**
 * Marks a queued job `running` if its owner runs fewer jobs than their plan allows right now. Claims
 * for one owner are serialised by locking the owner's row, so two workers cannot both take the last
 * slot. `takeOver` also claims a job already `running`: BullMQ hands a job to a new worker only once
 * the previous worker's lock has expired, so the job's runner is gone and it is already counted.
 */
export async function claimJob(db: Db, jobId: string, options: { takeOver: boolean }): Promise<Claim> {
  return db.$transaction(async (tx) => {
    const job = await tx.syntheticJob.findUnique({
      where: { id: jobId },
      select: { userId: true, status: true, startedAt: true },
    });
    if (!job) return 'gone';
    if (job.status === 'running') return options.takeOver ? 'claimed' : 'gone';
    if (job.status !== 'queued') return 'gone';
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${job.userId} FOR UPDATE`;
    const running = await tx.syntheticJob.count({ where: { userId: job.userId, status: 'running' } });
    const plan = await effectivePlan(tx, job.userId);
    if (running >= plan.concurrentSyntheticJobs) return 'at_limit';
    const updated = await tx.syntheticJob.updateMany({
      where: { id: jobId, status: 'queued' },
      data: { status: 'running', startedAt: job.startedAt ?? new Date() },
    });
    return updated.count === 1 ? 'claimed' : 'gone';
  });
}

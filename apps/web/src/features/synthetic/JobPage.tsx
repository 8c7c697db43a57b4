import type { SyntheticJob, SyntheticRecord } from '@synthwell/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { saveBlob } from '../../lib/download';
import { formatDuration, formatNumber } from '../../lib/format';
import { gateway } from '../../lib/gateway';
import { gatewayKeys } from '../../lib/gateway-queries';
import { describeProblem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { BarChart } from '../../ui/charts';
import { DataTable } from '../../ui/DataTable';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { ProgressBar } from '../../ui/ProgressBar';
import { useToast } from '../../ui/Toast';
import { cancelJob, downloadJsonl, listRecords, retrieveJob } from './api';
import { applyJobEvent, completion, fromJob, isTerminal, type JobProgressView, rejectedTotal } from './job-progress';
import { METRIC_GROUPS, metricSeries } from './metrics';

const PREVIEW = 20;

/** Follows the job's event stream while it runs; the view starts from the job as retrieved. */
function useJobProgress(job: SyntheticJob | undefined): JobProgressView | null {
  const [view, setView] = useState<JobProgressView | null>(null);
  const id = job?.id;
  const finished = job ? isTerminal(job.status) : false;
  useEffect(() => {
    if (job) setView((current) => (current && isTerminal(current.status) ? { ...current, job } : fromJob(job)));
  }, [job]);
  useEffect(() => {
    if (!id || finished) return;
    const controller = new AbortController();
    void (async () => {
      try {
        for await (const event of await gateway.synthetic.jobs.events(id, { signal: controller.signal })) {
          setView((current) => (current ? applyJobEvent(current, event) : current));
        }
      } catch (error) {
        if (describeProblem(error).kind !== 'aborted') console.warn('job event stream ended', error);
      }
      // The stream ends with the job: fetch its final state (metrics, verdict), its records, and the job
      // list, which would otherwise show it running until its next poll.
      if (!controller.signal.aborted) void queryClient.invalidateQueries({ queryKey: gatewayKeys.jobs });
    })();
    return () => controller.abort();
  }, [id, finished]);
  return view;
}

function recordSummary(record: SyntheticRecord): string {
  const data = record.data as Record<string, unknown> | null;
  if (data && typeof data === 'object') {
    if (typeof data.instruction === 'string') return `${data.instruction} → ${String(data.response ?? '')}`;
    if (typeof data.text === 'string') return `[${String(data.label ?? '')}] ${data.text}`;
  }
  return JSON.stringify(data);
}

function RecordsPreview({ job }: { job: SyntheticJob }) {
  const records = useQuery({
    queryKey: [...gatewayKeys.jobs, job.id, 'records', job.progress.kept],
    queryFn: ({ signal }) => listRecords(job.id, PREVIEW, signal),
  });
  if (records.isPending) return <Loading />;
  if (records.error) return <ProblemNotice problem={describeProblem(records.error)} />;
  if (!records.data.data.length) return <p className="muted">No records kept yet.</p>;
  return (
    <DataTable
      caption="First records of the job"
      columns={['#', 'Record', 'Judge score', 'Provenance']}
      className="records"
    >
      {records.data.data.map((record) => (
        <tr key={record.id}>
          <td>{record.seq}</td>
          <td className="record-text">{recordSummary(record)}</td>
          <td title={record.judge.rationale}>
            <strong>{record.judge.score.toFixed(1)}</strong>
            <br />
            <small className="muted">{record.judge.rationale}</small>
          </td>
          <td>
            <small>
              synthetic · depth {record.provenance.generation_depth}
              <br />
              {record.provenance.generator} judged by {record.provenance.judge}
              <br />
              {record.provenance.seed_ids.length} seed{record.provenance.seed_ids.length === 1 ? '' : 's'}
            </small>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function Report({ job }: { job: SyntheticJob }) {
  if (!job.metrics || !job.verdict) return null;
  return (
    <section aria-labelledby="report-title">
      <h2 id="report-title">Collapse-risk report</h2>
      <div className={`notice verdict verdict-${job.verdict.level}`} data-testid="verdict">
        <strong>Collapse risk: {job.verdict.level}</strong>
        {job.verdict.reasons.length > 0 ? (
          <ul>
            {job.verdict.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        ) : (
          <p>
            Every metric is close to human text at the same token budget ({formatNumber(job.metrics.budget_tokens)}{' '}
            tokens).
          </p>
        )}
      </div>
      {METRIC_GROUPS.map((group) => (
        <div key={group.title}>
          <BarChart
            title={`${group.title}: synthetic vs human reference`}
            {...metricSeries(job.metrics as NonNullable<SyntheticJob['metrics']>, group)}
          />
          <p className="muted chart-note">{group.note}</p>
        </div>
      ))}
      {job.mixing_guidance.messages.length > 0 && (
        <div className="notice">
          <strong>Using these records for training</strong>
          <ul>
            {job.mixing_guidance.messages.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

export default function JobPage() {
  const { jobId = '' } = useParams();
  const toast = useToast();
  const job = useQuery({ queryKey: [...gatewayKeys.jobs, jobId], queryFn: ({ signal }) => retrieveJob(jobId, signal) });
  const view = useJobProgress(job.data);
  const cancel = useMutation({
    mutationFn: () => cancelJob(jobId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: gatewayKeys.jobs }),
  });
  const download = useMutation({
    mutationFn: () => downloadJsonl(jobId),
    onSuccess: (blob) => {
      saveBlob(blob, `${jobId}.jsonl`);
      toast('JSONL downloaded');
    },
  });

  if (job.isPending) return <Loading />;
  if (job.error) return <ProblemNotice problem={describeProblem(job.error)} />;
  const current = view?.job ?? job.data;
  const status = view?.status ?? current.status;
  const progress = view?.progress ?? current.progress;
  const share = view ? completion(view) : 0;
  const problem = [cancel.error, download.error].find(Boolean);
  return (
    <section>
      <p>
        <Link to="/studio">← All jobs</Link>
      </p>
      <h1>
        Job <code>{current.id}</code>
      </h1>
      <p>
        <span className={`badge badge-${status}`} data-testid="job-status">
          {status}
        </span>{' '}
        {current.task} · {current.model} · judge {current.judge} · threshold {current.threshold}
      </p>
      <div className="panel">
        <ProgressBar value={share} label="Records kept" />
        <p className="progress-counts" data-testid="job-progress">
          <strong>{Math.round(share * 100)}%</strong> · kept {formatNumber(progress.kept)} of{' '}
          {formatNumber(current.count)} · rejected {formatNumber(rejectedTotal(progress))} of{' '}
          {formatNumber(progress.generated)} attempts
          {!isTerminal(status) && progress.eta_ms !== null && (
            <> · about {formatDuration(progress.eta_ms / 1000)} left</>
          )}
        </p>
        <details>
          <summary>Rejections by reason</summary>
          <ul>
            {Object.entries(progress.rejected).map(([reason, count]) => (
              <li key={reason}>
                {reason.replace('_', ' ')}: {formatNumber(count)}
              </li>
            ))}
          </ul>
        </details>
        {current.error && (
          <ProblemNotice problem={{ kind: 'error', title: 'The job failed', message: current.error.message }}>
            {current.task === 'json_schema' && progress.kept === 0 && progress.rejected.invalid > 0 && (
              <p data-testid="json-hint">
                The generator model did not write JSON that follows the schema. Check that the schema can be met (the
                offline models cannot write to every pattern), or choose a model from a real provider.
              </p>
            )}
          </ProblemNotice>
        )}
        <div className="actions">
          {!isTerminal(status) && (
            <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel job
            </Button>
          )}
          <Button
            variant="primary"
            busy={download.isPending}
            disabled={progress.kept === 0}
            onClick={() => download.mutate()}
          >
            Download JSONL
          </Button>
        </div>
        {problem && <ProblemNotice problem={describeProblem(problem)} />}
      </div>
      <h2>Records</h2>
      <RecordsPreview job={{ ...current, progress }} />
      <Report job={current} />
    </section>
  );
}

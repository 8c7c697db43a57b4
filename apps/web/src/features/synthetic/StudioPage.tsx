import { useMutation, useQuery } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDateTime, formatNumber } from '../../lib/format';
import { gatewayKeys, useModels } from '../../lib/gateway-queries';
import { describeProblem, type Problem } from '../../lib/problems';
import { queryClient } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { DataTable } from '../../ui/DataTable';
import { SelectField, TextArea, TextField } from '../../ui/Field';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { ModelPicker } from '../chat/ModelPicker';
import { createJob, listJobs } from './api';
import { buildJobParams, TEMPLATES, type TemplateId } from './templates';

function JobList() {
  const jobs = useQuery({
    queryKey: gatewayKeys.jobs,
    queryFn: ({ signal }) => listJobs(signal),
    refetchInterval: 5_000,
  });
  if (jobs.isPending) return <Loading />;
  if (jobs.error) return <ProblemNotice problem={describeProblem(jobs.error)} />;
  if (!jobs.data.data.length) return <p className="muted">No jobs yet.</p>;
  return (
    <DataTable caption="Your synthetic-data jobs" columns={['Job', 'Task', 'Status', 'Kept', 'Created']}>
      {jobs.data.data.map((job) => (
        <tr key={job.id}>
          <td>
            <Link to={`/studio/${job.id}`}>{job.id}</Link>
          </td>
          <td>{job.task}</td>
          <td>
            <span className={`badge badge-${job.status}`}>{job.status}</span>
          </td>
          <td>
            {formatNumber(job.progress.kept)} / {formatNumber(job.count)}
          </td>
          <td>{formatDateTime(new Date(job.created_at * 1000).toISOString())}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export default function StudioPage() {
  const navigate = useNavigate();
  const models = useModels('chat');
  const [templateId, setTemplateId] = useState<TemplateId>('instruction');
  const template = TEMPLATES.find((entry) => entry.id === templateId) ?? (TEMPLATES[0] as (typeof TEMPLATES)[number]);
  const [seeds, setSeeds] = useState(template.seeds);
  const [model, setModel] = useState('');
  const [formProblem, setFormProblem] = useState<Problem | null>(null);
  const chosen = model || models.data?.[0]?.id || '';

  const create = useMutation({
    mutationFn: createJob,
    onSuccess: (job) => {
      void queryClient.invalidateQueries({ queryKey: gatewayKeys.jobs });
      navigate(`/studio/${job.id}`);
    },
  });

  const pickTemplate = (id: TemplateId) => {
    setTemplateId(id);
    setSeeds(TEMPLATES.find((entry) => entry.id === id)?.seeds ?? '');
  };

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setSeeds(await file.text());
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const params = buildJobParams({
        template: templateId,
        model: chosen,
        count: Number(form.get('count')),
        threshold: Number(form.get('threshold')),
        seeds,
        labels: String(form.get('labels') ?? ''),
        item: String(form.get('item') ?? ''),
        schema: String(form.get('schema') ?? ''),
        truncateToQuota: form.get('truncate') === 'on',
      });
      setFormProblem(null);
      create.mutate(params);
    } catch (error) {
      setFormProblem({ kind: 'invalid', title: 'Check the job', message: describeProblem(error).message });
    }
  };

  const problem = formProblem ?? (create.error ? describeProblem(create.error) : null);
  return (
    <section>
      <h1>Synthetic-data studio</h1>
      <p className="muted">
        Generate training data that is graded by a judge, de-duplicated and measured for collapse risk against human
        text. Every record carries its provenance.
      </p>
      <form className="panel form-grid" onSubmit={submit} aria-label="New job">
        <h2 className="span-all">New job</h2>
        <SelectField
          label="Template"
          value={templateId}
          onChange={(event) => pickTemplate(event.target.value as TemplateId)}
          hint={template.description}
        >
          {TEMPLATES.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.name}
            </option>
          ))}
        </SelectField>
        {models.data && <ModelPicker label="Generator model" models={models.data} value={chosen} onChange={setModel} />}
        <TextField label="Records to keep" name="count" type="number" min={1} max={10_000} defaultValue={20} required />
        <TextField
          label="Judge threshold (1–10)"
          name="threshold"
          type="number"
          min={1}
          max={10}
          step={0.5}
          defaultValue={5}
          required
        />
        {template.labels !== undefined && (
          <TextField
            key={`labels-${templateId}`}
            label="Labels (comma-separated)"
            name="labels"
            defaultValue={template.labels}
          />
        )}
        {template.item !== undefined && (
          <TextField key={`item-${templateId}`} label="What one record is" name="item" defaultValue={template.item} />
        )}
        {template.schema !== undefined && (
          <TextArea
            key={`schema-${templateId}`}
            className="mono span-all"
            label="JSON Schema"
            name="schema"
            rows={8}
            defaultValue={template.schema}
          />
        )}
        <div className="span-all">
          <TextArea
            className="mono"
            label="Seed examples (JSON Lines or a JSON array)"
            value={seeds}
            onChange={(event) => setSeeds(event.target.value)}
            rows={6}
            hint="One seed per line. A line of a job's JSONL download is a seed too: its provenance makes the new records one generation deeper."
          />
          <TextField
            label="…or upload a seed file"
            type="file"
            accept=".json,.jsonl,.ndjson,application/json"
            onChange={(event) => void upload(event)}
          />
        </div>
        <label className="checkbox span-all">
          <input type="checkbox" name="truncate" /> Keep only what today's quota allows instead of refusing a larger job
        </label>
        {problem && (
          <div className="span-all">
            <ProblemNotice problem={problem}>
              {problem.kind === 'quota' && <Link to="/billing">See plans and upgrade</Link>}
            </ProblemNotice>
          </div>
        )}
        <div className="span-all">
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!chosen}>
            Start job
          </Button>
        </div>
      </form>
      <h2>Jobs</h2>
      <JobList />
    </section>
  );
}

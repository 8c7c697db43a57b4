import type { Model } from '@synthwell/sdk';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useUsageSummary } from '../../lib/gateway-queries';
import { trpc } from '../../lib/trpc';
import { SelectField } from '../../ui/Field';
import { lockedTiers } from './model-access';

/**
 * The models the plan includes, then the tiers it does not, disabled and marked as locked, with an
 * upgrade link: users see what premium adds without being able to pick it.
 */
export function ModelPicker({
  models,
  value,
  onChange,
  label = 'Model',
}: {
  models: Model[];
  value: string;
  onChange: (id: string) => void;
  label?: string;
}) {
  const usage = useUsageSummary();
  const plans = useQuery(trpc.plans.list.queryOptions());
  const locked = usage.data && plans.data ? lockedTiers(plans.data, usage.data.plan.model_tiers) : [];
  return (
    <div className="model-picker">
      <SelectField label={label} value={value} onChange={(event) => onChange(event.target.value)}>
        <optgroup label={usage.data ? `In your ${usage.data.plan.name} plan` : 'Available'}>
          {models.map((model) => (
            <option key={model.id} value={model.id}>
              {model.display_name}
              {model.tier === 'premium' ? ' ★' : ''}
            </option>
          ))}
        </optgroup>
        {locked.length > 0 && (
          <optgroup label="Locked">
            {locked.map((entry) => (
              <option key={entry.tier} value={`locked:${entry.tier}`} disabled>
                Locked: {entry.tier[0]?.toUpperCase()}
                {entry.tier.slice(1)} models — upgrade to {entry.planName}
              </option>
            ))}
          </optgroup>
        )}
      </SelectField>
      {locked.length > 0 && (
        <p className="upsell" data-testid="locked-models">
          {locked.map((entry) => entry.tier).join(', ')} models are locked on your plan.{' '}
          <Link to="/billing">Upgrade to {locked[0]?.planName}</Link>
        </p>
      )}
    </div>
  );
}

import type { Model, ModelKind } from '@synthwell/sdk';
import { Link } from 'react-router';
import { useUsageSummary } from '../../lib/gateway-queries';
import { SelectField } from '../../ui/Field';
import { useModelCatalog } from './catalog';
import { lockedModels, lockedTierWords } from './model-access';

/**
 * The models the plan includes, then, by name, the ones it does not: disabled, marked as locked, with
 * the plan that unlocks them and an upgrade link, so users see what an upgrade adds without picking it.
 */
export function ModelPicker({
  models,
  value,
  onChange,
  label = 'Model',
  kind,
}: {
  models: Model[];
  value: string;
  onChange: (id: string) => void;
  label?: string;
  /** Which locked models to show; defaults to the kind of the models given. */
  kind?: ModelKind;
}) {
  const usage = useUsageSummary();
  const catalog = useModelCatalog();
  const shownKind = kind ?? models[0]?.kind ?? 'chat';
  const locked = catalog.data ? lockedModels(catalog.data, shownKind) : [];
  const upgradeTo = locked[0]?.planName;
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
          <optgroup label="Locked: upgrade to use">
            {locked.map((model) => (
              <option key={model.id} value={`locked:${model.id}`} disabled data-locked-model={model.id}>
                🔒 {model.name} — {model.planName} plan
              </option>
            ))}
          </optgroup>
        )}
      </SelectField>
      {locked.length > 0 && (
        <p className="upsell" data-testid="locked-models">
          {lockedTierWords(locked)} are locked on your plan: {locked.map((model) => model.name).join(', ')}.{' '}
          <Link to="/billing">Upgrade to {upgradeTo}</Link>
        </p>
      )}
    </div>
  );
}

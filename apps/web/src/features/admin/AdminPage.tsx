import { useSearchParams } from 'react-router';
import { Tabs } from '../../ui/Tabs';
import { AuditAdmin } from './AuditAdmin';
import { ModelsAdmin } from './ModelsAdmin';
import { PlansAdmin } from './PlansAdmin';
import { SafetyAdmin } from './SafetyAdmin';
import { SubscriptionsAdmin } from './SubscriptionsAdmin';
import { UsageAdmin } from './UsageAdmin';
import { UsersAdmin } from './UsersAdmin';

const TABS = [
  { id: 'plans', label: 'Plans' },
  { id: 'users', label: 'Users' },
  { id: 'subscriptions', label: 'Subscriptions' },
  { id: 'usage', label: 'Usage' },
  { id: 'models', label: 'Models' },
  { id: 'safety', label: 'Safety' },
  { id: 'audit', label: 'Audit log' },
];

const PANELS: Record<string, () => React.JSX.Element> = {
  plans: PlansAdmin,
  users: UsersAdmin,
  subscriptions: SubscriptionsAdmin,
  usage: UsageAdmin,
  models: ModelsAdmin,
  safety: SafetyAdmin,
  audit: AuditAdmin,
};

export default function AdminPage() {
  const [params, setParams] = useSearchParams();
  const active = PANELS[params.get('tab') ?? ''] ? (params.get('tab') as string) : 'plans';
  const Panel = PANELS[active] ?? PlansAdmin;
  return (
    <section>
      <h1>Admin console</h1>
      <Tabs
        tabs={TABS}
        active={active}
        onChange={(tab) => setParams({ tab }, { replace: true })}
        label="Admin sections"
      >
        <Panel />
      </Tabs>
    </section>
  );
}

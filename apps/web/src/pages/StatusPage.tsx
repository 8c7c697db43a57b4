import { useEffect, useState } from 'react';
import { webConfig } from '../lib/config';

type Health =
  | { state: 'checking' }
  | { state: 'ready' | 'unavailable'; checks: Record<string, boolean> }
  | { state: 'unreachable' };

async function readiness(baseUrl: string, signal: AbortSignal): Promise<Health> {
  try {
    const response = await fetch(`${baseUrl}/readyz`, { signal });
    const body = (await response.json()) as { checks?: Record<string, boolean> };
    return { state: response.ok ? 'ready' : 'unavailable', checks: body.checks ?? {} };
  } catch {
    return { state: 'unreachable' };
  }
}

function ServiceHealth({ name, url }: { name: string; url: string }) {
  const [health, setHealth] = useState<Health>({ state: 'checking' });
  useEffect(() => {
    const controller = new AbortController();
    const poll = () => readiness(url, controller.signal).then((next) => !controller.signal.aborted && setHealth(next));
    void poll();
    const timer = setInterval(poll, 5_000);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [url]);

  return (
    <li className="service" data-testid={`health-${name.toLowerCase()}`} data-state={health.state}>
      <span className={`dot dot-${health.state}`} aria-hidden="true" />
      <strong>{name}</strong> <span className="muted">{url}</span> <span role="status">{health.state}</span>
      {'checks' in health && (
        <ul className="checks">
          {Object.entries(health.checks).map(([check, ok]) => (
            <li key={check}>
              {check}: {ok ? 'ok' : 'failing'}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export default function StatusPage() {
  const { gatewayUrl, billingUrl } = webConfig();
  return (
    <section>
      <h1>Platform status</h1>
      <ul className="services">
        <ServiceHealth name="Gateway" url={gatewayUrl} />
        <ServiceHealth name="Billing" url={billingUrl} />
      </ul>
    </section>
  );
}

/** Service origins, injected at serve time through /config.js so one static build runs anywhere. */
export interface WebConfig {
  gatewayUrl: string;
  billingUrl: string;
}

declare global {
  interface Window {
    __SYNTHWELL__?: Partial<WebConfig>;
  }
}

export function webConfig(): WebConfig {
  const injected = window.__SYNTHWELL__ ?? {};
  return {
    gatewayUrl: injected.gatewayUrl ?? 'http://localhost:4000',
    billingUrl: injected.billingUrl ?? 'http://localhost:4100',
  };
}

// Replaced at serve time by the platform runner with the real service origins.
window.__SYNTHWELL__ = window.__SYNTHWELL__ || {
  gatewayUrl: 'http://localhost:4000',
  billingUrl: 'http://localhost:4100',
};

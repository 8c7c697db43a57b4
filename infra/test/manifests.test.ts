import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envOf, parseDockerfile, resolveStage } from './support/dockerfile.js';
import { IMAGES } from './support/images.js';
import {
  type Container,
  containerEnv,
  k8sDir,
  kindOf,
  loadManifests,
  type Manifest,
  MODELS,
  podTemplate,
} from './support/kubernetes.js';
import { SERVICES, type ServiceName } from './support/service-config.js';
import { infraDir } from './support/workspace.js';

/**
 * The Kubernetes manifests, checked without a cluster: every document against Kubernetes' JSON schema
 * (kubernetes-models), then the references between them, then each pod's environment against the
 * service's own config schema.
 */
const manifests = loadManifests();
const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const named = (kind: string, name: string) =>
  manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
const workloads = [...byKind('Deployment'), ...byKind('Job')];

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The service an image name builds: `synthwell/gateway:0.1.0` → gateway. */
function serviceOf(container: Container): ServiceName {
  const name = /^synthwell\/([a-z]+):/.exec(container.image)?.[1];
  if (!name || !(name in IMAGES)) throw new Error(`${container.name}: unknown image ${container.image}`);
  return name as ServiceName;
}

/** What the container sees: its image's ENV defaults overlaid with the pod's env. */
function effectiveEnv(container: Container, podName: string): Record<string, string> {
  const image = IMAGES[serviceOf(container)];
  const defaults = envOf(resolveStage(parseDockerfile(join(infraDir, 'docker', image.dockerfile)), image.target));
  return { ...defaults, ...containerEnv(container, manifests, podName) };
}

describe('Kubernetes manifests', () => {
  it('has the objects a deployment needs', () => {
    const kinds = new Set(manifests.map(kindOf));
    expect([...kinds].sort()).toEqual(Object.keys(MODELS).sort());
    expect(
      byKind('Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['billing', 'gateway', 'web', 'worker']);
    expect(
      byKind('HorizontalPodAutoscaler')
        .map((h) => h.metadata.name)
        .sort(),
    ).toEqual(['gateway', 'worker']);
  });

  it('validates every document against the Kubernetes schema of its kind', () => {
    for (const manifest of manifests) {
      const Model = MODELS[kindOf(manifest) as keyof typeof MODELS];
      expect(Model, `${manifest.file}: ${kindOf(manifest)}`).toBeDefined();
      const { file: _file, ...object } = manifest;
      expect(() => new Model(object as never).validate(), `${manifest.file} ${manifest.metadata.name}`).not.toThrow();
    }
  });

  it('puts every namespaced object in the synthwell namespace', () => {
    for (const manifest of manifests.filter((m) => m.kind !== 'Namespace')) {
      expect(manifest.metadata.namespace, `${manifest.kind} ${manifest.metadata.name}`).toBe('synthwell');
    }
  });

  it('applies every file with kustomize except the example Secret and the one-off migration Job', () => {
    const kustomization = parse(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const files = readdirSync(k8sDir).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml');
    expect(kustomization.resources.sort()).toEqual(
      files.filter((name) => name !== 'secret.example.yaml' && name !== 'migrate-job.yaml').sort(),
    );
  });

  describe('references', () => {
    it('selects each Deployment with labels its pods carry', () => {
      for (const deployment of byKind('Deployment')) {
        const selector = (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector;
        expect(matches(selector.matchLabels, podTemplate(deployment).metadata?.labels)).toBe(true);
      }
    });

    it('routes every Service to exactly one Deployment, on a port its container exposes', () => {
      for (const service of byKind('Service')) {
        const spec = service.spec as {
          selector: Record<string, string>;
          ports: Array<{ targetPort: string | number }>;
        };
        const targets = byKind('Deployment').filter((d) => matches(spec.selector, podTemplate(d).metadata?.labels));
        expect(
          targets.map((d) => d.metadata.name),
          service.metadata.name,
        ).toHaveLength(1);
        const ports = podTemplate(targets[0] as Manifest).spec.containers.flatMap((c) => c.ports ?? []);
        for (const { targetPort } of spec.ports) {
          expect(
            ports.some((p) => p.name === targetPort || p.containerPort === targetPort),
            String(targetPort),
          ).toBe(true);
        }
      }
    });

    it('scales only Deployments that exist, and covers each with a PodDisruptionBudget', () => {
      for (const hpa of byKind('HorizontalPodAutoscaler')) {
        const ref = (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
        expect(named(ref.kind, ref.name), `${ref.kind} ${ref.name}`).toBeDefined();
      }
      for (const deployment of byKind('Deployment')) {
        const labels = podTemplate(deployment).metadata?.labels;
        const budgets = byKind('PodDisruptionBudget').filter((pdb) =>
          matches((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, labels),
        );
        expect(budgets, deployment.metadata.name).toHaveLength(1);
      }
    });

    it('sends each Ingress path to a Service port that exists', () => {
      for (const ingress of byKind('Ingress')) {
        const rules = (
          ingress.spec as {
            rules: Array<{
              http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> };
            }>;
          }
        ).rules;
        for (const { backend } of rules.flatMap((rule) => rule.http.paths)) {
          const service = named('Service', backend.service.name);
          expect(service, backend.service.name).toBeDefined();
          const ports = (service as Manifest).spec as { ports: Array<{ name: string }> };
          expect(ports.ports.map((port) => port.name)).toContain(backend.service.port.name);
        }
      }
    });

    it('mounts only volumes the pod declares', () => {
      for (const workload of workloads) {
        const { spec } = podTemplate(workload);
        const volumes = (spec.volumes ?? []).map((volume) => volume.name);
        for (const mount of spec.containers.flatMap((container) => container.volumeMounts ?? [])) {
          expect(volumes, `${workload.metadata.name}: ${mount.name}`).toContain(mount.name);
        }
      }
    });
  });

  describe('pods', () => {
    it('probe readiness on /readyz and liveness on /healthz, at a port the container exposes', () => {
      for (const deployment of byKind('Deployment')) {
        for (const container of podTemplate(deployment).spec.containers) {
          const port = IMAGES[serviceOf(container)].port;
          if (port === null) {
            expect(container.ports, container.name).toBeUndefined();
            continue;
          }
          expect(container.ports?.map((p) => p.containerPort)).toEqual([port]);
          expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
          expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
          for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
            if (!probe?.httpGet) continue;
            const exposed = container.ports?.some(
              (p) => p.name === probe.httpGet?.port || p.containerPort === probe.httpGet?.port,
            );
            expect(exposed, `${container.name} probe port ${probe.httpGet.port}`).toBe(true);
          }
        }
      }
    });

    it('request and limit CPU and memory', () => {
      for (const workload of workloads) {
        for (const container of podTemplate(workload).spec.containers) {
          for (const bound of ['requests', 'limits'] as const) {
            expect(Object.keys(container.resources?.[bound] ?? {}).sort(), `${container.name} ${bound}`).toEqual([
              'cpu',
              'memory',
            ]);
          }
        }
      }
    });

    it('run as non-root, without privilege escalation, on a read-only root filesystem', () => {
      for (const workload of workloads) {
        const { spec } = podTemplate(workload);
        expect(spec.securityContext?.runAsNonRoot, workload.metadata.name).toBe(true);
        expect(spec.securityContext?.runAsUser).not.toBe(0);
        for (const container of spec.containers) {
          expect(container.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
          });
        }
      }
    });

    it('give the gateway and the worker a writable /data and a journal name unique to each pod', () => {
      for (const name of ['gateway', 'worker']) {
        const deployment = named('Deployment', name) as Manifest;
        const container = podTemplate(deployment).spec.containers[0] as Container;
        const env = effectiveEnv(container, `${name}-5d8f7c9b6-x2k4q`);
        expect(container.env?.find((v) => v.name === 'INSTANCE_ID')?.valueFrom?.fieldRef?.fieldPath).toBe(
          'metadata.name',
        );
        const mounts = container.volumeMounts?.map((mount) => mount.mountPath) ?? [];
        expect(mounts).toContain('/data');
        expect(env.USAGE_JOURNAL_DIR?.startsWith('/data/')).toBe(true);
        expect(env.IMAGE_STORAGE_DIR?.startsWith('/data/')).toBe(true);
      }
    });
  });

  describe('environment', () => {
    for (const workload of workloads) {
      for (const container of podTemplate(workload).spec.containers) {
        const service = serviceOf(container);
        describe(`${workload.kind} ${workload.metadata.name} (${service})`, () => {
          const podEnv = () => containerEnv(container, manifests, `${workload.metadata.name}-5d8f7c9b6-x2k4q`);

          it('sets only variables the service reads, each from a key that exists', () => {
            for (const name of Object.keys(podEnv())) expect(SERVICES[service].reads(name), name).toBe(true);
          });

          it("passes the service's own config schema, with the production settings present", () => {
            const env = effectiveEnv(container, `${workload.metadata.name}-5d8f7c9b6-x2k4q`);
            expect(() => SERVICES[service].load(env)).not.toThrow();
            for (const name of SERVICES[service].production) expect(env[name], name).toBeTruthy();
          });

          it('takes every secret from the Secret, never from a literal or the ConfigMap', () => {
            for (const variable of container.env ?? []) {
              if (!/SECRET|PASSWORD|DATABASE_URL|REDIS_URL|_KEY_ID|SIGNING_KEYS|API_KEY/.test(variable.name)) continue;
              expect(variable.valueFrom?.secretKeyRef?.name, variable.name).toBe('synthwell-secrets');
            }
          });
        });
      }
    }
  });
});

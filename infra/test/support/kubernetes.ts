import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { infraDir } from './workspace.js';

export const k8sDir = join(infraDir, 'k8s');

/** The model class of each kind the manifests use; `.validate()` checks against Kubernetes' JSON schema. */
export const MODELS = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
} as const;

export type Kind = keyof typeof MODELS;

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // The rest is checked by the model classes; tests read it through the typed helpers below.
  [field: string]: unknown;
}

/** Every document of every YAML file in infra/k8s except the kustomization. */
export function loadManifests(): Manifest[] {
  const manifests: Manifest[] = [];
  for (const file of readdirSync(k8sDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    if (file === 'kustomization.yaml') continue;
    for (const document of parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      const value = document.toJS() as Omit<Manifest, 'file'> | null;
      if (value) manifests.push({ ...value, file } as Manifest);
    }
  }
  return manifests;
}

export function kindOf(manifest: Pick<Manifest, 'apiVersion' | 'kind'>): string {
  return `${manifest.apiVersion}/${manifest.kind}`;
}

/** The pod-level pieces of a Deployment or Job that the cross-reference checks read. */
export interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      fieldRef?: { fieldPath: string };
      configMapKeyRef?: { name: string; key: string };
      secretKeyRef?: { name: string; key: string };
    };
  }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: {
    containers: Container[];
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
    volumes?: Array<{ name: string }>;
  };
}

export function podTemplate(manifest: Manifest): PodTemplate {
  return (manifest.spec as { template: PodTemplate }).template;
}

/**
 * The environment a container would see: literal values, ConfigMap and Secret keys, and the pod's
 * name from the downward API. A reference to a missing key throws, as the kubelet would refuse it.
 */
export function containerEnv(container: Container, manifests: Manifest[], podName: string): Record<string, string> {
  const data = (kind: string, name: string): Record<string, string> => {
    const source = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
    if (!source) throw new Error(`${container.name}: no ${kind} named ${name}`);
    return (source.data ?? source.stringData ?? {}) as Record<string, string>;
  };
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined = variable.value;
    if (from?.fieldRef) value = from.fieldRef.fieldPath === 'metadata.name' ? podName : undefined;
    if (from?.configMapKeyRef) value = data('ConfigMap', from.configMapKeyRef.name)[from.configMapKeyRef.key];
    if (from?.secretKeyRef) value = data('Secret', from.secretKeyRef.name)[from.secretKeyRef.key];
    if (value === undefined) throw new Error(`${container.name}: ${variable.name} refers to nothing`);
    env[variable.name] = value;
  }
  return env;
}

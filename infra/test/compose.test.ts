import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envOf, parseDockerfile, resolveStage } from './support/dockerfile.js';
import { IMAGES } from './support/images.js';
import { SERVICES, type ServiceName } from './support/service-config.js';
import { infraDir, repoRoot } from './support/workspace.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}

/** infra/.env.example, as Compose reads an .env file. */
function readDotEnv(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1] as string] = match[2] as string;
  }
  return values;
}

const dotEnv = readDotEnv(join(infraDir, '.env.example'));
const source = readFileSync(join(infraDir, 'compose.yaml'), 'utf8');

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}`; `$$` is a literal dollar. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (whole, name, operator, operand) => {
    if (whole === '$$') return '$';
    const value = values[name];
    if (value) return value;
    if (operator === '?') throw new Error(`${name} must be set: ${operand}`);
    return operator === '-' ? operand : '';
  });
}

/** Compose parses the YAML first and then interpolates each string in it. */
function interpolateAll(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, values);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, values)]));
  }
  return value;
}

const compose = interpolateAll(parse(source), dotEnv) as { services: Record<string, ComposeService> };
const services = compose.services;

/** Compose services built from a Dockerfile of ours, by the image they build (no target: the last stage). */
const ours = Object.entries(services).flatMap(([name, service]) => {
  if (!service.build) return [];
  const stages = parseDockerfile(join(repoRoot, service.build.dockerfile)).stages;
  const target = service.build.target ?? stages.at(-1)?.name;
  const image = (Object.keys(IMAGES) as ServiceName[]).find(
    (candidate) =>
      `infra/docker/${IMAGES[candidate].dockerfile}` === service.build?.dockerfile &&
      IMAGES[candidate].target === target,
  );
  return image ? [{ name, service, image }] : [];
});

describe('Docker Compose file', () => {
  it('runs PostgreSQL 15, Redis 7, the migration and every deployable', () => {
    expect(services.postgres?.image).toBe('postgres:15');
    expect(services.redis?.image).toBe('redis:7');
    expect(ours.map(({ name, image }) => `${name}:${image}`).sort()).toEqual([
      'billing:billing',
      'gateway:gateway',
      'migrate:migrate',
      'web:web',
      'worker:worker',
    ]);
  });

  it('fails fast, naming the variable, when a required secret is missing from .env', () => {
    expect(() => interpolateAll(parse(source), { ...dotEnv, SESSION_TOKEN_SECRETS: '' })).toThrow(
      /SESSION_TOKEN_SECRETS/,
    );
    for (const [, name] of source.matchAll(/\$\{([A-Z0-9_]+):\?/g)) expect(Object.keys(dotEnv)).toContain(name);
  });

  it('builds from Dockerfiles and targets that exist, with the repository as context', () => {
    for (const { service } of ours) {
      const dockerfile = join(repoRoot, service.build?.dockerfile ?? '');
      expect(existsSync(dockerfile)).toBe(true);
      expect(service.build?.context).toBe('..');
      const target = service.build?.target;
      if (target) expect(parseDockerfile(dockerfile).stages.map((stage) => stage.name)).toContain(target);
    }
  });

  it('starts each service only once what it needs is healthy, after a successful migration', () => {
    for (const { name, service, image } of ours) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency], `${name} → ${dependency}`).toBeDefined();
        expect(condition).toBe(dependency === 'migrate' ? 'service_completed_successfully' : 'service_healthy');
        if (condition === 'service_healthy') expect(services[dependency]?.healthcheck, dependency).toBeDefined();
      }
      if (SERVICES[image].reads('DATABASE_URL') && name !== 'migrate' && name !== 'worker') {
        expect(service.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
      }
    }
  });

  it('health-checks every long-running service on /readyz or /healthz', () => {
    for (const { name, service, image } of ours) {
      if (IMAGES[image].port === null) continue;
      expect(service.healthcheck?.test.join(' '), name).toMatch(/\/(readyz|healthz)/);
      expect(service.healthcheck?.test.join(' '), name).toContain(String(IMAGES[image].port));
      if (IMAGES[image].published === false) expect(service.ports, name).toBeUndefined();
      else expect(service.ports, name).toEqual([`${IMAGES[image].port}:${IMAGES[image].port}`]);
    }
  });

  for (const { name, service, image } of ours) {
    describe(`${name} environment`, () => {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]),
      ) as Record<string, string>;
      const spec = IMAGES[image];
      const defaults = envOf(resolveStage(parseDockerfile(join(infraDir, 'docker', spec.dockerfile)), spec.target));

      it('sets only variables the service reads', () => {
        for (const variable of Object.keys(env)) expect(SERVICES[image].reads(variable), variable).toBe(true);
      });

      it("passes the service's own config schema, with the production settings present", () => {
        const effective = { ...defaults, ...env };
        expect(() => SERVICES[image].load(effective)).not.toThrow();
        for (const variable of SERVICES[image].production) expect(effective[variable], variable).toBeTruthy();
      });
    });
  }

  it('gives each process that journals usage its own INSTANCE_ID on the shared journal volume', () => {
    const journaling = ours.filter(({ image }) => image === 'gateway' || image === 'worker');
    const ids = journaling.map(({ service }) => service.environment?.INSTANCE_ID);
    expect(new Set(ids).size).toBe(journaling.length);
  });
});

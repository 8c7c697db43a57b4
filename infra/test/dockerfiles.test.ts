import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOf, last, parseDockerfile, resolveStage } from './support/dockerfile.js';
import { IMAGES } from './support/images.js';
import { SERVICES, type ServiceName } from './support/service-config.js';
import { infraDir, repoRoot, runtimeWorkspaceDirs } from './support/workspace.js';

/**
 * Docker has no engine on this machine, so the images cannot be built here: these checks hold each
 * Dockerfile to the rules by reading it, and cross-check it against the workspaces it packages.
 */
const dockerDir = join(infraDir, 'docker');
/** How stages name the base image: the global ARG, so one line pins Node for every stage. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not a template
const BASE_IMAGE_ARG = '${NODE_IMAGE}';
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE|SIGNING_KEYS|CREDENTIAL/i;

describe('Dockerfiles', () => {
  it('there is one per image, and no stray ones', () => {
    const files = readdirSync(dockerDir).filter((name) => name.endsWith('.Dockerfile'));
    expect(files.sort()).toEqual([...new Set(Object.values(IMAGES).map((image) => image.dockerfile))].sort());
  });

  for (const [service, image] of Object.entries(IMAGES) as Array<[ServiceName, (typeof IMAGES)[ServiceName]]>) {
    describe(`${service} (${image.dockerfile}, target ${image.target})`, () => {
      const path = join(dockerDir, image.dockerfile);
      const file = parseDockerfile(path);
      const target = resolveStage(file, image.target);
      const stageNames = file.stages.map((stage) => stage.name);

      it('starts every stage from the pinned Node 20 slim image or an earlier stage', () => {
        expect(file.globalArgs.NODE_IMAGE).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
        file.stages.forEach((stage, index) => {
          const earlier = stageNames.slice(0, index);
          expect(stage.from === BASE_IMAGE_ARG || earlier.includes(stage.from), stage.from).toBe(true);
        });
      });

      it('builds in its own stage with npm ci and turbo, and installs only production dependencies to run', () => {
        const build = file.stages.find((stage) => stage.name === 'build');
        const commands = (build?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
        expect(commands.some((command) => /\bnpm ci\b/.test(command))).toBe(true);
        expect(commands.some((command) => command.includes(`turbo run build --filter=${image.workspace}`))).toBe(true);
        expect(target.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(false);
        const deps = file.stages.find((stage) => stage.name === 'deps');
        if (deps) {
          const install = deps.instructions.find((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))?.args;
          expect(install).toContain('--omit=dev');
          expect(install).toContain(`--workspace=${image.workspace}`);
        }
      });

      it('copies the build of every workspace package it needs at run time', () => {
        if (service === 'web') return; // Static files and a standard-library server: no packages.
        const copies = target.filter((i) => i.keyword === 'COPY').map((i) => i.args);
        const dirs = runtimeWorkspaceDirs(image.workspace);
        expect(dirs).toContain(image.entrySource.split('/src/')[0]);
        for (const dir of dirs) {
          expect(copies, dir).toContain(`--from=build /app/${dir}/dist ./${dir}/dist`);
        }
      });

      it('runs as a non-root user', () => {
        const user = last(target, 'USER')?.args;
        expect(user).toBeDefined();
        expect(['root', '0', '0:0']).not.toContain(user);
        const userAt = target.lastIndexOf(last(target, 'USER') as (typeof target)[number]);
        const cmdAt = target.lastIndexOf(last(target, 'CMD') as (typeof target)[number]);
        expect(userAt).toBeLessThan(cmdAt);
      });

      it('runs the entry point its workspace builds', () => {
        const cmd = last(target, 'CMD')?.args ?? '';
        expect(existsSync(join(repoRoot, image.entrySource)), image.entrySource).toBe(true);
        const built = image.entrySource.replace(/^.*?\/src\//, '').replace(/\.ts$/, '');
        expect(cmd).toContain(service === 'web' ? 'web-server.mjs' : `${built}.js`);
      });

      it(
        image.port ? `checks its health on /healthz at port ${image.port}` : 'declares that it has no health endpoint',
        () => {
          const healthcheck = last(target, 'HEALTHCHECK')?.args ?? '';
          if (image.port === null) {
            expect(healthcheck).toBe('NONE');
            return;
          }
          expect(healthcheck).toMatch(/--interval=\d+s/);
          expect(healthcheck).toContain('/healthz');
          expect(healthcheck).toContain(String(image.port));
          expect(last(target, 'EXPOSE')?.args).toBe(String(image.port));
        },
      );

      it('bakes no secrets in: no secret-looking ENV or ARG, no .env copied', () => {
        const everything = file.stages.flatMap((stage) => stage.instructions);
        for (const name of [...Object.keys(envOf(everything)), ...Object.keys(file.globalArgs)]) {
          expect(name).not.toMatch(SECRET_NAME);
        }
        const args = everything.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=')[0] ?? '');
        for (const name of args) expect(name).not.toMatch(SECRET_NAME);
        for (const copy of everything.filter((i) => i.keyword === 'COPY')) expect(copy.args).not.toMatch(/\.env\b/);
      });

      it('sets only variables the service reads (besides NODE_ENV)', () => {
        const env = envOf(target);
        for (const name of Object.keys(env).filter((variable) => variable !== 'NODE_ENV')) {
          expect(SERVICES[service].reads(name), name).toBe(true);
        }
      });

      it('keeps node_modules, builds and .env files out of the build context', () => {
        const ignore = readFileSync(`${path}.dockerignore`, 'utf8').split('\n');
        for (const pattern of ['**/node_modules', '**/dist', '.env', '.git']) expect(ignore).toContain(pattern);
      });
    });
  }
});

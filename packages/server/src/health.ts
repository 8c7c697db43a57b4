import { Controller, type DynamicModule, Get, HttpCode, Inject, Module, type Provider, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** One dependency the service needs before it can serve traffic (the database, a model, Redis...). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@Controller()
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** The process is up and its event loop turns. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency answers; 503 with the failing ones otherwise, so load balancers hold traffic. */
  @Get('readyz')
  async readyz(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: string; checks: Record<string, boolean> }> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => [name, await check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) };
  }
}

@Module({})
export class HealthModule {
  /** `checks` provides READINESS_CHECKS: a list, or a factory with what it injects. */
  static forRoot(
    checks:
      | { useValue: ReadinessCheck[] }
      | { useFactory: (...deps: never[]) => ReadinessCheck[]; inject?: Provider[] },
  ): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ ...checks, provide: READINESS_CHECKS } as Provider],
    };
  }
}

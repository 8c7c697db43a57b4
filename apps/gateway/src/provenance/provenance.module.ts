import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ProvenanceController } from './provenance.controller.js';
import { ProvenanceService } from './provenance.service.js';

/** Signing and verification: global, so images and synthetic data inject ProvenanceService without imports. */
@Global()
@Module({ controllers: [ProvenanceController], providers: [ProvenanceService], exports: [ProvenanceService] })
export class ProvenanceModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapter: HttpAdapterHost) {}

  /** /v1/provenance/verify takes PNG uploads as they are: raw image/png and multipart bodies, as buffers. */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify || fastify.hasContentTypeParser('image/png')) return;
    fastify.addContentTypeParser(['image/png', 'multipart/form-data'], { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
  }
}

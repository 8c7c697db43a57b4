import { Controller, Get, Inject } from '@nestjs/common';
import { buildOpenApiDocument } from '@synthwell/contracts';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';

@Controller('v1')
export class OpenApiController {
  private document: Record<string, unknown> | null = null;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** Public, so tools can discover the API before they have a key. Built once, on first request. */
  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    this.document ??= buildOpenApiDocument(this.config.publicUrl);
    return this.document;
  }
}

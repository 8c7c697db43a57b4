import { Controller, Get, Inject } from '@nestjs/common';
import { buildOpenApiDocument } from '@synthwell/contracts';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';

@Controller('v1')
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.document = buildOpenApiDocument(config.publicUrl);
  }

  /** Public, so tools can discover the API before they have a key. */
  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }
}

import { Body, Controller, Get, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  type DatasetVerification,
  DatasetVerifyParams,
  ErrorCode,
  type ProvenanceKeys,
  type ProvenanceVerification,
  ProvenanceVerifyParams,
} from '@synthwell/contracts';
import { AuthGuard } from '../auth/auth.guard.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { firstFilePart } from './multipart.js';
import { ProvenanceService } from './provenance.service.js';

@Controller('v1/provenance')
export class ProvenanceController {
  constructor(private readonly provenance: ProvenanceService) {}

  /** JSON `{ b64 }`, a multipart upload, or raw image/png bytes; always a 200 with the verdict. */
  @Post('verify')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  verify(@Body() body: unknown, @Headers('content-type') contentType = ''): ProvenanceVerification {
    return this.provenance.verifyImage(imageFrom(body, contentType));
  }

  /** A manifest with the export (or its SHA-256); always a 200 with the verdict. */
  @Post('datasets/verify')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  verifyDataset(@Body() body: unknown): DatasetVerification {
    return this.provenance.verifyDataset(parseBody(DatasetVerifyParams, body));
  }

  /** Public, like any JWK Set: whoever holds an image or a dataset can verify it without an account. */
  @Get('keys')
  keys(): ProvenanceKeys {
    return this.provenance.publicKeys();
  }
}

function imageFrom(body: unknown, contentType: string): Uint8Array {
  if (Buffer.isBuffer(body)) {
    const image = contentType.startsWith('multipart/') ? firstFilePart(body, contentType) : body;
    if (!image) throw GatewayError.badRequest('Send the PNG as a multipart file field.', ErrorCode.invalidBody, 'file');
    return image;
  }
  return Buffer.from(parseBody(ProvenanceVerifyParams, body).b64, 'base64');
}

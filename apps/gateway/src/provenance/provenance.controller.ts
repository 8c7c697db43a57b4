import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ErrorCode, type ProvenanceVerification, ProvenanceVerifyParams } from '@synthwell/contracts';
import { AuthGuard } from '../auth/auth.guard.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { firstFilePart } from './multipart.js';
import { ProvenanceService } from './provenance.service.js';

@Controller('v1/provenance')
@UseGuards(AuthGuard)
export class ProvenanceController {
  constructor(private readonly provenance: ProvenanceService) {}

  /** JSON `{ b64 }`, a multipart upload, or raw image/png bytes; always a 200 with the verdict. */
  @Post('verify')
  @HttpCode(200)
  verify(@Body() body: unknown, @Headers('content-type') contentType = ''): ProvenanceVerification {
    return this.provenance.verifyImage(imageFrom(body, contentType));
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

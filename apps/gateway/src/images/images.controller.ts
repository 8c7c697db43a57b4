import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ErrorCode,
  type ImageDeleted,
  ImageGenerateParams,
  type ImageList,
  type ImagesResponse,
} from '@synthwell/contracts';
import type { Db } from '@synthwell/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { GatewayConfig } from '../config/env.js';
import type { Caller } from '../core/caller.js';
import { IdempotencyService } from '../core/idempotency.js';
import { InFlight } from '../core/in-flight.js';
import { DB, GATEWAY_CONFIG } from '../core/tokens.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ImageLibraryService } from './image-library.service.js';
import { ImagesService } from './images.service.js';
import { verifyImageSignature } from './signed-url.js';

@Controller('v1/images')
export class ImagesController {
  constructor(
    private readonly images: ImagesService,
    private readonly library: ImageLibraryService,
    private readonly idempotency: IdempotencyService,
    private readonly inFlight: InFlight,
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('generations')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  generate(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImagesResponse> {
    const params = parseBody(ImageGenerateParams, body);
    return this.idempotency.run(`images:${caller.userId}`, idempotencyKey, params, () =>
      this.inFlight.track(() => this.images.generate(caller, params, request, reply)),
    );
  }

  /** The caller's images, newest first, each with a fresh signed link. */
  @Get()
  @UseGuards(AuthGuard)
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<ImageList> {
    return this.library.list(caller, query);
  }

  @Delete(':id')
  @UseGuards(AuthGuard)
  delete(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<ImageDeleted> {
    return this.library.delete(caller, id);
  }

  /** A signed link is its own authorisation, so images embed in pages and download without headers. */
  @Get('files/:file')
  async file(
    @Param('file') file: string,
    @Query('expires') expires: string,
    @Query('sig') sig: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const id = /^(img_[0-9a-z]+)\.png$/.exec(file)?.[1];
    if (!id || !sig || !verifyImageSignature(id, Number(expires), sig, this.config.IMAGE_URL_SECRET)) {
      throw GatewayError.forbidden('This image link is invalid or has expired.', ErrorCode.invalidSignedUrl);
    }
    const image = await this.db.image.findUnique({ where: { id }, select: { storageKey: true } });
    const png = image ? await this.images.store.get(image.storageKey) : null;
    if (!png) throw GatewayError.notFound('The image no longer exists.');
    reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=3600');
    return Buffer.from(png);
  }
}

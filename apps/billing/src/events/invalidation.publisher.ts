import { Inject, Injectable } from '@nestjs/common';
import { type Invalidation, type Logger, publishInvalidation } from '@synthwell/server';
import type { Redis } from 'ioredis';
import { LOGGER, REDIS } from '../core/tokens.js';

/** Tells every gateway replica to drop cached plans and keys at once (they expire within 5 s anyway). */
@Injectable()
export class InvalidationPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  publish(invalidation: Invalidation): Promise<void> {
    return publishInvalidation(this.redis, this.logger, invalidation);
  }
}

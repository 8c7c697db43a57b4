import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type ImageDeleted, type ImageList, ImageListParams } from '@synthwell/contracts';
import type { Db } from '@synthwell/db';
import type { Caller } from '../core/caller.js';
import { toListPage } from '../core/pagination.js';
import { DB } from '../core/tokens.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ImagesService } from './images.service.js';

const DEFAULT_PAGE = 20;

/** The caller's stored images: a paged listing with fresh signed links, and deletion of one. */
@Injectable()
export class ImageLibraryService {
  constructor(
    private readonly images: ImagesService,
    @Inject(DB) private readonly db: Db,
  ) {}

  /** Newest first. Ids sort by creation time, so the cursor is the last id of the previous page. */
  async list(caller: Caller, query: unknown): Promise<ImageList> {
    const params = parseBody(ImageListParams, query ?? {});
    const limit = params.limit ?? DEFAULT_PAGE;
    const rows = await this.db.image.findMany({
      where: { userId: caller.userId, ...(params.cursor ? { id: { lt: params.cursor } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
      select: { id: true, createdAt: true, model: true, size: true, bytes: true },
    });
    return toListPage(
      rows,
      limit,
      (row) => {
        const link = this.images.signedLink(row.id);
        return {
          id: row.id,
          object: 'image',
          created: Math.floor(row.createdAt.getTime() / 1000),
          model: row.model,
          size: row.size,
          bytes: row.bytes,
          url: link.url,
          url_expires_at: link.expires,
        };
      },
      (row) => row.id,
    );
  }

  /**
   * Deletes the caller's image: the file first, then the row, so a failure leaves the image listed and
   * the delete can be retried. Anyone else's image is "not found", never "forbidden".
   */
  async delete(caller: Caller, id: string): Promise<ImageDeleted> {
    const image = await this.db.image.findFirst({
      where: { id, userId: caller.userId },
      select: { storageKey: true },
    });
    if (!image) throw notFound(id);
    await this.images.store.delete(image.storageKey);
    const { count } = await this.db.image.deleteMany({ where: { id, userId: caller.userId } });
    // A concurrent delete of the same image got there first.
    if (count === 0) throw notFound(id);
    return { id, object: 'image', deleted: true };
  }
}

function notFound(id: string): GatewayError {
  return GatewayError.notFound(`No image with id '${id}'.`, ErrorCode.notFound, 'id');
}

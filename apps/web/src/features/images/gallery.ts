import type { StoredImage } from '@synthwell/sdk';
import { saveBlob } from '../../lib/download';
import { formatDateTime } from '../../lib/format';

/** How an image is named to people, since prompts are not stored: what made it and when. */
export function describeImage(image: Pick<StoredImage, 'created' | 'model' | 'size'>): string {
  return `${image.size} image by ${image.model}, ${formatDateTime(new Date(image.created * 1000).toISOString())}`;
}

/** Downloads the PNG through its signed link and saves it as `<id>.png`. */
export async function downloadImage(image: Pick<StoredImage, 'id' | 'url'>): Promise<void> {
  const response = await fetch(image.url);
  if (!response.ok) throw new Error('This image link has expired: reload the gallery and try again.');
  saveBlob(await response.blob(), `${image.id}.png`);
}

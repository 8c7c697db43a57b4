/** One generated image as the gallery remembers it. */
export interface GalleryImage {
  id: string;
  url: string;
  prompt: string;
  size: string;
  model: string;
  createdAt: string;
}

/** The gallery keeps the newest images up to this many; image links expire, so older ones are of little use. */
export const GALLERY_LIMIT = 60;

const KEY = (userId: string) => `synthwell.gallery.${userId}`;

/** New images first, without duplicates, at most `GALLERY_LIMIT`. */
export function addToGallery(gallery: readonly GalleryImage[], added: readonly GalleryImage[]): GalleryImage[] {
  const seen = new Set<string>();
  return [...added, ...gallery]
    .filter((image) => {
      if (seen.has(image.url)) return false;
      seen.add(image.url);
      return true;
    })
    .slice(0, GALLERY_LIMIT);
}

/** The image's id from its signed link (`…/files/img_….png?…`), for a download file name. */
export function imageFileName(url: string): string {
  const match = /(img_[0-9a-z]+)\.png/i.exec(url);
  return `${match?.[1] ?? 'synthwell-image'}.png`;
}

/** The user's gallery in this browser. The gateway has no "my images" listing yet, so it lives here. */
export function loadGallery(userId: string): GalleryImage[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY(userId)) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as GalleryImage[]) : [];
  } catch {
    return [];
  }
}

export function saveGallery(userId: string, gallery: readonly GalleryImage[]): void {
  localStorage.setItem(KEY(userId), JSON.stringify(gallery));
}

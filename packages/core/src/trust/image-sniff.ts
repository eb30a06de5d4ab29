/**
 * What an image is by its content, not by what its server says (R74): the first bytes of the
 * formats a logo may have. SVG (a document that can carry script), HTML, and anything else is
 * not an image here, whatever its Content-Type claimed.
 */
export type LogoMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The first chunk of a PNG is always IHDR, 13 bytes long (PNG §11.2.2). */
const PNG_IHDR = [0x00, 0x00, 0x00, 0x0d, ...ascii('IHDR')];
const JPEG_SOI = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const VP8 = ascii('VP8');

/**
 * The media type of an image from its signature: PNG (signature and IHDR), JPEG (start of image),
 * GIF (87a or 89a), WebP (a RIFF container of WEBP with a VP8, VP8L or VP8X chunk). Undefined for
 * anything else.
 */
export function sniffImage(bytes: Uint8Array): LogoMediaType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE) && startsWith(bytes, PNG_IHDR, 8)) return 'image/png';
  if (startsWith(bytes, JPEG_SOI)) return 'image/jpeg';
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8) && startsWith(bytes, VP8, 12)) return 'image/webp';
  return undefined;
}

/**
 * Traditional PKWARE encryption ("ZipCrypto", APPNOTE.TXT section 6.1), used
 * by malware repositories with the password `infected` so that scanners on the
 * way do not quarantine samples. Decryption only: the test builder in
 * testing/ encrypts with the same key schedule.
 */
import { updateCrc32Byte } from './crc32.js';

/** Length of the random header in front of every ZipCrypto member (APPNOTE 6.1.6). */
export const ZIPCRYPTO_HEADER_BYTES = 12;

/** The three 32-bit keys of the cipher. */
export interface ZipCryptoKeys {
  k0: number;
  k1: number;
  k2: number;
}

/** Keys initialised with a password (APPNOTE 6.1.5). */
export function initZipCryptoKeys(password: Uint8Array): ZipCryptoKeys {
  const keys = { k0: 0x12345678, k1: 0x23456789, k2: 0x34567890 };
  for (const b of password) updateZipCryptoKeys(keys, b);
  return keys;
}

/** Feeds one plain byte into the keys (APPNOTE 6.1.5 update_keys). */
export function updateZipCryptoKeys(keys: ZipCryptoKeys, plain: number): void {
  keys.k0 = updateCrc32Byte(keys.k0, plain);
  keys.k1 = (Math.imul((keys.k1 + (keys.k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
  keys.k2 = updateCrc32Byte(keys.k2, keys.k1 >>> 24);
}

/** The next keystream byte (APPNOTE 6.1.6 decrypt_byte). */
export function nextZipCryptoByte(keys: ZipCryptoKeys): number {
  const temp = (keys.k2 | 2) & 0xffff;
  return (Math.imul(temp, temp ^ 1) >>> 8) & 0xff;
}

/**
 * Decrypts a ZipCrypto member (12-byte header + data) with `password`.
 * Returns the plain (still compressed) bytes, or null when the header's check
 * byte does not equal `checkByte` (the wrong password, almost certainly).
 */
export function decryptZipCrypto(encrypted: Uint8Array, password: Uint8Array, checkByte: number): Buffer | null {
  if (encrypted.length < ZIPCRYPTO_HEADER_BYTES) return null;
  const keys = initZipCryptoKeys(password);
  let last = 0;
  for (let i = 0; i < ZIPCRYPTO_HEADER_BYTES; i++) {
    last = encrypted[i]! ^ nextZipCryptoByte(keys);
    updateZipCryptoKeys(keys, last);
  }
  if (last !== checkByte) return null;
  const out = Buffer.allocUnsafe(encrypted.length - ZIPCRYPTO_HEADER_BYTES);
  for (let i = ZIPCRYPTO_HEADER_BYTES, j = 0; i < encrypted.length; i++, j++) {
    const p = encrypted[i]! ^ nextZipCryptoByte(keys);
    out[j] = p;
    updateZipCryptoKeys(keys, p);
  }
  return out;
}

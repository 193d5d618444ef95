// Evaluation API keys: ffk_<12-char public id>_<40-char secret>, base62.
// The public id finds the row (and is safe to show and log); only a SHA-256
// verifier of the secret is stored. The secret has ~238 bits of entropy, so a
// fast hash is the right tool: a slow KDF protects guessable passwords, and
// nobody can enumerate 2^238 candidates against a leaked verifier.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'ffk_';
export const PUBLIC_ID_LENGTH = 12;
export const SECRET_LENGTH = 40;
const KEY_PATTERN = /^ffk_([0-9A-Za-z]{12})_([0-9A-Za-z]{32,128})$/;

/** Uniform base62 by rejection sampling: bytes ≥ 248 would bias `% 62`. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** The verifier binds the secret to its public id (domain-separated SHA-256). */
export function verifierOf(publicId: string, secret: string): Buffer {
  return createHash('sha256').update(`ffk:${publicId}:${secret}`).digest();
}

export interface GeneratedKey {
  publicId: string;
  /** The whole key, shown to the caller exactly once. */
  plaintext: string;
  verifierHex: string;
}

export function generateApiKey(): GeneratedKey {
  const publicId = randomBase62(PUBLIC_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  return {
    publicId,
    plaintext: `${KEY_PREFIX}${publicId}_${secret}`,
    verifierHex: verifierOf(publicId, secret).toString('hex'),
  };
}

export interface ParsedKey {
  publicId: string;
  secret: string;
}

/** Undefined for anything that is not shaped like one of our keys (then it may be a JWT). */
export function parseApiKey(value: string): ParsedKey | undefined {
  const m = KEY_PATTERN.exec(value);
  return m ? { publicId: m[1] as string, secret: m[2] as string } : undefined;
}

export const looksLikeApiKey = (value: string): boolean => value.startsWith(KEY_PREFIX);

/** Constant-time comparison of the presented secret's verifier with the stored one. */
export function secretMatches(parsed: ParsedKey, storedVerifier: Buffer): boolean {
  const presented = verifierOf(parsed.publicId, parsed.secret);
  return presented.length === storedVerifier.length && timingSafeEqual(presented, storedVerifier);
}

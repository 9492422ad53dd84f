// RFC 6238 one-time codes (SHA-1, 6 digits, 30 s), as an authenticator app computes them, for
// the tests of two-step sign-in.

import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The code of base32 `secret` for the 30-second step holding `atMs`. */
export function totpCode(secret, atMs = Date.now()) {
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) bits += ALPHABET.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const h = createHmac("sha1", key).update(counter).digest();
  const at = h[h.length - 1] & 15;
  return String((h.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * The part of sodium-native's API the backup payload uses (the package ships no type
 * declarations). Signatures follow its README: output buffers first, `nsec` always null, throws
 * `could not verify data` when a ciphertext does not authenticate.
 */
declare module 'sodium-native' {
  interface Sodium {
    crypto_aead_chacha20poly1305_ietf_ABYTES: number;
    crypto_aead_chacha20poly1305_ietf_KEYBYTES: number;
    crypto_aead_chacha20poly1305_ietf_NPUBBYTES: number;
    /** Seals `m` into `c` (`c.byteLength === m.byteLength + ABYTES`); returns the bytes written. */
    crypto_aead_chacha20poly1305_ietf_encrypt(
      c: Uint8Array,
      m: Uint8Array,
      ad: Uint8Array | null,
      nsec: null,
      npub: Uint8Array,
      k: Uint8Array,
    ): number;
    /** Opens `c` into `m` (`m.byteLength === c.byteLength - ABYTES`); throws when it does not authenticate. */
    crypto_aead_chacha20poly1305_ietf_decrypt(
      m: Uint8Array,
      nsec: null,
      c: Uint8Array,
      ad: Uint8Array | null,
      npub: Uint8Array,
      k: Uint8Array,
    ): number;
    sodium_memzero(buf: Uint8Array): void;
  }
  const sodium: Sodium;
  export default sodium;
}

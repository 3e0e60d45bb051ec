package dev.flarekv.storage.rocks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte layout of the keys in the three column families (docs/storage-layout.md).
 *
 * <pre>
 * namespaces: id(16)
 * data:       id(16) ++ utf8(key)
 * expiry:     expirationSeconds(8, big-endian) ++ id(16) ++ utf8(key)   (= BE(exp) ++ data key)
 * </pre>
 *
 * <p>UTF-8 never contains the byte 0xFF, so {@code id ++ utf8(prefix) ++ 0xFF} is greater than
 * every data key that starts with the prefix and smaller than every later key: it is the exclusive
 * upper bound of a prefix scan, and of a whole namespace with an empty prefix.
 */
final class KeyCodec {
  static final int ID_BYTES = 16;
  static final int EXPIRATION_BYTES = Long.BYTES;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private KeyCodec() {}

  static String formatId(byte[] id) {
    char[] chars = new char[ID_BYTES * 2];
    for (int i = 0; i < ID_BYTES; i++) {
      chars[2 * i] = HEX[(id[i] >> 4) & 0xF];
      chars[2 * i + 1] = HEX[id[i] & 0xF];
    }
    return new String(chars);
  }

  static byte[] dataKey(byte[] id, String key) {
    return concat(id, key.getBytes(StandardCharsets.UTF_8));
  }

  static String keyName(byte[] dataKey) {
    return new String(dataKey, ID_BYTES, dataKey.length - ID_BYTES, StandardCharsets.UTF_8);
  }

  /**
   * Exclusive upper bound of the data keys of namespace {@code id} starting with {@code prefix}.
   */
  static byte[] prefixEnd(byte[] prefixKey) {
    byte[] end = Arrays.copyOf(prefixKey, prefixKey.length + 1);
    end[prefixKey.length] = (byte) 0xFF;
    return end;
  }

  /** The smallest data key strictly greater than {@code dataKey}. */
  static byte[] successor(byte[] dataKey) {
    return Arrays.copyOf(dataKey, dataKey.length + 1);
  }

  static byte[] expiryKey(long expirationSeconds, byte[] dataKey) {
    byte[] key = new byte[EXPIRATION_BYTES + dataKey.length];
    writeLong(key, 0, expirationSeconds);
    System.arraycopy(dataKey, 0, key, EXPIRATION_BYTES, dataKey.length);
    return key;
  }

  static long expiryKeyExpiration(byte[] expiryKey) {
    return readLong(expiryKey, 0);
  }

  static byte[] expiryKeyDataKey(byte[] expiryKey) {
    return Arrays.copyOfRange(expiryKey, EXPIRATION_BYTES, expiryKey.length);
  }

  /** The 8-byte big-endian encoding of a non-negative number: byte order = numeric order. */
  static byte[] bigEndian(long value) {
    byte[] bytes = new byte[EXPIRATION_BYTES];
    writeLong(bytes, 0, value);
    return bytes;
  }

  static void writeLong(byte[] target, int offset, long value) {
    for (int i = 7; i >= 0; i--) {
      target[offset + i] = (byte) value;
      value >>>= 8;
    }
  }

  static long readLong(byte[] source, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (source[offset + i] & 0xFF);
    }
    return value;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}

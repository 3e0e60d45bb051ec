package dev.flarekv.storage.rocks;

import dev.flarekv.protocol.model.KeyInfo;
import dev.flarekv.protocol.model.KvEntry;
import dev.flarekv.storage.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The record stored under a data key:
 *
 * <pre>
 * version(1) = 1
 * expiration(8, big-endian seconds, 0 = none)
 * varint(metadata UTF-8 length + 1), 0 = no metadata
 * metadata UTF-8
 * value bytes (the rest)
 * </pre>
 *
 * Expiration sits at a fixed offset so the sweeper reads it without decoding anything else; list
 * decodes only the header, never the value.
 */
final class ValueCodec {
  static final byte VERSION = 1;

  /** Version + expiration + a 2-byte varint + 1024 bytes of metadata fit in a list buffer. */
  static final int HEADER_BUFFER_BYTES = 2048;

  private static final int EXPIRATION_OFFSET = 1;
  private static final int VARINT_OFFSET = EXPIRATION_OFFSET + Long.BYTES;

  private ValueCodec() {}

  /** The length of {@link #encode}'s record, without building it. */
  static long encodedLength(KvEntry entry) {
    int metadataBytes =
        entry.metadata() == null ? 0 : entry.metadata().getBytes(StandardCharsets.UTF_8).length;
    int metadataField = entry.metadata() == null ? 0 : metadataBytes + 1;
    return (long) VARINT_OFFSET + varintSize(metadataField) + metadataBytes + entry.value().length;
  }

  static byte[] encode(KvEntry entry) {
    byte[] metadata =
        entry.metadata() == null ? null : entry.metadata().getBytes(StandardCharsets.UTF_8);
    int metadataField = metadata == null ? 0 : metadata.length + 1;
    int metadataBytes = metadata == null ? 0 : metadata.length;
    int headerLength = VARINT_OFFSET + varintSize(metadataField) + metadataBytes;
    byte[] record = new byte[headerLength + entry.value().length];
    record[0] = VERSION;
    KeyCodec.writeLong(record, EXPIRATION_OFFSET, entry.expiration());
    int pos = writeVarint(record, VARINT_OFFSET, metadataField);
    if (metadata != null) {
      System.arraycopy(metadata, 0, record, pos, metadata.length);
    }
    System.arraycopy(entry.value(), 0, record, headerLength, entry.value().length);
    return record;
  }

  /** The expiration in seconds (0 = none) of an encoded record. */
  static long expiration(byte[] record) {
    checkVersion(record);
    return KeyCodec.readLong(record, EXPIRATION_OFFSET);
  }

  static KvEntry decode(String key, byte[] record) {
    Header header = header(record, record.length);
    byte[] value = Arrays.copyOfRange(record, header.valueOffset, record.length);
    return new KvEntry(key, value, header.metadata, header.expiration);
  }

  /**
   * Decodes the list view from the first {@code available} bytes of a record, or returns null if
   * the header does not fit in them.
   */
  static KeyInfo decodeKeyInfo(String key, byte[] record, int available) {
    Header header = header(record, available);
    return header == null ? null : new KeyInfo(key, header.expiration, header.metadata);
  }

  private record Header(long expiration, String metadata, int valueOffset) {}

  private static Header header(byte[] record, int available) {
    checkVersion(record);
    long expiration = KeyCodec.readLong(record, EXPIRATION_OFFSET);
    int pos = VARINT_OFFSET;
    int metadataField = 0;
    for (int shift = 0; ; shift += 7) {
      if (pos >= available) {
        return null;
      }
      byte b = record[pos++];
      metadataField |= (b & 0x7F) << shift;
      if (b >= 0) {
        break;
      }
    }
    if (metadataField == 0) {
      return new Header(expiration, null, pos);
    }
    int metadataLength = metadataField - 1;
    if (pos + metadataLength > available) {
      return null;
    }
    String metadata = new String(record, pos, metadataLength, StandardCharsets.UTF_8);
    return new Header(expiration, metadata, pos + metadataLength);
  }

  private static void checkVersion(byte[] record) {
    if (record.length < VARINT_OFFSET + 1 || record[0] != VERSION) {
      throw new StoreException(
          "Unsupported record format (version "
              + (record.length == 0 ? "none" : record[0])
              + ", "
              + record.length
              + " bytes)",
          null);
    }
  }

  private static int varintSize(int value) {
    int size = 1;
    while ((value & ~0x7F) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  private static int writeVarint(byte[] target, int pos, int value) {
    while ((value & ~0x7F) != 0) {
      target[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    target[pos++] = (byte) value;
    return pos;
  }
}

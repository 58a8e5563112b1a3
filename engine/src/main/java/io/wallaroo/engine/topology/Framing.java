package io.wallaroo.engine.topology;

/**
 * How a TCP byte stream is cut into messages: a fixed-size header holding the payload length,
 * then the payload. The length is read by a {@link LengthField} (a struct format such as
 * {@code ">I"}), or, for classic decoders whose {@code payload_length} is not a plain struct
 * unpack, by a {@link PayloadLength} function supplied by the language bridge.
 */
public record Framing(int headerLength, PayloadLength payloadLength) {

    public Framing {
        if (headerLength < 1 || headerLength > 8) {
            throw new IllegalArgumentException("header_length must be 1 to 8 bytes, got " + headerLength);
        }
    }

    /** Framing from a struct format, checked against the header length the decoder declared. */
    public static Framing of(int headerLength, String structFormat) {
        LengthField field = LengthField.parse(structFormat);
        if (field.headerLength() != headerLength) {
            throw new IllegalArgumentException("decoder header_length=" + headerLength + " but length_fmt '"
                    + structFormat + "' describes " + field.headerLength() + " bytes; make them agree");
        }
        return new Framing(headerLength, field);
    }

    /**
     * Reads the payload length from a header; returns a negative number for an invalid header,
     * or throws {@link InvalidHeaderException} with a reason the user can act on.
     */
    public interface PayloadLength {
        long payloadLength(byte[] header);
    }

    /** A header no length can be read from; the message says why and what to fix. */
    public static final class InvalidHeaderException extends RuntimeException {
        public InvalidHeaderException(String reason) {
            super(reason);
        }
    }
}

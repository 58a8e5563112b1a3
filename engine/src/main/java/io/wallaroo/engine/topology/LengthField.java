package io.wallaroo.engine.topology;

/**
 * The one integer of a Python struct format such as {@code ">I"}, {@code "<H"}, {@code "!Q"} or
 * {@code ">2xH"}: where it sits in the header, how wide it is, its byte order and sign.
 * Parsing happens once, so framing never calls into Python.
 */
public record LengthField(String format, int headerLength, int offset, int width, boolean bigEndian, boolean signed)
        implements Framing.PayloadLength {

    public static LengthField parse(String format) {
        if (format == null || format.isEmpty()) {
            throw new IllegalArgumentException("length_fmt is empty; use a struct format such as '>I'");
        }
        int i = 0;
        boolean bigEndian = false; // '@' and '=' are native order: little-endian on the platforms we run on
        boolean nativeSizes = true;
        char first = format.charAt(0);
        if ("@=<>!".indexOf(first) >= 0) {
            i = 1;
            bigEndian = first == '>' || first == '!';
            nativeSizes = first == '@';
        }
        int size = 0;
        int fieldOffset = -1;
        int fieldWidth = 0;
        boolean fieldSigned = false;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int count = 1;
            if (Character.isDigit(c)) {
                int start = i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                count = Integer.parseInt(format.substring(start, i));
                if (i == format.length()) {
                    throw bad(format, "a repeat count with no format character after it");
                }
                c = format.charAt(i);
            }
            i++;
            if (c == 'x') {
                size += count;
                continue;
            }
            int width = width(c, nativeSizes);
            if (width == 0) {
                throw bad(format, "'" + c + "' is not an integer format character (use b B h H i I l L q Q)");
            }
            if (fieldOffset >= 0 || count != 1) {
                throw bad(format, "it must hold exactly one integer");
            }
            if (nativeSizes) {
                size = (size + width - 1) / width * width; // native alignment
            }
            fieldOffset = size;
            fieldWidth = width;
            fieldSigned = Character.isLowerCase(c);
            size += width;
        }
        if (fieldOffset < 0) {
            throw bad(format, "it holds no integer");
        }
        if (size > 8) {
            throw bad(format, "headers longer than 8 bytes are not supported");
        }
        return new LengthField(format, size, fieldOffset, fieldWidth, bigEndian, fieldSigned);
    }

    private static int width(char c, boolean nativeSizes) {
        return switch (c) {
            case 'b', 'B' -> 1;
            case 'h', 'H' -> 2;
            case 'i', 'I' -> 4;
            case 'l', 'L' -> nativeSizes ? 8 : 4;
            case 'q', 'Q' -> 8;
            case 'n', 'N' -> nativeSizes ? 8 : 0;
            default -> 0;
        };
    }

    private static IllegalArgumentException bad(String format, String why) {
        return new IllegalArgumentException("length_fmt '" + format + "' cannot frame messages: " + why);
    }

    @Override
    public long payloadLength(byte[] header) {
        long value = 0;
        for (int k = 0; k < width; k++) {
            int b = header[offset + (bigEndian ? k : width - 1 - k)] & 0xff;
            value = (value << 8) | b;
        }
        if (signed && width < 8) {
            long signBit = 1L << (width * 8 - 1);
            value = (value ^ signBit) - signBit;
        }
        return value;
    }
}

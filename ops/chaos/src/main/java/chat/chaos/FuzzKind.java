package chat.chaos;

/** The kinds of frame the fuzzer sends, each with its share of the frames. */
public enum FuzzKind {
    /** Valid frames of every type, some behind blank lines or ended by CRLF: each must get its normal answer. */
    VALID(6),
    /** Valid frames written a byte per write, each flushed: each must get its normal answer. */
    SPLIT_VALID(6),
    /** JSON that is not a frame: scalars, arrays, objects without a type or of an unknown type, a field named twice. */
    RANDOM_JSON(12),
    /** A valid frame cut short. */
    TRUNCATED_JSON(9),
    /** Bytes that are not UTF-8: stray continuation bytes, bad lead bytes, cut sequences, surrogates, past U+10FFFF. */
    INVALID_UTF8(8),
    /** Characters in longer byte sequences than UTF-8 allows, structural ones included. */
    OVERLONG_UTF8(6),
    /** Arrays and objects nested around the protocol's depth limit, in unknown and in known fields. */
    DEEP_NESTING(6),
    /** Integers around the digit limit, and numbers at and past the edges of every numeric field. */
    HUGE_NUMBER(8),
    /** Every string field at and past its limit, long types, long unknown fields and field names. */
    LONG_STRING(8),
    /** Lines at the 65,536-byte limit (valid) and past it (frame_too_large, then the close). */
    LONG_LINE(2),
    /** Every field of every client frame type given a value of another kind. */
    WRONG_TYPE(20),
    /** Random bytes, one line or several. */
    BINARY_NOISE(9);

    private final int weight;

    FuzzKind(int weight) {
        this.weight = weight;
    }

    int weight() {
        return weight;
    }
}

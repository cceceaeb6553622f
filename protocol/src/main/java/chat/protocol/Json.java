package chat.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * How every codec of ours builds its Jackson mapper, reading JSON within the protocol's limits ({@link Limits}). Jackson's parsers and generators borrow working buffers from a
 * pool, by default one cached per thread. A gateway runs a thread per connection, each living as long as its client,
 * so per-thread buffers would cost every idle connection some 16 KiB: these mappers share one bounded pool instead,
 * which holds as many buffers as threads ever use them at once, and at most {@value #POOLED_BUFFERS}.
 */
public final class Json {
    static final int POOLED_BUFFERS = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .recyclerPool(JsonRecyclerPools.newBoundedPool(POOLED_BUFFERS))
        // Jackson keeps every field name it reads in a table shared by all parsers (and interns it), so that the next
        // document with the same names allocates none. The names are the writer's: a client that sends a new name of
        // 50,000 characters in every frame would have them all kept, and fill the heap within seconds.
        .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(Limits.MAX_JSON_DEPTH)
            .maxNumberLength(Limits.MAX_NUMBER_DIGITS)
            .maxNameLength(Limits.MAX_FIELD_NAME_LENGTH)
            .build())
        .build();

    private Json() {}

    /** A mapper builder over the shared factory; callers add their own features. */
    public static JsonMapper.Builder mapper() {
        return JsonMapper.builder(FACTORY);
    }
}

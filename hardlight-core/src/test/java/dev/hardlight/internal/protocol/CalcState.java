package dev.hardlight.internal.protocol;

import dev.hardlight.codec.WireReader;
import dev.hardlight.codec.WireWriter;
import dev.hardlight.service.StateCodec;

/** A connection state for the sans-I/O tests, with the codec the processor would generate for it. */
record CalcState(int counter, String user) {

    static final StateCodec<CalcState> CODEC = new StateCodec<>() {
        @Override
        public Class<CalcState> type() {
            return CalcState.class;
        }

        @Override
        public CalcState initial() {
            return new CalcState(0, "");
        }

        @Override
        public long schemaHash() {
            return 0x5EED_0000_0000_0001L;
        }

        @Override
        public int fieldCount() {
            return 2;
        }

        @Override
        public String fieldName(int index) {
            return index == 0 ? "counter" : "user";
        }

        @Override
        public boolean fieldEquals(CalcState a, CalcState b, int index) {
            return index == 0 ? a.counter() == b.counter() : a.user().equals(b.user());
        }

        @Override
        public void encodeField(CalcState value, int index, WireWriter out) {
            if (index == 0) {
                out.writeInt(value.counter());
            } else {
                out.writeString(WireWriter.requireValue(value.user(), "CalcState.user"));
            }
        }

        @Override
        public CalcState applyDelta(CalcState base, int count, WireReader in) {
            int counter = base.counter();
            String user = base.user();
            int last = -1;
            for (int k = 0; k < count; k++) {
                int index = in.readVarInt();
                if (index <= last) {
                    throw WireReader.malformed("state field index " + index + " after " + last);
                }
                if (index >= 2) {
                    in.skipRemaining(); // a newer server's component, and everything after it
                    break;
                }
                last = index;
                if (index == 0) {
                    counter = in.readInt();
                } else {
                    user = in.readString();
                }
            }
            return new CalcState(counter, user);
        }

        @Override
        public CalcState decode(WireReader in) {
            int limit = in.beginRecord();
            CalcState s = new CalcState(in.hasMore() ? in.readInt() : 0, in.hasMore() ? in.readString() : "");
            in.endRecord(limit);
            return s;
        }
    };
}

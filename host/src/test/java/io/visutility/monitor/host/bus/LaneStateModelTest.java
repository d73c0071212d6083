package io.visutility.monitor.host.bus;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model checks (Lincheck) the lane lifecycle's transitions: hold, the lane thread's
 * acknowledgement ("hold acknowledgement" in package-info), resume, close and the end, run from
 * several threads in every interleaving Lincheck explores, must be linearizable: each call acts
 * as if it happened at one instant. A transition written as a read then a write (a resume that
 * reads "held" and then stores RUNNING) lets a close in between be undone; Lincheck finds that.
 */
class LaneStateModelTest {

    /** A registered lane: starts RUNNING. */
    public static class Running {
        private final LaneState state = new LaneState(LaneState.RUNNING);

        @Operation
        public void requestHold() {
            state.requestHold();
        }

        @Operation(nonParallelGroup = "lane thread")
        public boolean acknowledgeHold() {
            return state.acknowledgeHold();
        }

        @Operation(nonParallelGroup = "lane thread")
        public void end() {
            state.end();
        }

        @Operation
        public void resume() {
            state.resume();
        }

        @Operation
        public void close() {
            state.close();
        }

        @Operation
        public int get() {
            return state.get();
        }
    }

    /** A replacement: starts AWAITING_OBSERVER, held until a resume. */
    public static class Replacement extends Running {
        private final LaneState state = new LaneState(LaneState.AWAITING_OBSERVER);

        @Override
        public void requestHold() {
            state.requestHold();
        }

        @Override
        public boolean acknowledgeHold() {
            return state.acknowledgeHold();
        }

        @Override
        public void end() {
            state.end();
        }

        @Override
        public void resume() {
            state.resume();
        }

        @Override
        public void close() {
            state.close();
        }

        @Override
        public int get() {
            return state.get();
        }
    }

    @Test
    void aRegisteredLanesTransitionsAreLinearizable() {
        options().check(Running.class);
    }

    @Test
    void aReplacementsTransitionsAreLinearizable() {
        options().check(Replacement.class);
    }

    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions().iterations(20).invocationsPerIteration(500).threads(3)
                .actorsPerThread(3);
    }
}

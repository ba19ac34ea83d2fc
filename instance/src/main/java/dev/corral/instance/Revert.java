package dev.corral.instance;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undo steps for a multi-step change: add one after each step that succeeded; {@link #close()} runs them in reverse
 * unless {@link #success()} was called. Use in try-with-resources. Shared by the daemon, storage and drivers.
 */
public final class Revert implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Revert.class);

    public interface Step {
        void undo() throws Exception;
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private boolean succeeded;

    public void add(Step step) {
        steps.push(step);
    }

    public void success() {
        succeeded = true;
    }

    @Override
    public void close() {
        if (succeeded) {
            return;
        }
        while (!steps.isEmpty()) {
            try {
                steps.pop().undo();
            } catch (Exception e) {
                LOG.error("cannot undo a step of a failed change", e);
            }
        }
    }
}

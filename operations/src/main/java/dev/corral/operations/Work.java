package dev.corral.operations;

/**
 * The body of an operation. It runs on the registry's worker pool, so it may block. Returning normally means
 * success; throwing means failure, with the exception's message as the operation's {@code err}. A work that sees
 * {@link OperationContext#isCancelled()} (or is interrupted) should stop promptly.
 */
@FunctionalInterface
public interface Work {
    void run(OperationContext context) throws Exception;
}

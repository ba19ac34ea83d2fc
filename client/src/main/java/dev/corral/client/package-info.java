/**
 * The asynchronous Java SDK for Corral and for a real Incus 6.0 daemon: one entry point, {@link dev.corral.client.Corral},
 * and one interface per resource of the REST API ({@link dev.corral.client.ServerApi},
 * {@link dev.corral.client.Instances} (with {@link dev.corral.client.InstanceFiles}), {@link dev.corral.client.Images},
 * {@link dev.corral.client.ImageAliases},
 * {@link dev.corral.client.Operations}, {@link dev.corral.client.Events}, {@link dev.corral.client.StoragePools},
 * {@link dev.corral.client.Profiles}, {@link dev.corral.client.Projects}).
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Every call returns a {@link java.util.concurrent.CompletableFuture}; nothing blocks the calling thread.
 *       Futures complete on the client's callback threads, never on its I/O thread, so a continuation may block
 *       (e.g. {@code join()} another call) without stalling the client.</li>
 *   <li>Failures are one type, {@link dev.corral.client.CorralException}: the daemon's {@code error_code} and
 *       message, a failed or cancelled operation, a timeout, or a broken connection.</li>
 *   <li>Timeouts are explicit: plain requests use {@link dev.corral.client.ClientOptions#requestTimeout()}, waits
 *       take a {@link java.time.Duration}.</li>
 *   <li>Changes the daemon runs in the background return an {@link dev.corral.client.OperationHandle}; every such
 *       method has an {@code ...AndWait} variant that waits for the end and answers the result.</li>
 *   <li>Requests are the wire records of {@code dev.corral.api} or small builders of this package
 *       ({@link dev.corral.client.CreateInstance}, {@link dev.corral.client.StateChange},
 *       {@link dev.corral.client.ExecRequest}, {@link dev.corral.client.ImageImport}).</li>
 *   <li>Streams (events, exec output, operation websockets) are delivered to a
 *       {@link dev.corral.client.StreamCallback}: start, next..., then error or complete, in order, one call at a
 *       time.</li>
 * </ul>
 */
package dev.corral.client;

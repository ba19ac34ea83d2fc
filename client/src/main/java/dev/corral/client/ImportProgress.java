package dev.corral.client;

/**
 * Progress of an image import: first the upload (measured here), then the daemon's import (its operation's
 * progress reports, where it makes any).
 *
 * @param phase upload or import
 * @param bytes bytes sent so far (upload), or -1
 * @param totalBytes bytes to send (upload), or -1
 * @param percent 0 to 100, or -1 when unknown
 */
public record ImportProgress(Phase phase, long bytes, long totalBytes, int percent) {

    /** The two phases of an import. */
    public enum Phase {
        UPLOAD, IMPORT
    }
}

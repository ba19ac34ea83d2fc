/**
 * Storage: the image store and {@code dir} storage pools.
 *
 * <p>{@link dev.corral.storage.ImageStore} keeps image files as uploaded ({@code POST /1.0/images}: unified tarball
 * or split metadata + rootfs), computes fingerprints as Incus does, reads {@code metadata.yaml}, exports and deletes.
 * {@link dev.corral.storage.DirPool} makes instance volumes from those images: each image is unpacked once per pool
 * (with its own ids) and copied per instance with owners shifted into the instance's id map.
 *
 * <p>Every public method blocks (disk, sometimes a child process) and is to be called from worker threads. Errors are
 * {@link dev.corral.api.ApiException}s with the HTTP status to answer (400 bad input, 404, 409, 500).
 */
package dev.corral.storage;

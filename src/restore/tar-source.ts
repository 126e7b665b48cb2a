import type { Readable } from 'node:stream';

/** Where scratch volumes are mounted in restore helpers; container archives name their entries after it. */
export const RESTORE_MOUNT = '/rehearsa-restore';

/** A tar being produced for one scratch volume. */
export interface OpenedTar {
  /** An uncompressed tar; it fails (even after its last byte) when whatever produced it failed. */
  stream: Readable;
  /** Entries are named `rehearsa-restore/…` (a container archive) instead of relative to the volume root. */
  rooted: boolean;
  /** Releases what opening made (temporary directories, helper containers); never throws. */
  close(): Promise<void>;
}

/** Something that can produce the contents of a volume as a tar stream: an archive, a directory, a snapshot, a live volume. */
export interface TarSource {
  /** `archive /backups/db.tar.gz`, `restic /repo 883ce8fb`… for the report. */
  readonly label: string;
  open(signal: AbortSignal): Promise<OpenedTar>;
}

/** A restic snapshot or borg archive picked for a restore, resolved before anything is created. */
export interface SnapshotInfo {
  /** Snapshot id (restic) or archive name (borg). */
  id: string;
  /** When it was taken, ISO 8601. */
  time: string;
  /** Path of the backed-up directory as the tool stored it; its contents become the volume root. */
  root: string;
}

/** Evidence (佐证材料): the files attached to a task, as stored. */
import type { Actor } from "./actor.js";

/** Evidence (佐证材料) as stored. */
export interface EvidenceRecord {
  id: number;
  taskId: number;
  requestId: number | null;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  path: string;
  uploader: string;
  eventId: string | null;
  createdAt: Date;
}

export type NewEvidence = Omit<EvidenceRecord, "id" | "createdAt">;

export interface EvidenceRepository {
  /** Store evidence metadata (the file is already saved) with its audit entry; a repeated event id returns the stored row. */
  add(e: NewEvidence, actor: Actor, at: Date): Promise<EvidenceRecord>;
  forTask(taskId: number): Promise<EvidenceRecord[]>;
}

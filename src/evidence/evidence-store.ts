/** Keeps evidence files (佐证材料); returns the stored file's path relative to the evidence folder. */
export interface EvidenceStore {
  save(bytes: Uint8Array, meta: { taskNumber: number; sha256: string; name: string }): Promise<string>;
}

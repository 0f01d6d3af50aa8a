import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { EvidenceStore } from "./evidence-store.js";

/** What no file name may hold: path separators, the characters Windows reserves, and C0 control characters. */
// \p{Cc} is not used because it would also replace U+007F–U+009F.
// biome-ignore lint/suspicious/noControlCharactersInRegex: file names must not carry C0 control characters (U+0000–U+001F)
const UNSAFE_IN_FILE_NAME = /[/\\\u0000-\u001f<>:"|?*]/g;

/** A file name safe on any filesystem: path separators, control characters and the like become "_". */
export function safeName(name: string, maxBytes = 150): string {
  const cleaned = name.replace(UNSAFE_IN_FILE_NAME, "_").replace(/^\.+/, "_").trim() || "file";
  // Filesystems allow 255 bytes per name: cut by UTF-8 bytes, keep the extension, never split a character.
  const dot = cleaned.lastIndexOf(".");
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  const stem = ext ? cleaned.slice(0, dot) : cleaned;
  let out = "";
  for (const ch of stem) {
    if (Buffer.byteLength(out + ch + ext, "utf8") > maxBytes) break;
    out += ch;
  }
  return (out || "file") + ext;
}

/**
 * Evidence files under one folder: `task-6/<sha256 prefix>-<name>`. Written to a temporary name and
 * renamed, so a crash never leaves a half-written file under the final name; folders are private (0700).
 */
export class FsEvidenceStore implements EvidenceStore {
  constructor(readonly root: string) {}

  async save(bytes: Uint8Array, meta: { taskNumber: number; sha256: string; name: string }): Promise<string> {
    const rel = join(`task-${meta.taskNumber}`, `${meta.sha256.slice(0, 16)}-${safeName(meta.name)}`);
    const dir = join(this.root, `task-${meta.taskNumber}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await Promise.all([chmod(this.root, 0o700), chmod(dir, 0o700)]);
    const tmp = `${join(this.root, rel)}.tmp-${process.pid}`;
    await writeFile(tmp, bytes, { mode: 0o600 });
    await rename(tmp, join(this.root, rel));
    return rel;
  }
}

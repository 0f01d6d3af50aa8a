import type { DirectoryAdminPort } from "../core/command.js";
import type { Actor, AuditRepository, DirectoryChangeRepository } from "../core/model.js";
import { applyOverlay, type Directory, DirectoryError, loadDirectory, validateDirectory, type DirectoryData, type OverlayChange } from "./directory.js";

/**
 * The effective directory: the file with the chat changes (绑定 / 解绑 / 绑定本群) applied over it. Chat
 * changes are validated like the file, stored, audited, and in force at once; `reload` re-reads the file
 * (SIGHUP, or when it changes) and keeps the old directory if the new file does not validate.
 */
export class DirectoryAdmin implements DirectoryAdminPort {
  private constructor(
    private readonly file: string,
    private fileData: DirectoryData,
    readonly directory: Directory,
    private readonly changes: DirectoryChangeRepository,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Load the file and apply the stored changes. Changes that no longer fit the file are skipped and returned.
   * `fileDirectory` is the already loaded file (openApp loads it before the database exists).
   */
  static async open(
    file: string,
    fileDirectory: Directory,
    changes: DirectoryChangeRepository,
    audit: AuditRepository,
  ): Promise<{ admin: DirectoryAdmin; skipped: string[] }> {
    const admin = new DirectoryAdmin(file, structuredClone(fileDirectory.data), fileDirectory, changes, audit);
    const skipped = await admin.rebuild(admin.fileData);
    return { admin, skipped };
  }

  /** The effective data for a file: overlay applied; throws DirectoryError when the result is invalid. */
  private async effective(fileData: DirectoryData, extra: OverlayChange[] = []): Promise<{ data: DirectoryData; skipped: string[] }> {
    const { data, skipped } = applyOverlay(fileData, [...(await this.changes.list()), ...extra]);
    validateDirectory(data, this.file);
    return { data, skipped: skipped.map((s) => `${s.change.op} ${s.change.user ?? s.change.room ?? ""} ${s.change.unit}: ${s.problem}`) };
  }

  private async rebuild(fileData: DirectoryData): Promise<string[]> {
    let result: { data: DirectoryData; skipped: string[] };
    try {
      result = await this.effective(fileData);
    } catch (e) {
      // The stored changes no longer fit this file: the file alone is in force, and the problem is reported.
      if (!(e instanceof DirectoryError)) throw e;
      this.fileData = fileData;
      this.directory.replace(structuredClone(fileData));
      return e.problems.map((p) => `chat changes not applied: ${p}`);
    }
    this.fileData = fileData;
    this.directory.replace(result.data);
    return result.skipped;
  }

  async apply(change: OverlayChange, actor: Actor, at: Date): Promise<void> {
    // Earlier changes that no longer fit the file are skipped as they already are; only this change must apply.
    const { skipped: before } = applyOverlay(this.fileData, await this.changes.list());
    const { data, skipped } = await this.effective(this.fileData, [change]);
    if (skipped.length > before.length) throw new DirectoryError(this.file, skipped.slice(before.length));
    await this.changes.add({ ...change, by: actor.id, at }, actor);
    this.directory.replace(data);
  }

  /**
   * Re-read the file. On success the new file plus the chat changes is in force; otherwise the old
   * directory stays and the problems are returned (the caller tells the office). Audited either way.
   */
  async reload(actor: Actor, at: Date): Promise<{ ok: boolean; problems: string[] }> {
    let loaded: Directory;
    try {
      loaded = loadDirectory(this.file);
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      await this.audit.append({ at, actor, action: "directory-reload", outcome: "refused", detail: { file: this.file, problems: e.problems } });
      return { ok: false, problems: e.problems };
    }
    const skipped = await this.rebuild(structuredClone(loaded.data));
    await this.audit.append({ at, actor, action: "directory-reload", detail: { file: this.file, skipped } });
    return { ok: true, problems: skipped };
  }

  /** The effective directory as data (`npx duban directory --json`). */
  get data(): DirectoryData {
    return this.directory.data;
  }
}

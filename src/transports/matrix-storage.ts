import { existsSync } from "node:fs";
import { SimpleFsStorageProvider, type IFilterInfo, type IStorageProvider } from "matrix-bot-sdk";
import type { SettingsStore } from "../core/model.js";

/**
 * matrix-bot-sdk's storage (the sync position, the filter, small values) in duban's own database instead of a
 * file. With several instances on PostgreSQL (docs/postgres.md, "Several instances"), the one that takes over resumes the
 * sync where the lost one stopped, on whichever machine it runs. The sync token is saved only after a batch's
 * events are handled (MatrixSyncLoop), so a batch interrupted by a crash comes again, and event ids keep a
 * redelivered message from being recorded twice.
 */
export class DatabaseStorageProvider implements IStorageProvider {
  constructor(private readonly settings: SettingsStore) {}

  /**
   * Moving from SQLite: when the database has no sync position yet, take the one in matrix-bot-sdk's sync file
   * (MATRIX_STORAGE_FILE), so the messages sent while the bot was stopped for the move are still handled.
   * Without a position the bot would start from now and skip them. Returns whether it took one.
   */
  async seedFrom(file: string): Promise<boolean> {
    if ((await this.getSyncToken()) !== null || !existsSync(file)) return false;
    const old = new SimpleFsStorageProvider(file);
    const token = await Promise.resolve(old.getSyncToken());
    if (!token) return false;
    const filter = await Promise.resolve(old.getFilter());
    if (filter) await this.setFilter(filter);
    await this.setSyncToken(token);
    return true;
  }

  async setSyncToken(token: string | null): Promise<void> {
    await this.settings.set("matrix.sync.token", token ?? "");
  }

  async getSyncToken(): Promise<string | null> {
    return (await this.settings.get("matrix.sync.token")) || null;
  }

  async setFilter(filter: IFilterInfo): Promise<void> {
    await this.settings.set("matrix.sync.filter", JSON.stringify(filter));
  }

  async getFilter(): Promise<IFilterInfo> {
    const raw = await this.settings.get("matrix.sync.filter");
    return (raw ? JSON.parse(raw) : null) as IFilterInfo;
  }

  async storeValue(key: string, value: string): Promise<void> {
    await this.settings.set(`matrix.kv.${key}`, value);
  }

  async readValue(key: string): Promise<string | null> {
    return this.settings.get(`matrix.kv.${key}`);
  }
}

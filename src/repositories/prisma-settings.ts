import type { PrismaClient } from "../generated/prisma/client.js";
import type { SettingsStore } from "../core/model.js";

/** Key/value settings. */
export class PrismaSettings implements SettingsStore {
  constructor(private readonly db: PrismaClient) {}

  async get(key: string): Promise<string | null> {
    return (await this.db.setting.findUnique({ where: { key } }))?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
  }

  async setOnce(key: string, value: string): Promise<boolean> {
    const n = await this.db.$executeRaw`INSERT INTO "Setting" ("key", "value") VALUES (${key}, ${value}) ON CONFLICT ("key") DO NOTHING`;
    return n === 1;
  }
}

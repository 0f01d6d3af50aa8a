// Types for scripts/prisma-generate.mjs (a plain script, so that postinstall runs without tsx).
export declare const SQLITE_SCHEMA: string;
export declare const POSTGRES_SCHEMA: string;
export declare function postgresSchema(sqliteSchema: string): string;

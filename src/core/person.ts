import type { Directory } from "../directory/directory.js";
import type { Catalogue } from "./i18n/index.js";

/**
 * A person as replies show them: their name and unit, `张伟（刑侦大队）`, never the Matrix id. The unit is the one
 * recorded with the act when given, else the person's home unit in the directory.
 */
export function personLabel(t: Catalogue, directory: Directory, user: string, unit?: string | null): string {
  return t.status.author(directory.displayName(user), unit === undefined ? directory.homeUnit(user) : unit);
}

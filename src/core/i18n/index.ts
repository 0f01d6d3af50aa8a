import { en, type Catalogue } from "./en.js";
import { zh, type Lang } from "./zh.js";

export type { Catalogue, Lang };

/** The catalogue for a language: `catalogue("zh").errors.noPlan`. */
export function catalogue(lang: Lang): Catalogue {
  return lang === "en" ? en : zh;
}

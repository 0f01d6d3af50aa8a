// Types for scripts/traditional-chars.mjs (a plain script).
/** opencc-js's traditional → simplified character table, as installed: "trad simp|trad simp…". */
export declare const TS_CHARACTERS: string;
/** The characters that the table changes, sorted, as one string. */
export declare function traditionalChars(dict: string): string;

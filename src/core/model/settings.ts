/** Settings (设置): small persistent key/value state. */

/** Small persistent key/value state (last scheduler run, one-time notices). */
export interface SettingsStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Set the key only if it is absent; true when this call set it. Used for "say it once" notices. */
  setOnce(key: string, value: string): Promise<boolean>;
}

/**
 * The settings key under which the Matrix transport records the bot's crypto device (`{userId, deviceId, ed25519,
 * curve25519}`), so that doctor, backups and restores know the device without opening the store. Its own module, so
 * that they need not load the engine (and the wasm) to read it.
 */
export const DEVICE_SETTING = "matrix.crypto.device";

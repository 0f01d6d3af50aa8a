/** The Matrix bot could not start (bad token, unreachable homeserver); the message says what to fix. Kept apart from
 * matrix.ts so that catching it does not load matrix-bot-sdk. */
export class MatrixStartError extends Error {}

/** A send the transport must not make: into an encrypted room from a process without the crypto store (the CLI). */
export class MatrixSendRefused extends Error {}

/**
 * The core's stored records and repository interfaces, one file per aggregate under ./model/. Import from here:
 * this barrel keeps every import site as it was.
 */
export * from "./model/actor.js";
export * from "./model/audit.js";
export * from "./model/digests.js";
export * from "./model/directory-changes.js";
export * from "./model/events.js";
export * from "./model/evidence.js";
export * from "./model/history.js";
export * from "./model/pending.js";
export * from "./model/plans.js";
export * from "./model/reminders.js";
export * from "./model/repositories.js";
export * from "./model/requests.js";
export * from "./model/schedule.js";
export * from "./model/settings.js";
export * from "./model/targets.js";
export * from "./model/updates.js";

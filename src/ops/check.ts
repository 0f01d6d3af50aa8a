/**
 * One line of `npx duban doctor`: what was checked, how it went, and what to do about it. `warn` is a finding to act on
 * (a unit with no room yet) that does not stop the service, so doctor still exits 0.
 */
export interface Check {
  name: string;
  status: "ok" | "fail" | "skip" | "warn";
  detail: string;
}

/** One line of `npx duban doctor`: what was checked, how it went, and what to do about it. */
export interface Check {
  name: string;
  status: "ok" | "fail" | "skip";
  detail: string;
}

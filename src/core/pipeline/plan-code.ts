import { addressMessage } from "../plan-scope.js";
import type { Arrival, Stage } from "./pipeline.js";

/** Makes the Message: a plan code the text is addressed with taken out (`科技兴警 任务6` → `任务6`), every plan read once. */
export const planCode: Stage<Arrival> = async (arrival, next) => {
  arrival.msg = addressMessage(arrival.inbound, await arrival.deps.repos.plans.plans());
  return next();
};

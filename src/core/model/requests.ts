/** Requests for completion (申请办结) or extension (申请延期) of a task, and the office's decisions on them. */
import type { Deadline } from "../../plan/types.js";
import type { Actor } from "./actor.js";

/** A completion (申请办结) or extension (申请延期) request. */
export interface RequestRecord {
  id: number;
  taskId: number;
  kind: "completion" | "extension";
  state: "pending" | "approved" | "rejected" | "superseded";
  note: string;
  deadline: Deadline | null;
  requestedBy: string;
  requesterUnit: string | null;
  room: string | null;
  transport: string;
  eventId: string | null;
  link: string | null;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

export interface NewRequest {
  taskId: number;
  kind: RequestRecord["kind"];
  note: string;
  deadline: Deadline | null;
  link: string | null;
  actor: Actor;
  at: Date;
}

/** Thrown by `RequestRepository.create` when a request of the same kind is already pending for the task. */
export class RequestPendingError extends Error {
  constructor(readonly existing: RequestRecord) {
    super(`a ${existing.kind} request is already pending for task ${existing.taskId}`);
  }
}

/** Requests and the decisions on them; each write changes the task and appends its audit entry in one transaction. */
export interface RequestRepository {
  /** Store a request; throws if one of the same kind is already pending for the task. */
  create(r: NewRequest): Promise<RequestRecord>;
  pending(taskId: number, kind?: RequestRecord["kind"]): Promise<RequestRecord[]>;
  /** Every pending request on the tasks of a plan, oldest first. */
  pendingInPlan(planId: number): Promise<RequestRecord[]>;
  byId(id: number): Promise<RequestRecord | null>;
  byEventId(eventId: string): Promise<RequestRecord | null>;
  /** Newest first. */
  forTask(taskId: number): Promise<RequestRecord[]>;
  /** Approve or reject a pending request; null if it was no longer pending. Approval completes the task or moves its deadline. */
  decide(id: number, decision: "approved" | "rejected", reason: string, actor: Actor, at: Date): Promise<RequestRecord | null>;
}
